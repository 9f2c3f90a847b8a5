"""The concurrency protocol: how a change of a workshop runs alone, in order, in every process.

Every command runs, under the workshop's lock, in one transaction that applies
the domain, stores the change and the new `seq` together (the `seq` update is
guarded by the `seq` the change started from, which proves the cached aggregate
was current), and publishes the events before the lock is released, so every
viewer sees changes in `seq` order.

On PostgreSQL several server processes share the database: a session-level
advisory lock per workshop spans the transaction *and* the publishing, so the
events of one process reach the message queue before the next process's; reads
run in REPEATABLE READ so a snapshot is one consistent moment; and migrating the
tables is serialised, so processes starting together do not race. On SQLite,
changes share one writer connection and take the write lock up front.
"""

import contextlib
import hashlib
import select
import threading
from collections import OrderedDict

from sqlalchemy import create_engine, event, exc, make_url, text

from .. import domain, migrate
from .outage import Outage, unreachable
from .persist import SAVE_SEQ, SEQ
from .rows import load_workshop, now_iso
from .urls import normalise_database_url

CACHE_SIZE = 256
TOGETHER_ATTEMPTS = 5  # a change over several workshops whose set keeps changing gives up
CONNECT_TIMEOUT = 5  # seconds


class _Stale(Exception):
    """The cached aggregate was behind the database; nothing was stored."""


def _lock_key(name):
    """A PostgreSQL advisory-lock key (signed 64 bits) for a workshop id or a name."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


SCHEMA_LOCK = "cocreate:schema"


def _check_on_checkout(engine):
    """A pooled PostgreSQL connection the server has closed is replaced before use.

    A server that restarts or fails over says so on every connection it ends (an error
    message, then the end of the stream): an idle connection with something to read is
    such a one. Looking costs no round trip, where a ping before every use
    (`pool_pre_ping`) would cost one on every command. A connection cut off without a
    word fails at its first statement instead: `unavailable`, and the next request
    gets a new one.
    """
    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, _record, _proxy):
        if not _open(dbapi_connection):
            raise exc.DisconnectionError("the database closed this connection")


def _open(dbapi_connection):
    """False when the server has ended this idle connection: it has something to read
    (an idle connection expects nothing), seen without waiting."""
    if dbapi_connection.closed:
        return False
    readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    return not readable


def _advisory(conn, function, keys):
    """Take or release session-level advisory locks, each one statement and one round trip.

    A session-level lock outlives transactions, so it needs none of its own: the
    statements run in autocommit (a transaction around them would cost a BEGIN and a
    COMMIT each way, on every command).
    """
    raw = conn.connection.driver_connection
    raw.autocommit = True
    try:
        for key in keys:
            conn.exec_driver_sql(f"SELECT {function}(%(key)s)", {"key": key})
        conn.commit()  # SQLAlchemy's side of it: in autocommit there is nothing to send
    finally:
        if not raw.closed:
            raw.autocommit = False


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


class Locking:
    """The engine, the cached workshops and the locks: one change of a workshop at a time."""

    def __init__(self, url):
        url = normalise_database_url(url)
        self.postgres = make_url(url).get_backend_name() == "postgresql"
        # A server that is away fails a request in seconds, not after the TCP timeout.
        connect_args = {"connect_timeout": CONNECT_TIMEOUT} if self.postgres else {}
        self.engine = create_engine(url, future=True, connect_args=connect_args)
        if self.engine.dialect.name == "sqlite":
            _sqlite_pragmas(self.engine)
        else:
            _check_on_checkout(self.engine)
        self.outage = Outage(self.engine)
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

    def unreachable(self, error):
        """True when `error` means the database is out of reach now, so the request may
        be tried again later; the first of an outage is logged as one warning line."""
        return self.outage.caught(error)

    def close(self):
        """Close every database connection (the store can be used again after)."""
        with self._writer_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        self.engine.dispose()

    def _change(self, workshop_id, change, publish, replay=None):
        """Run `change(conn, workshop)` alone and in order; returns (events, seq).

        `replay` = (kind, args) names what made the change from its inputs alone
        (`mirror.REPLAYS`), so other processes can run it on their cached copies.
        """
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
            self._tell_peers(workshop_id, events, replay)
            return events, workshop.seq

    def _change_together(self, members, change, publish):
        """One change over several workshops at once: the sessions holding a shared action.

        `members(conn)` names the workshops. Their locks are taken in id order, so two such
        changes never wait on each other crosswise; if the set changed before the locks
        were held (a follow-up made, a session deleted), it starts again with the new set.
        `change(conn, workshops)` gets the aggregates by id and returns their events by id;
        every workshop's new `seq` is saved in the one transaction, and each workshop's
        events are published before the locks are released. Returns (events, seqs) by id.
        """
        with self._reading() as conn:
            ids = sorted(set(members(conn)))
        for _attempt in range(TOGETHER_ATTEMPTS):
            if not ids:
                raise domain.DomainError("not_found", "Not found.")
            with contextlib.ExitStack() as held:
                for workshop_id in ids:
                    held.enter_context(self._workshop_lock(workshop_id))
                conn = held.enter_context(self._serialised(*ids))
                try:
                    with conn.begin():
                        found = sorted(set(members(conn)))
                        if found != ids:
                            ids = found
                            continue
                        workshops = {workshop_id: self._current(conn, workshop_id)
                                     for workshop_id in ids}
                        before = {workshop_id: w.seq for workshop_id, w in workshops.items()}
                        events = change(conn, workshops)
                        for workshop_id, changes in events.items():
                            if changes and conn.execute(SAVE_SEQ, {
                                    "workshop": workshop_id, "seq": workshops[workshop_id].seq,
                                    "before": before[workshop_id],
                                    "updated_at": now_iso()}).rowcount != 1:
                                raise RuntimeError("a workshop changed under its lock")
                except Exception:
                    for workshop_id in ids:  # an aggregate may hold a change never stored
                        self._cache.pop(workshop_id, None)
                    raise
                for workshop in workshops.values():
                    self._remember(workshop)
                if publish is not None:
                    for workshop_id, changes in events.items():
                        if changes:
                            publish(workshop_id, changes)
                return events, {workshop_id: w.seq for workshop_id, w in workshops.items()}
        raise RuntimeError("the workshops of a change kept changing")

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
        except Exception as error:
            # The aggregate may now hold a change that was never stored.
            self._cache.pop(workshop_id, None)
            if cached is not None and not unreachable(error):
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
            cached = load_workshop(conn, workshop_id)
        self._remember(cached)
        return cached

    def _remember(self, workshop):
        self._cache[workshop.id] = workshop
        self._cache.move_to_end(workshop.id)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

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
    def _serialised(self, *workshop_ids):
        """A connection for changing workshops; begin its transaction with `conn.begin()`.

        On PostgreSQL it holds each workshop's advisory lock (taken in id order) until
        the caller is done, so one change of a workshop runs at a time in all processes,
        from before its transaction until its events are published: the message queue
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
            keys = [_lock_key(workshop_id) for workshop_id in sorted(workshop_ids)]
            _advisory(conn, "pg_advisory_lock", keys)
            try:
                yield conn
            finally:
                try:
                    if conn.in_transaction():
                        conn.rollback()
                    _advisory(conn, "pg_advisory_unlock", reversed(keys))
                except Exception:
                    conn.invalidate()  # closing the session releases the lock
                    raise

    def _workshop_lock(self, workshop_id):
        with self._guard:
            lock = self._locks.get(workshop_id)
            if lock is None:
                lock = self._locks[workshop_id] = threading.Lock()
            return lock
