"""Persistence with SQLAlchemy 2: SQLite (WAL) by default, PostgreSQL when configured.

`Store` is what the server asks; it is made of parts that each own their state:

- database.py  the engine and its connections, the schema brought up to date (Alembic)
- cache.py     the workshops this process keeps in memory, each with its lock
- locking.py   one change of a workshop at a time, in `seq` order, in every process
- mirror.py    telling the other processes this one's changes, and hearing theirs
- members.py   joining, and who holds which token
- series.py    follow-ups, and changing an action the sessions of a series share
- retention.py how long workshops are kept, and deleting them

Beside them: schema.py, rows.py, persist.py (how each event is stored), tokens.py,
postgres.py, outage.py, urls.py.
"""

from sqlalchemy import insert, select

from .. import domain
from .cache import Cache
from .database import Database
from .locking import Locking
from .members import Members
from .mirror import Mirror
from .outage import MESSAGE as UNAVAILABLE, RETRY_AFTER
from .persist import INSERT_APPLIED, PERSIST
from .retention import Retention
from .rows import insert_workshop, now_iso, steps_record
from .schema import metadata, workshops
from .series import Series, Shared, refuse_if_shared
from .tokens import new_id, normalise_join_code, with_free_join_code
from .urls import normalise_database_url, printable_database_url

__all__ = ["RETRY_AFTER", "UNAVAILABLE", "Store", "metadata", "normalise_database_url", "printable_database_url"]


class Store:
    """Workshops, participants and notes in a SQL database."""

    def __init__(self, url):
        self.database = Database(url)
        self.engine = self.database.engine
        self.cache = Cache()
        self.mirror = Mirror(self.cache)
        self.locking = Locking(self.database, self.cache, self.mirror)
        self.members = Members(self.database, self.cache, self.locking)
        self.series = Series(self.database, self.locking, self.members)
        self.retention = Retention(self.database, self.cache, self.members)
        # Asked of the parts as they are.
        self.unreachable = self.database.unreachable
        self.close = self.database.close
        self.hear = self.mirror.hear
        self.add_participant = self.members.join
        self.authenticate = self.members.authenticate
        self.workshop = self.locking.workshop
        self.create_follow_up = self.series.create_follow_up
        self.report_progress = self.series.report_progress
        self.linked_action = self.series.linked_action
        self.series_sessions = self.series.series_sessions
        self.returning_person = self.series.returning_person
        self.returning_candidates = self.series.returning_candidates
        self.mark_downloaded = self.retention.mark_downloaded
        self.expired = self.retention.expired
        self.purge = self.retention.purge
        self.delete_workshop = self.retention.delete_workshop

    # What the other processes are told through (`mirror`), set by the message queue.

    @property
    def tell(self):
        """`tell(message)` sends a message to the other processes (None: a process alone)."""
        return self.mirror.tell

    @tell.setter
    def tell(self, send):
        self.mirror.tell = send

    @property
    def telling(self):
        """`telling(message)`, a context whose published events carry the message."""
        return self.mirror.telling

    @telling.setter
    def telling(self, context):
        self.mirror.telling = context

    # -- making workshops -------------------------------------------------------

    def create_workshop(
        self,
        title,
        goal,
        language,
        format_key,
        facilitator_name,
        retention=domain.workshop.DEFAULT_RETENTION,
        date=None,
    ):
        """A new workshop with its facilitator; returns (workshop, facilitator token)."""
        fmt = domain.load_format(format_key)
        now = now_iso()

        def make(code):
            workshop = domain.new_workshop(
                new_id(),
                code,
                title,
                goal,
                language,
                format_key,
                domain.steps_in_language(fmt, language),
                now,
                retention,
                date=date,
            )
            with self.engine.begin() as conn:
                conn.execute(
                    insert(workshops).values(
                        id=workshop.id,
                        join_code=code,
                        title=title,
                        goal=workshop.goal,
                        language=language,
                        format=format_key,
                        steps=steps_record(workshop),
                        current_step=0,
                        locked=False,
                        seq=0,
                        created_at=now,
                        updated_at=now,
                        retention=retention,
                        session_date=date,
                    )
                )
            return workshop

        workshop = with_free_join_code(make)
        _participant, token, _events = self.members.join(workshop.id, facilitator_name, domain.FACILITATOR)
        return workshop, token

    def import_workshop(self, restore, facilitator_name):
        """A new workshop from a backup; `restore(id, join_code, now)` builds the aggregate.

        Returns (workshop, facilitator token) like `create_workshop`.
        """
        now = now_iso()

        def make(code):
            workshop = restore(new_id(), code, now)
            with self.engine.begin() as conn:
                insert_workshop(conn, workshop, now)
            return workshop

        workshop = with_free_join_code(make)
        # Whoever imports takes over the backup's facilitator, so no one is added.
        facilitator = next((p for p in workshop.participants.values() if p.is_facilitator), None)
        if facilitator is None:
            _participant, token, _events = self.members.join(workshop.id, facilitator_name, domain.FACILITATOR)
            return workshop, token
        return workshop, self.members.hand_over(workshop.id, facilitator.id)

    # -- looking up -------------------------------------------------------------

    def find_by_join_code(self, code):
        """(workshop id, title) for a join code typed in any case, or None."""
        with self.database.reading() as conn:
            return conn.execute(
                select(workshops.c.id, workshops.c.title).where(workshops.c.join_code == normalise_join_code(code))
            ).first()

    def summary(self, workshop_id):
        """(id, title, join_code, language, series_id, format) of a workshop, or None."""
        with self.database.reading() as conn:
            return conn.execute(
                select(
                    workshops.c.id,
                    workshops.c.title,
                    workshops.c.join_code,
                    workshops.c.language,
                    workshops.c.series_id,
                    workshops.c.format,
                ).where(workshops.c.id == workshop_id)
            ).first()

    def snapshot(self, workshop_id, viewer_id, deliver=None, decorate=None):
        """The workshop as this viewer may see it, with its `seq`.

        `deliver` is called with it before the workshop's lock is released (in
        all processes, on PostgreSQL), so no event of a later change can overtake it.
        `decorate(view, workshop, viewer)` adds what only the web layer knows (links).
        """
        reading = self.database.reading_in_turn(workshop_id) if deliver else self.database.reading()
        with self.cache.lock(workshop_id), reading as conn:
            workshop = self.locking.current(conn, workshop_id)
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

        Frames come many times a second, so this reads the cached workshop, never the
        database, unless the workshop is not cached or the cache refuses (it may be behind
        another process): then it reads the stored workshop once.
        """
        cached = self.cache.get(workshop_id)
        if cached is not None:
            try:
                return domain.drag(cached, person_id, note_id, now_iso(), check)
            except domain.DomainError:
                pass
        with self.cache.lock(workshop_id), self.database.reading() as conn:
            workshop = self.locking.current(conn, workshop_id)
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
                    conn.execute(
                        INSERT_APPLIED,
                        {"workshop_id": workshop.id, "id": change_event.command_id, "seq": change_event.seq},
                    )
            return events

        try:
            return self.locking.change(workshop_id, change, publish, replay=("command", (actor_id, name, payload, now)))
        except Shared as shared:
            return self.series.change_shared(workshop_id, actor_id, name, payload, shared, publish)
