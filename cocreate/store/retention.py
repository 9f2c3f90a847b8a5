"""How long workshops are kept: finding those whose retention ran out, and deleting them."""

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from .. import domain
from .rows import now_iso
from .schema import actions, applied, clusters, notes, participants, votes, workshops


class Retention:
    """Expiry and deletion; mixed into `Store`, whose locks and connections it uses."""

    def mark_downloaded(self, workshop_id):
        """Note the facilitator's first download (for "delete after download")."""
        with self._workshop_lock(workshop_id), self.engine.begin() as conn:
            conn.execute(update(workshops).where(workshops.c.id == workshop_id,
                                                 workshops.c.downloaded_at.is_(None))
                         .values(downloaded_at=now_iso()))

    def expired(self, now=None):
        """Ids of workshops whose retention has run out."""
        moment = datetime.fromisoformat(now or now_iso())
        found = []
        with self._reading() as conn:
            rows = conn.execute(select(workshops.c.id, workshops.c.retention,
                                       workshops.c.updated_at, workshops.c.downloaded_at))
            for row in rows:
                days = domain.workshop.RETENTIONS.get(row.retention, 30)
                since = row.downloaded_at if row.retention == "after_download" else row.updated_at
                if since and moment - datetime.fromisoformat(since) > timedelta(days=days):
                    found.append(row.id)
        return found

    def purge(self, now=None):
        """Delete every expired workshop; returns how many."""
        gone = self.expired(now)
        for workshop_id in gone:
            self.delete_workshop(workshop_id)
        return len(gone)

    def delete_workshop(self, workshop_id):
        """Remove a workshop and everything in it."""
        with (self._workshop_lock(workshop_id), self._serialised(workshop_id) as conn,
              conn.begin()):
            conn.execute(delete(applied).where(applied.c.workshop_id == workshop_id))
            conn.execute(delete(votes).where(votes.c.workshop_id == workshop_id))
            conn.execute(delete(actions).where(actions.c.workshop_id == workshop_id))
            conn.execute(delete(clusters).where(clusters.c.workshop_id == workshop_id))
            conn.execute(delete(notes).where(notes.c.workshop_id == workshop_id))
            conn.execute(delete(participants).where(participants.c.workshop_id == workshop_id))
            conn.execute(delete(workshops).where(workshops.c.id == workshop_id))
            self._cache.pop(workshop_id, None)
        with self._guard:
            for key in [key for key in self._tokens if key[0] == workshop_id]:
                del self._tokens[key]
