"""The people of a workshop in the database: joining, and who holds which token.

A token, once found, is remembered (hashed; the most recent `TOKENS_KEPT`): tokens never
change and participants are never removed, so a room reconnecting at once after its Wi-Fi
came back does not read the database once per person.
"""

import threading
from collections import OrderedDict

from sqlalchemy import bindparam, insert, select, update

from .. import domain
from .cache import keep_recent
from .rows import now_iso
from .schema import participants
from .tokens import hash_token, new_id, new_token

TOKENS_KEPT = 4096  # tokens found, remembered per process
# Every connection runs it: built once.
AUTHENTICATE = select(participants.c.id, participants.c.role).where(
    participants.c.token_hash == bindparam("token_hash"), participants.c.workshop_id == bindparam("workshop")
)


class Members:
    """Joining a workshop, and finding the participant a token belongs to."""

    def __init__(self, database, cache, locking):
        self.database, self.cache, self.locking = database, cache, locking
        self._guard = threading.Lock()
        self._known = OrderedDict()  # (workshop, token hash) -> participant

    def join(self, workshop_id, name, role=domain.PARTICIPANT, publish=None, participant_id=None):
        """Someone joins; returns (participant, token, events). `participant_id` is for a
        person of an earlier session of the series (`Series.returning_person`) coming back:
        they keep their id, so the actions they own are theirs here too."""
        token = new_token()
        participant_id = participant_id or new_id()
        now = now_iso()

        def change(conn, workshop):
            if participant_id in workshop.participants:
                raise domain.DomainError(
                    "conflict", "This person has joined this session already.", key="refusal_joined_already"
                )
            events = domain.join(workshop, participant_id, name, role, now)
            conn.execute(
                insert(participants).values(
                    id=participant_id,
                    workshop_id=workshop_id,
                    token_hash=hash_token(token),
                    name=name,
                    role=role,
                    ready=False,
                    position=workshop.seq,
                    joined_at=now,
                    table_id=workshop.participants[participant_id].table,
                )
            )
            return events

        events, _seq = self.locking.change(
            workshop_id, change, publish, replay=("join", (participant_id, name, role, now))
        )
        return self.cache.get(workshop_id).participants[participant_id], token, events

    def hand_over(self, workshop_id, participant_id):
        """A new token for someone already in the workshop (whoever imports a backup takes
        over its facilitator); their old token no longer opens it. Returns the token."""
        token = new_token()
        with self.database.engine.begin() as conn:
            conn.execute(
                update(participants)
                .where(participants.c.workshop_id == workshop_id, participants.c.id == participant_id)
                .values(token_hash=hash_token(token))
            )
        return token

    def authenticate(self, workshop_id, token):
        """The participant holding `token` in this workshop, or None.

        A token of a workshop deleted since is still found while remembered; the workshop
        itself is not (`snapshot` and every command say `not_found`).
        """
        if not workshop_id or not token:
            return None
        key = (workshop_id, hash_token(token))
        with self._guard:
            found = self._known.get(key)
            if found is not None:
                self._known.move_to_end(key)
                return found
        with self.database.reading() as conn:
            found = conn.execute(AUTHENTICATE, {"token_hash": key[1], "workshop": workshop_id}).first()
        if found is not None:
            with self._guard:
                keep_recent(self._known, key, found, TOKENS_KEPT)
        return found

    def forget(self, workshop_id):
        """Forget the tokens remembered for a workshop (it was deleted)."""
        with self._guard:
            for key in [key for key in self._known if key[0] == workshop_id]:
                del self._known[key]
