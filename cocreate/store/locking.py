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
tables is serialised, so processes starting together do not race. A change of
a cached workshop goes to PostgreSQL in one round trip (`_try_at_once`). On
SQLite, changes share one writer connection and take the write lock up front.
"""

import contextlib
import sqlite3
import threading
from collections import OrderedDict

from sqlalchemy import create_engine, event, exc, make_url, text

from .. import domain, migrate
from .outage import Outage, unreachable
from .persist import FIXED, SAVE_SEQ, SAVE_SEQ_OR_FAIL, SEQ, SEQ_SQLITE
from .postgres import (SCHEMA_LOCK, Binder, advisory, check_on_checkout, keeping,
                       lock_and_commit, lock_key)
from .rows import load_workshop, now_iso
from .urls import normalise_database_url

CACHE_SIZE = 256
TOGETHER_ATTEMPTS = 5  # a change over several workshops whose set keeps changing gives up
CONNECT_TIMEOUT = 5  # seconds


def keep_recent(kept, key, value, most):
    """Put `key` in the ordered dict `kept` as the most recent; forget the oldest past `most`."""
    kept[key] = value
    kept.move_to_end(key)
    while len(kept) > most:
        kept.popitem(last=False)


class _Stale(Exception):
    """The cached aggregate was behind the database; nothing was stored."""


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
            check_on_checkout(self.engine)
            self._binder = Binder(self.engine.dialect, FIXED)
        self.outage = Outage(self.engine)
        with self.engine.begin() as conn:
            if self.postgres:  # on SQLite, BEGIN IMMEDIATE already keeps others out
                # Two processes starting at once would both try to migrate.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                             {"key": lock_key(SCHEMA_LOCK)})
            migrate.upgrade(conn)
        self._guard = threading.Lock()
        self._locks = {}
        self._cache = OrderedDict()
        self._tokens = OrderedDict()  # (workshop, token hash) -> participant (`authenticate`)
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
        with self._workshop_lock(workshop_id):
            if self.postgres and workshop_id in self._cache:
                try:
                    with self._serialised(workshop_id, take_locks=False) as conn:
                        events, workshop = self._try_at_once(
                            conn, workshop_id, change, self._cache[workshop_id])
                        return self._changed(workshop, events, publish, replay)
                except _Stale:
                    pass  # the copy was behind: read the workshop, with the lock taken first
            with self._serialised(workshop_id) as conn:
                cached = self._cache.get(workshop_id)
                try:
                    events, workshop = self._try_change(conn, workshop_id, change, cached)
                except _Stale:
                    # Another process changed the workshop since we cached it: load and again.
                    events, workshop = self._try_change(conn, workshop_id, change, None)
                return self._changed(workshop, events, publish, replay)

    def _changed(self, workshop, events, publish, replay):
        """A change is stored: keep the aggregate, publish its events and tell the other
        processes (with the events, `mirror`), all before the workshop's locks are released;
        returns (events, seq)."""
        self._remember(workshop)
        with self._telling(workshop.id, events, replay):
            if events and publish is not None:
                publish(workshop.id, events)
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

    def _try_at_once(self, conn, workshop_id, change, cached):
        """`_try_change` on PostgreSQL with a cached aggregate, in one round trip.

        The change's statements are kept, not sent (`postgres.keeping`; the change runs
        them on the `Keeper`, which binds the fixed ones itself), then go to the
        server as one query with the workshop's advisory lock, BEGIN, the guarded `seq`
        update (`SAVE_SEQ_OR_FAIL`) and COMMIT around them: one at a time they cost six
        round trips before the events could be published, each a wait for the server
        and then for this process's turn again. A guard or statement that fails stores
        nothing and means the aggregate may have been behind: `_Stale` (the caller runs
        the change again the usual way). A refusal, or a change with no events, stands
        only when the stored `seq` is the cached one. `_serialised` releases the lock
        (if a failure came before it was taken, releasing it only draws a warning).
        """
        before = cached.seq
        key = lock_key(workshop_id)
        refused = None
        with keeping(conn, self._binder) as kept:
            try:
                events = change(kept, cached)
            except domain.DomainError as error:
                refused = error
            except Exception:
                self._cache.pop(workshop_id, None)  # it may hold a change never stored
                raise
            else:
                if events:
                    kept.execute(SAVE_SEQ_OR_FAIL, {
                        "workshop": workshop_id, "seq": cached.seq, "before": before,
                        "updated_at": now_iso()})
        conn.rollback()  # SQLAlchemy's side of the statements kept: nothing was sent
        if refused is not None or not events:
            advisory(conn, "pg_advisory_lock", [key])
            current = self._seq(conn, workshop_id)
            conn.rollback()
            if current != before:
                self._cache.pop(workshop_id, None)
                raise _Stale()
            if refused is not None:
                raise refused
            return events, cached
        try:
            lock_and_commit(conn, [key], kept.statements)
        except exc.DBAPIError as error:
            self._cache.pop(workshop_id, None)  # it holds a change never stored
            if unreachable(error):
                raise
            raise _Stale() from None  # the guard failed, or a statement did
        return events, cached

    def _seq(self, conn, workshop_id):
        """The workshop's stored `seq` (None when there is no such workshop).

        In a SQLite transaction (a snapshot sent on connecting, a refusal checked against
        the stored workshop) it goes straight to the driver:
        SQLAlchemy's execution around this one-row read cost more CPU than SQLite's
        answer (py-spy, bench reconnect-storm). Errors are raised as SQLAlchemy's.
        """
        if self.postgres or not conn.in_transaction():
            return conn.execute(SEQ, {"workshop": workshop_id}).scalar()
        try:
            row = conn.connection.driver_connection.execute(
                SEQ_SQLITE, (workshop_id,)).fetchone()
        except sqlite3.Error as error:
            raise exc.DBAPIError.instance(SEQ_SQLITE, (workshop_id,), error,
                                          sqlite3.Error) from error
        return None if row is None else row[0]

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
        keep_recent(self._cache, workshop.id, workshop, CACHE_SIZE)

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
    def _serialised(self, *workshop_ids, take_locks=True):
        """A connection for changing workshops; begin its transaction with `conn.begin()`.

        On PostgreSQL it holds each workshop's advisory lock (taken in id order) until
        the caller is done, so one change of a workshop runs at a time in all processes,
        from before its transaction until its events are published: the message queue
        carries them in `seq` order. (A row lock alone would be released
        at commit, before publishing.) With `take_locks=False` the caller takes them
        with its first statements (`_try_at_once`); they are released here all the same.
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
            keys = [lock_key(workshop_id) for workshop_id in sorted(workshop_ids)]
            if take_locks:
                try:
                    advisory(conn, "pg_advisory_lock", keys)
                except Exception:
                    conn.invalidate()  # a lock taken before the failure goes with the session
                    raise
            try:
                yield conn
            finally:
                try:
                    if conn.in_transaction():
                        conn.rollback()
                    advisory(conn, "pg_advisory_unlock", reversed(keys))
                except Exception:
                    conn.invalidate()  # closing the session releases the lock
                    raise

    def _workshop_lock(self, workshop_id):
        with self._guard:
            lock = self._locks.get(workshop_id)
            if lock is None:
                lock = self._locks[workshop_id] = threading.Lock()
            return lock
