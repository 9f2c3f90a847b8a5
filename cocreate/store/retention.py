"""How long workshops are kept: finding those whose retention ran out, and deleting them."""

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from .. import domain
from .rows import now_iso
from .schema import actions, applied, clusters, notes, participants, votes, workshops


class Retention:
    """Expiry and deletion."""

    def __init__(self, database, cache, members):
        self.database, self.cache, self.members = database, cache, members

    def mark_downloaded(self, workshop_id):
        """Note the facilitator's first download (for "delete after download")."""
        with self.cache.lock(workshop_id), self.database.engine.begin() as conn:
            conn.execute(
                update(workshops)
                .where(workshops.c.id == workshop_id, workshops.c.downloaded_at.is_(None))
                .values(downloaded_at=now_iso())
            )

    def expired(self, now=None):
        """Ids of workshops whose retention has run out."""
        moment = datetime.fromisoformat(now or now_iso())
        found = []
        with self.database.reading() as conn:
            rows = conn.execute(
                select(workshops.c.id, workshops.c.retention, workshops.c.updated_at, workshops.c.downloaded_at)
            )
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
        with self.cache.lock(workshop_id), self.database.serialised(workshop_id) as conn, conn.begin():
            conn.execute(delete(applied).where(applied.c.workshop_id == workshop_id))
            conn.execute(delete(votes).where(votes.c.workshop_id == workshop_id))
            conn.execute(delete(actions).where(actions.c.workshop_id == workshop_id))
            conn.execute(delete(clusters).where(clusters.c.workshop_id == workshop_id))
            conn.execute(delete(notes).where(notes.c.workshop_id == workshop_id))
            conn.execute(delete(participants).where(participants.c.workshop_id == workshop_id))
            conn.execute(delete(workshops).where(workshops.c.id == workshop_id))
            self.cache.forget(workshop_id)
        self.members.forget(workshop_id)
