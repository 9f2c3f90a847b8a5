"""The store's face: what the server asks of the database, one method a question or a change.

How a change runs alone and in order is in `locking`, how each event is stored in
`persist`, how long workshops are kept in `retention`, follow-ups and shared actions in
`series`.
"""

import copy

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import domain
from .locking import Locking, keep_recent
from .mirror import Mirror
from .persist import INSERT_APPLIED, PERSIST
from .retention import Retention
from .series import Series, Shared, refuse_if_shared
from .rows import insert_workshop, now_iso, steps_record
from .schema import participants, workshops
from .tokens import hash_token, new_id, new_join_code, new_token, normalise_join_code

TOKENS_KEPT = 4096  # tokens found, remembered per process (`Store.authenticate`)
# Every connection runs it: built once (bench/: reconnect-storm).
AUTHENTICATE = select(participants.c.id, participants.c.role).where(
    participants.c.token_hash == bindparam("token_hash"),
    participants.c.workshop_id == bindparam("workshop"))


class Store(Series, Retention, Mirror, Locking):
    """Workshops, participants and notes in a SQL database."""

    # -- creating and joining -------------------------------------------------

    def create_workshop(self, title, goal, language, format_key, facilitator_name,
                        retention=domain.workshop.DEFAULT_RETENTION, date=None):
        """A new workshop with its facilitator; returns (workshop, facilitator token)."""
        fmt = domain.load_format(format_key)
        now = now_iso()
        for _attempt in range(20):
            code = new_join_code()
            workshop = domain.new_workshop(new_id(), code, title, goal, language, format_key,
                                           domain.steps_in_language(fmt, language), now,
                                           retention, date=date)
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(workshops).values(
                        id=workshop.id, join_code=code, title=title, goal=workshop.goal,
                        language=language, format=format_key,
                        steps=steps_record(workshop),
                        current_step=0, locked=False, seq=0, created_at=now, updated_at=now,
                        retention=retention, session_date=date))
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - 887 million codes make this practically unreachable
            raise RuntimeError("no free join code")
        _participant, token, _events = self.add_participant(
            workshop.id, facilitator_name, domain.FACILITATOR)
        return workshop, token

    def import_workshop(self, restore, facilitator_name):
        """A new workshop from a backup; `restore(id, join_code, now)` builds the aggregate.

        Returns (workshop, facilitator token) like `create_workshop`.
        """
        now = now_iso()
        for _attempt in range(20):
            code = new_join_code()
            workshop = restore(new_id(), code, now)
            try:
                with self.engine.begin() as conn:
                    insert_workshop(conn, workshop, now)
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover
            raise RuntimeError("no free join code")
        # Whoever imports takes over the backup's facilitator, so no one is added.
        facilitator = next((p for p in workshop.participants.values() if p.is_facilitator), None)
        if facilitator is None:
            _participant, token, _events = self.add_participant(
                workshop.id, facilitator_name, domain.FACILITATOR)
            return workshop, token
        token = new_token()
        with self.engine.begin() as conn:
            conn.execute(update(participants).where(participants.c.workshop_id == workshop.id,
                                                    participants.c.id == facilitator.id)
                         .values(token_hash=hash_token(token)))
        return workshop, token

    def add_participant(self, workshop_id, name, role=domain.PARTICIPANT, publish=None,
                        participant_id=None):
        """Someone joins; returns (participant, token, events). `participant_id` is for a
        person of an earlier session of the series (`Series.returning_person`) coming back:
        they keep their id, so the actions they own are theirs here too."""
        token = new_token()
        participant_id = participant_id or new_id()
        now = now_iso()

        def change(conn, workshop):
            if participant_id in workshop.participants:
                raise domain.DomainError("conflict", "This person has joined this session already.")
            events = domain.join(workshop, participant_id, name, role, now)
            conn.execute(insert(participants).values(
                id=participant_id, workshop_id=workshop_id, token_hash=hash_token(token),
                name=name, role=role, ready=False, position=workshop.seq, joined_at=now,
                table_id=workshop.participants[participant_id].table))
            return events

        events, _seq = self._change(workshop_id, change, publish,
                                    replay=("join", (participant_id, name, role, now)))
        return self._cache[workshop_id].participants[participant_id], token, events

    # -- looking up -------------------------------------------------------------

    def authenticate(self, workshop_id, token):
        """The participant holding `token` in this workshop, or None.

        A token, once found, is remembered (hashed; the most recent `TOKENS_KEPT`): tokens
        never change and participants are never removed, so a room reconnecting at once
        after its Wi-Fi came back does not read the database once per person (bench/:
        reconnect-storm). A token of a workshop deleted since is still found here; the
        workshop itself is not (`snapshot` and every command say `not_found`).
        """
        if not workshop_id or not token:
            return None
        key = (workshop_id, hash_token(token))
        with self._guard:
            found = self._tokens.get(key)
            if found is not None:
                self._tokens.move_to_end(key)
                return found
        with self._reading() as conn:
            found = conn.execute(AUTHENTICATE, {"token_hash": key[1],
                                                "workshop": workshop_id}).first()
        if found is not None:
            with self._guard:
                keep_recent(self._tokens, key, found, TOKENS_KEPT)
        return found

    def find_by_join_code(self, code):
        """(workshop id, title) for a join code typed in any case, or None."""
        with self._reading() as conn:
            return conn.execute(select(workshops.c.id, workshops.c.title).where(
                workshops.c.join_code == normalise_join_code(code))).first()

    def summary(self, workshop_id):
        """(id, title, join_code, language, series_id, format) of a workshop, or None."""
        with self._reading() as conn:
            return conn.execute(select(
                workshops.c.id, workshops.c.title, workshops.c.join_code,
                workshops.c.language, workshops.c.series_id, workshops.c.format)
                .where(workshops.c.id == workshop_id)).first()

    def workshop(self, workshop_id):
        """The current aggregate of a workshop (for exports); do not change it."""
        with self._workshop_lock(workshop_id), self._reading() as conn:
            return copy.deepcopy(self._current(conn, workshop_id))

    def snapshot(self, workshop_id, viewer_id, deliver=None, decorate=None):
        """The workshop as this viewer may see it, with its `seq`.

        `deliver` is called with it before the workshop's lock is released (in
        all processes, on PostgreSQL), so no event of a later change can overtake it.
        `decorate(view, workshop, viewer)` adds what only the web layer knows (links).
        """
        reading = self._reading_in_turn(workshop_id) if deliver else self._reading()
        with self._workshop_lock(workshop_id), reading as conn:
            workshop = self._current(conn, workshop_id)
            viewer = workshop.participants[viewer_id]
            view = domain.snapshot(workshop, viewer, now_iso())
            if decorate is not None:
                decorate(view, workshop, viewer)
            if deliver is not None:
                deliver(view)
            return view

    def drag(self, workshop_id, person_id, note_id, check=True):
        """`Drag(hidden, by)` for `person_id` dragging a note; with `check`, a `DomainError`
        when they may not move it now.

        Frames come ~30 a second, so this reads the cached workshop, never the database,
        unless the workshop is not cached or the cache refuses (it may be behind another
        process): then it reads the stored workshop once.
        """
        cached = self._cache.get(workshop_id)
        if cached is not None:
            try:
                return domain.drag(cached, person_id, note_id, now_iso(), check)
            except domain.DomainError:
                pass
        with self._workshop_lock(workshop_id), self._reading() as conn:
            workshop = self._current(conn, workshop_id)
            return domain.drag(workshop, person_id, note_id, now_iso(), check)

    # -- changing ---------------------------------------------------------------

    def execute(self, workshop_id, actor_id, name, payload, publish=None):
        """Apply command `name`; returns (events, seq). Raises `DomainError` when refused.

        A command on an action other sessions of a series hold too runs over all of them.
        """
        now = now_iso()

        def change(conn, workshop):
            refuse_if_shared(workshop, name, payload)
            events = domain.apply(workshop, actor_id, name, payload, now)
            for change_event in events:
                PERSIST[change_event.type](conn, workshop, change_event)
                if change_event.command_id:
                    conn.execute(INSERT_APPLIED, {"workshop_id": workshop.id,
                                                  "id": change_event.command_id,
                                                  "seq": change_event.seq})
            return events

        try:
            return self._change(workshop_id, change, publish,
                                replay=("command", (actor_id, name, payload, now)))
        except Shared as shared:
            return self._change_shared(workshop_id, actor_id, name, payload, shared, publish)
