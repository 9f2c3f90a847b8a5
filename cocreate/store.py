"""Persistence with SQLAlchemy 2: SQLite (WAL) by default, PostgreSQL when configured.

Every command runs, under the workshop's lock, in one transaction that applies
the domain, stores the change and the new `seq` together (the `seq` update is
guarded by the `seq` the change started from, which proves the cached aggregate
was current), and publishes the events before the lock is released, so every
viewer sees changes in `seq` order. The tables are kept up to date by
`migrate` (Alembic) when the store starts.

On PostgreSQL several server processes share the database: a session-level
advisory lock per workshop spans the transaction *and* the publishing, so the
events of one process reach the message queue before the next process's; reads
run in REPEATABLE READ so a snapshot is one consistent moment; and migrating the
tables is serialised, so processes starting together do not race.
"""

import contextlib
import copy
import dataclasses
import hashlib
import secrets
import threading
from collections import OrderedDict
from datetime import datetime, timedelta, timezone

from sqlalchemy import (JSON, Boolean, Column, Float, ForeignKey, Integer, MetaData, String,
                        Table, bindparam, create_engine, delete, event, insert, make_url,
                        select, text, update)
from sqlalchemy.exc import IntegrityError

from . import domain, migrate
from . import protocol as p

metadata = MetaData()

# Ids, keys and times are sized by the protocol's limits (PostgreSQL enforces lengths, and
# ids from backups may be up to ID_MAX); changing one of those limits needs a migration.

workshops = Table(
    "workshops", metadata,
    Column("id", String(p.ID_MAX), primary_key=True),
    Column("join_code", String(p.JOIN_CODE_MAX), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("goal", String(1000), nullable=False, default=""),
    Column("language", String(8), nullable=False),
    Column("format", String(p.KEY_MAX), nullable=False),
    Column("steps", JSON, nullable=False),
    Column("current_step", Integer, nullable=False, default=0),
    Column("locked", Boolean, nullable=False, default=False),
    Column("seq", Integer, nullable=False, default=0),
    Column("timer", JSON),
    Column("retention", String(16), nullable=False, default="30d"),
    Column("downloaded_at", String(p.TIME_MAX)),
    Column("created_at", String(p.TIME_MAX), nullable=False),
    Column("updated_at", String(p.TIME_MAX), nullable=False, index=True),
)

participants = Table(
    "participants", metadata,
    Column("workshop_id", String(p.ID_MAX), ForeignKey("workshops.id", ondelete="CASCADE"),
           primary_key=True),
    Column("id", String(p.ID_MAX), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("ready", Boolean, nullable=False, default=False),
    Column("joined_at", String(p.TIME_MAX), nullable=False),
    Column("position", Integer, nullable=False, default=0),
)

notes = Table(
    "notes", metadata,
    Column("workshop_id", String(p.ID_MAX), ForeignKey("workshops.id", ondelete="CASCADE"),
           primary_key=True),
    Column("id", String(p.ID_MAX), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("step", Integer, nullable=False),
    Column("lane", String(p.LANE_MAX)),
    Column("text", String(1200), nullable=False),
    Column("color", String(16), nullable=False),
    Column("x", Float),
    Column("y", Float),
    Column("author_id", String(p.ID_MAX), nullable=False),
    Column("anonymous", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", String(p.TIME_MAX), nullable=False),
    Column("removed", Boolean, nullable=False, default=False),
    Column("group_id", String(p.ID_MAX)),
)

clusters = Table(
    "clusters", metadata,
    Column("workshop_id", String(p.ID_MAX), ForeignKey("workshops.id", ondelete="CASCADE"),
           primary_key=True),
    Column("id", String(p.ID_MAX), primary_key=True),
    Column("step", Integer, nullable=False),
    Column("title", String(200), nullable=False, default=""),
    Column("created_at", String(p.TIME_MAX), nullable=False),
    Column("position", Integer, nullable=False, default=0),
)

votes = Table(
    "votes", metadata,
    Column("workshop_id", String(p.ID_MAX), ForeignKey("workshops.id", ondelete="CASCADE"),
           primary_key=True),
    Column("participant_id", String(p.ID_MAX), primary_key=True),
    Column("note_id", String(p.ID_MAX), primary_key=True),
    Column("count", Integer, nullable=False),
)

actions = Table(
    "actions", metadata,
    Column("workshop_id", String(p.ID_MAX), ForeignKey("workshops.id", ondelete="CASCADE"),
           primary_key=True),
    Column("id", String(p.ID_MAX), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("title", String(800), nullable=False),
    Column("created_by", String(p.ID_MAX), nullable=False),
    Column("owner_id", String(p.ID_MAX)),
    Column("owner_name", String(320)),
    Column("due", String(10)),
    Column("status", String(8), nullable=False, default="open"),
    Column("note_ids", JSON, nullable=False),
    Column("created_at", String(p.TIME_MAX), nullable=False),
    Column("removed", Boolean, nullable=False, default=False),
)

applied = Table(
    "applied_commands", metadata,
    Column("workshop_id", String(p.ID_MAX), ForeignKey("workshops.id", ondelete="CASCADE"),
           primary_key=True),
    Column("id", String(p.ID_MAX), primary_key=True),
    Column("seq", Integer, nullable=False),
)

# Join codes: no 0/O, 1/I/L look-alikes; 31^6 ≈ 887 million codes.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CACHE_SIZE = 256


class _Stale(Exception):
    """The cached aggregate was behind the database; nothing was stored."""


def now_iso():
    """The current UTC time as an ISO 8601 string."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_token():
    """A random secret of 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token):
    """The stored form of a token: its SHA-256 (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_join_code(code):
    """A typed join code in its stored form: upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def normalise_database_url(url):
    """Accept `postgres://` (as hosts hand it out) for SQLAlchemy's `postgresql://`.

    A PostgreSQL URL without a driver uses psycopg 3 (a dependency), not
    SQLAlchemy's default psycopg2.
    """
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def printable_database_url(url):
    """The database URL without its password, for logs."""
    return make_url(normalise_database_url(url)).render_as_string(hide_password=True)


def _lock_key(name):
    """A PostgreSQL advisory-lock key (signed 64 bits) for a workshop id or a name."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


SCHEMA_LOCK = "cocreate:schema"


def _sqlite_pragmas(engine):
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" hook below emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writers take the lock up front so two processes never deadlock upgrading.
        # Straight to the driver: this runs on every command, and SQLAlchemy's execution
        # path would cost more than SQLite itself.
        reading = conn.get_execution_options().get("cocreate_read", False)
        conn.connection.driver_connection.execute("BEGIN" if reading else "BEGIN IMMEDIATE")


class Store:
    """Workshops, participants and notes in a SQL database."""

    def __init__(self, url):
        url = normalise_database_url(url)
        self.postgres = make_url(url).get_backend_name() == "postgresql"
        self.engine = create_engine(url, future=True, pool_pre_ping=self.postgres)
        if self.engine.dialect.name == "sqlite":
            _sqlite_pragmas(self.engine)
        with self.engine.begin() as conn:
            if self.postgres:  # on SQLite, BEGIN IMMEDIATE already keeps others out
                # Two processes starting at once would both try to migrate.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                             {"key": _lock_key(SCHEMA_LOCK)})
            migrate.upgrade(conn)
        self._guard = threading.Lock()
        self._locks = {}
        self._cache = OrderedDict()
        # SQLite lets one writer in at a time anyway: changes share one connection
        # rather than taking one from the pool for every command.
        self._writer_lock = threading.Lock()
        self._writer = None

    def close(self):
        """Close every database connection (the store can be used again after)."""
        with self._writer_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        self.engine.dispose()

    # -- creating and joining -------------------------------------------------

    def create_workshop(self, title, goal, language, format_key, facilitator_name,
                        retention=domain.workshop.DEFAULT_RETENTION):
        """A new workshop with its facilitator; returns (workshop, facilitator token)."""
        fmt = domain.load_format(format_key)
        now = now_iso()
        for _attempt in range(20):
            code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(p.JOIN_CODE_LENGTH))
            workshop = domain.new_workshop(secrets.token_urlsafe(12), code, title, goal,
                                           language, format_key,
                                           domain.steps_in_language(fmt, language), now,
                                           retention)
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(workshops).values(
                        id=workshop.id, join_code=code, title=title, goal=workshop.goal,
                        language=language, format=format_key,
                        steps=_steps_record(workshop),
                        current_step=0, locked=False, seq=0, created_at=now, updated_at=now,
                        retention=retention))
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
            code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(p.JOIN_CODE_LENGTH))
            workshop = restore(secrets.token_urlsafe(12), code, now)
            try:
                with self.engine.begin() as conn:
                    _insert_workshop(conn, workshop, now)
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

    def add_participant(self, workshop_id, name, role=domain.PARTICIPANT, publish=None):
        """Someone joins; returns (participant, token, events)."""
        token = new_token()
        participant_id = secrets.token_urlsafe(12)

        def change(conn, workshop):
            events = domain.join(workshop, participant_id, name, role, now_iso())
            conn.execute(insert(participants).values(
                id=participant_id, workshop_id=workshop_id, token_hash=hash_token(token),
                name=name, role=role, ready=False, position=workshop.seq,
                joined_at=workshop.participants[participant_id].joined_at))
            return events

        events, _seq = self._change(workshop_id, change, publish)
        return self._cache[workshop_id].participants[participant_id], token, events

    # -- looking up -------------------------------------------------------------

    def authenticate(self, workshop_id, token):
        """The participant holding `token` in this workshop, or None."""
        if not workshop_id or not token:
            return None
        with self._reading() as conn:
            row = conn.execute(select(participants.c.id, participants.c.role).where(
                participants.c.token_hash == hash_token(token),
                participants.c.workshop_id == workshop_id)).first()
        return row

    def find_by_join_code(self, code):
        """(workshop id, title) for a join code typed in any case, or None."""
        with self._reading() as conn:
            return conn.execute(select(workshops.c.id, workshops.c.title).where(
                workshops.c.join_code == normalise_join_code(code))).first()

    def summary(self, workshop_id):
        """(id, title, join_code, language) of a workshop, or None."""
        with self._reading() as conn:
            return conn.execute(select(
                workshops.c.id, workshops.c.title, workshops.c.join_code,
                workshops.c.language).where(workshops.c.id == workshop_id)).first()

    def workshop(self, workshop_id):
        """The current aggregate of a workshop (for exports); do not change it."""
        with self._workshop_lock(workshop_id), self._reading() as conn:
            return copy.deepcopy(self._current(conn, workshop_id))

    def snapshot(self, workshop_id, viewer_id, deliver=None):
        """The workshop as this viewer may see it, with its `seq`.

        `deliver` is called with it before the workshop's lock is released (in
        all processes, on PostgreSQL), so no event of a later change can overtake it.
        """
        reading = self._reading_in_turn(workshop_id) if deliver else self._reading()
        with self._workshop_lock(workshop_id), reading as conn:
            workshop = self._current(conn, workshop_id)
            view = domain.snapshot(workshop, workshop.participants[viewer_id], now_iso())
            if deliver is not None:
                deliver(view)
            return view

    # -- changing ---------------------------------------------------------------

    def execute(self, workshop_id, actor_id, name, payload, publish=None):
        """Apply command `name`; returns (events, seq). Raises `DomainError` when refused."""
        def change(conn, workshop):
            events = domain.apply(workshop, actor_id, name, payload, now_iso())
            for change_event in events:
                PERSIST[change_event.type](conn, workshop, change_event)
                if change_event.command_id:
                    conn.execute(insert(applied).values(workshop_id=workshop.id,
                                                        id=change_event.command_id,
                                                        seq=change_event.seq))
            return events

        return self._change(workshop_id, change, publish)

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

    def _change(self, workshop_id, change, publish):
        with self._workshop_lock(workshop_id), self._serialised(workshop_id) as conn:
            cached = self._cache.get(workshop_id)
            try:
                events, workshop = self._try_change(conn, workshop_id, change, cached)
            except _Stale:
                # Another process changed the workshop since we cached it: load and again.
                events, workshop = self._try_change(conn, workshop_id, change, None)
            self._remember(workshop)
            if events and publish is not None:
                publish(workshop_id, events)
            return events, workshop.seq

    def _try_change(self, conn, workshop_id, change, cached):
        """Run `change` in one transaction; returns (events, workshop).

        With `cached`, the aggregate is trusted without reading the database first:
        the seq update, guarded by the seq it started from, proves it was current
        (one statement less on every command). If it was not, `_Stale` is raised
        and nothing is stored. A refused command leaves the aggregate untouched
        (the domain checks before it changes), so the cache stays.
        """
        try:
            with conn.begin():
                workshop = cached if cached is not None else self._current(conn, workshop_id)
                before = workshop.seq
                try:
                    events = change(conn, workshop)
                except domain.DomainError:
                    if cached is not None and self._seq(conn, workshop_id) != before:
                        raise _Stale() from None
                    raise
                if events:
                    saved = conn.execute(SAVE_SEQ, {"workshop": workshop_id, "seq": workshop.seq,
                                                    "before": before, "updated_at": now_iso()})
                    if saved.rowcount != 1:
                        raise _Stale()
                elif cached is not None and self._seq(conn, workshop_id) != before:
                    raise _Stale()
            return events, workshop
        except domain.DomainError:
            raise
        except Exception:
            # The aggregate may now hold a change that was never stored.
            self._cache.pop(workshop_id, None)
            if cached is not None:
                raise _Stale() from None  # perhaps it was out of date: load it and try again
            raise

    def _seq(self, conn, workshop_id):
        return conn.execute(SEQ, {"workshop": workshop_id}).scalar()

    def _current(self, conn, workshop_id):
        """The workshop as stored now: the cached aggregate when its seq is current."""
        seq = self._seq(conn, workshop_id)
        if seq is None:
            raise domain.DomainError("not_found", "Workshop not found.")
        cached = self._cache.get(workshop_id)
        if cached is None or cached.seq != seq:
            cached = self._load(conn, workshop_id)
        self._remember(cached)
        return cached

    def _remember(self, workshop):
        self._cache[workshop.id] = workshop
        self._cache.move_to_end(workshop.id)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _load(self, conn, workshop_id):
        row = conn.execute(select(workshops).where(workshops.c.id == workshop_id)).one()
        workshop = domain.Workshop(
            id=row.id, join_code=row.join_code, title=row.title, goal=row.goal,
            language=row.language, format=row.format, current_step=row.current_step,
            locked=row.locked, seq=row.seq, created_at=row.created_at, timer=row.timer,
            retention=row.retention,
            steps=[domain.Step(**{k: v for k, v in spec.items() if k in STEP_FIELDS})
                   for spec in row.steps])
        for person in conn.execute(select(participants).where(
                participants.c.workshop_id == workshop_id).order_by(participants.c.position)):
            workshop.participants[person.id] = domain.Participant(
                id=person.id, name=person.name, role=person.role, ready=person.ready,
                joined_at=person.joined_at)
        for note in conn.execute(select(notes).where(notes.c.workshop_id == workshop_id)
                                 .order_by(notes.c.position)):
            workshop.notes[note.id] = domain.Note(
                id=note.id, step=note.step, lane=note.lane, text=note.text, color=note.color,
                x=note.x, y=note.y, author_id=note.author_id, anonymous=note.anonymous,
                version=note.version, created_at=note.created_at, removed=note.removed,
                group=note.group_id)
        for cluster in conn.execute(select(clusters).where(clusters.c.workshop_id == workshop_id)
                                    .order_by(clusters.c.position)):
            workshop.clusters[cluster.id] = domain.Cluster(
                id=cluster.id, step=cluster.step, title=cluster.title,
                created_at=cluster.created_at)
        workshop.applied = set(conn.execute(select(applied.c.id).where(
            applied.c.workshop_id == workshop_id)).scalars())
        for vote in conn.execute(select(votes).where(votes.c.workshop_id == workshop_id)):
            workshop.votes[(vote.participant_id, vote.note_id)] = vote.count
        for action in conn.execute(select(actions).where(actions.c.workshop_id == workshop_id)
                                   .order_by(actions.c.position)):
            workshop.actions[action.id] = domain.Action(
                id=action.id, title=action.title, created_by=action.created_by,
                owner_id=action.owner_id, owner_name=action.owner_name, due=action.due,
                status=action.status, note_ids=list(action.note_ids),
                created_at=action.created_at, removed=action.removed)
        return workshop

    def _reading(self):
        return self._read_options(self.engine.connect())

    def _read_options(self, conn):
        if self.postgres:
            # One snapshot for all the statements of a read, as SQLite's WAL gives.
            return conn.execution_options(isolation_level="REPEATABLE READ")
        return conn.execution_options(cocreate_read=True)

    @contextlib.contextmanager
    def _reading_in_turn(self, workshop_id):
        """A read transaction that no change of the workshop can publish during."""
        if not self.postgres:  # the workshop's lock keeps this process's changes out
            with self._reading() as conn, conn.begin():
                yield conn
            return
        with self._serialised(workshop_id) as conn:
            with self._read_options(conn).begin():
                yield conn

    @contextlib.contextmanager
    def _serialised(self, workshop_id):
        """A connection for changing a workshop; begin its transaction with `conn.begin()`.

        On PostgreSQL it holds the workshop's advisory lock until the caller is
        done, so one change of the workshop runs at a time in all processes, from
        before its transaction until its events are published: the message queue
        carries them in `seq` order. (A row lock alone would be released
        at commit, before publishing.)
        """
        if not self.postgres:
            with self._writer_lock:
                if self._writer is None or self._writer.invalidated:
                    self._writer = self.engine.connect()
                try:
                    yield self._writer
                finally:
                    if self._writer.in_transaction():  # never hold SQLite's write lock idle
                        self._writer.rollback()
            return
        with self.engine.connect() as conn:
            key = {"key": _lock_key(workshop_id)}
            conn.execute(text("SELECT pg_advisory_lock(:key)"), key)
            conn.commit()  # a session-level lock outlives the transaction
            try:
                yield conn
            finally:
                try:
                    if conn.in_transaction():
                        conn.rollback()
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)
                    conn.commit()
                except Exception:
                    conn.invalidate()  # closing the session releases the lock
                    raise

    def _workshop_lock(self, workshop_id):
        with self._guard:
            lock = self._locks.get(workshop_id)
            if lock is None:
                lock = self._locks[workshop_id] = threading.Lock()
            return lock


# -- how each event is stored ---------------------------------------------------

# The statements every command runs, built once: building them anew each time cost more
# CPU than SQLite itself (bench/results/latest.md).
SEQ = select(workshops.c.seq).where(workshops.c.id == bindparam("workshop"))
SAVE_SEQ = (update(workshops).where(workshops.c.id == bindparam("workshop"),
                                    workshops.c.seq == bindparam("before"))
            .values(seq=bindparam("seq"), updated_at=bindparam("updated_at")))
INSERT_NOTE = insert(notes)
# In UPDATE_NOTE the SET clause comes from the keys given (those of `_note_row`).
UPDATE_NOTE = update(notes).where(notes.c.workshop_id == bindparam("workshop"),
                                  notes.c.id == bindparam("note"))
DELETE_VOTE = delete(votes).where(votes.c.workshop_id == bindparam("workshop"),
                                  votes.c.participant_id == bindparam("voter"),
                                  votes.c.note_id == bindparam("note"))
INSERT_VOTE = insert(votes)
SAVE_READY = (update(participants).where(participants.c.workshop_id == bindparam("workshop"),
                                         participants.c.id == bindparam("participant"))
              .values(ready=bindparam("ready")))


def _insert_workshop(conn, workshop, now):
    """Store a whole aggregate at once (an imported workshop)."""
    conn.execute(insert(workshops).values(
        id=workshop.id, join_code=workshop.join_code, title=workshop.title, goal=workshop.goal,
        language=workshop.language, format=workshop.format, steps=_steps_record(workshop),
        current_step=workshop.current_step, locked=workshop.locked, seq=workshop.seq,
        timer=None, created_at=workshop.created_at, updated_at=now,
        retention=workshop.retention))
    for position, person in enumerate(workshop.participants.values()):
        # Imported people have no token anyone knows: they are names, not logins.
        conn.execute(insert(participants).values(
            id=person.id, workshop_id=workshop.id, token_hash=hash_token(new_token()),
            name=person.name, role=person.role, ready=False, joined_at=person.joined_at,
            position=position - len(workshop.participants)))
    for position, cluster in enumerate(workshop.clusters.values()):
        conn.execute(insert(clusters).values(workshop_id=workshop.id, id=cluster.id,
                                             step=cluster.step, title=cluster.title,
                                             created_at=cluster.created_at, position=position))
    for position, note in enumerate(workshop.notes.values()):
        conn.execute(insert(notes).values(workshop_id=workshop.id, id=note.id, position=position,
                                          author_id=note.author_id, created_at=note.created_at,
                                          **_note_row(note)))
    for (voter, note_id), count in workshop.votes.items():
        conn.execute(insert(votes).values(workshop_id=workshop.id, participant_id=voter,
                                          note_id=note_id, count=count))
    for position, action in enumerate(workshop.actions.values()):
        conn.execute(insert(actions).values(workshop_id=workshop.id, id=action.id,
                                            position=position, created_by=action.created_by,
                                            created_at=action.created_at, **_action_row(action)))

STEP_FIELDS = {f.name for f in dataclasses.fields(domain.Step)}


def _steps_record(workshop):
    return [dataclasses.asdict(step) for step in workshop.steps]


def _save_steps(conn, workshop, change):
    conn.execute(update(workshops).where(workshops.c.id == workshop.id)
                 .values(steps=_steps_record(workshop)))


def _save_timer(conn, workshop, change):
    conn.execute(update(workshops).where(workshops.c.id == workshop.id)
                 .values(timer=workshop.timer))

def _note_row(note):
    return {"step": note.step, "lane": note.lane, "text": note.text, "color": note.color,
            "x": note.x, "y": note.y, "anonymous": note.anonymous, "version": note.version,
            "removed": note.removed, "group_id": note.group}


def _insert_note(conn, workshop, change):
    note = workshop.notes[change.data["id"]]
    conn.execute(INSERT_NOTE, {"workshop_id": workshop.id, "id": note.id, "position": change.seq,
                               "author_id": note.author_id, "created_at": note.created_at,
                               **_note_row(note)})


def _update_note(conn, workshop, change):
    note = workshop.notes[change.data["id"]]
    conn.execute(UPDATE_NOTE, {"workshop": workshop.id, "note": note.id, **_note_row(note)})
    if note.removed:
        conn.execute(delete(votes).where(votes.c.workshop_id == workshop.id,
                                         votes.c.note_id == note.id))


def _save_vote(conn, workshop, change):
    voter, note_id = change.owner, change.own["note_id"]
    conn.execute(DELETE_VOTE, {"workshop": workshop.id, "voter": voter, "note": note_id})
    count = workshop.votes.get((voter, note_id), 0)
    if count:
        conn.execute(INSERT_VOTE, {"workshop_id": workshop.id, "participant_id": voter,
                                   "note_id": note_id, "count": count})


def _action_row(action):
    return {"title": action.title, "owner_id": action.owner_id, "owner_name": action.owner_name,
            "due": action.due, "status": action.status, "note_ids": list(action.note_ids),
            "removed": action.removed}


def _insert_action(conn, workshop, change):
    action = workshop.actions[change.data["id"]]
    conn.execute(insert(actions).values(workshop_id=workshop.id, id=action.id,
                                        position=change.seq, created_by=action.created_by,
                                        created_at=action.created_at, **_action_row(action)))


def _update_action(conn, workshop, change):
    action = workshop.actions[change.data["id"]]
    conn.execute(update(actions).where(actions.c.workshop_id == workshop.id,
                                       actions.c.id == action.id)
                 .values(**_action_row(action)))


def _save_step(conn, workshop, change):
    conn.execute(update(workshops).where(workshops.c.id == workshop.id)
                 .values(current_step=workshop.current_step))
    conn.execute(update(participants).where(participants.c.workshop_id == workshop.id)
                 .values(ready=False))


def _save_settings(conn, workshop, change):
    conn.execute(update(workshops).where(workshops.c.id == workshop.id)
                 .values(title=workshop.title, goal=workshop.goal, locked=workshop.locked))


def _save_ready(conn, workshop, change):
    conn.execute(SAVE_READY, {"workshop": workshop.id, "participant": change.data["id"],
                              "ready": change.data["ready"]})


def _save_clusters(conn, workshop, change):
    """Rewrite the clusters of the event's step and the membership of its notes."""
    step = change.data["step"]
    conn.execute(delete(clusters).where(clusters.c.workshop_id == workshop.id,
                                        clusters.c.step == step))
    # Grouping can empty clusters of other steps too; those are gone for good.
    for dissolved in change.data.get("dissolved", []):
        conn.execute(delete(clusters).where(clusters.c.workshop_id == workshop.id,
                                            clusters.c.id == dissolved))
    for position, cluster in enumerate(workshop.clusters.values()):
        if cluster.step == step:
            conn.execute(insert(clusters).values(workshop_id=workshop.id, id=cluster.id,
                                                 step=step, title=cluster.title,
                                                 created_at=cluster.created_at,
                                                 position=position))
    for note in workshop.notes.values():
        if note.step == step:
            conn.execute(update(notes).where(notes.c.workshop_id == workshop.id,
                                             notes.c.id == note.id)
                         .values(group_id=note.group))


PERSIST = {
    p.NOTE_ADDED: _insert_note,
    p.NOTE_EDITED: _update_note,
    p.NOTE_MOVED: _update_note,
    p.NOTE_REMOVED: _update_note,
    p.STEP_CHANGED: _save_step,
    p.WORKSHOP_EDITED: _save_settings,
    p.WORKSHOP_LOCKED: _save_settings,
    p.PARTICIPANT_READY_CHANGED: _save_ready,
    p.NOTES_REVEALED: _save_steps,
    p.NOTES_GROUPED: _save_clusters,
    p.VOTING_OPENED: _save_steps,
    p.VOTING_CLOSED: _save_steps,
    p.VOTE_CHANGED: _save_vote,
    p.ACTION_ADDED: _insert_action,
    p.ACTION_EDITED: _update_action,
    p.ACTION_REMOVED: _update_action,
    p.NOTES_UNGROUPED: _save_clusters,
    p.STEP_EDITED: _save_steps,
    p.TIMER_CHANGED: _save_timer,
}
