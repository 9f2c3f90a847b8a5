"""The database: its engine, the connections that read and those that change, the outage.

On SQLite, changes share one writer connection and take the write lock up front. On
PostgreSQL, reads run in REPEATABLE READ so a read is one consistent moment, and a
connection that changes workshops holds each one's session-level advisory lock, so one
change of a workshop runs at a time in every process, until its events are published.
"""

import contextlib
import sqlite3
import threading

from sqlalchemy import create_engine, event, exc, make_url, text

from .. import migrate
from .outage import Outage
from .persist import SEQ, SEQ_SQLITE
from .postgres import SCHEMA_LOCK, advisory, check_on_checkout, lock_key
from .urls import normalise_database_url

CONNECT_TIMEOUT = 5  # seconds


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


class Database:
    """The engine, brought up to this build's schema when made, and its connections."""

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
        self.outage = Outage(self.engine)
        with self.engine.begin() as conn:
            if self.postgres:  # on SQLite, BEGIN IMMEDIATE already keeps others out
                # Two processes starting at once would both try to migrate.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(SCHEMA_LOCK)})
            migrate.upgrade(conn)
        # SQLite lets one writer in at a time anyway: changes share one connection
        # rather than taking one from the pool for every command.
        self._writer_lock = threading.Lock()
        self._writer = None

    def unreachable(self, error):
        """True when `error` means the database is out of reach now, so the request may
        be tried again later; the first of an outage is logged as one warning line."""
        return self.outage.caught(error)

    def close(self):
        """Close every database connection (the database can be used again after)."""
        with self._writer_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        self.engine.dispose()

    def reading(self):
        """A connection for reading (use it with `with`)."""
        return self._read_options(self.engine.connect())

    def _read_options(self, conn):
        if self.postgres:
            # One snapshot for all the statements of a read, as SQLite's WAL gives.
            return conn.execution_options(isolation_level="REPEATABLE READ")
        return conn.execution_options(cocreate_read=True)

    @contextlib.contextmanager
    def reading_in_turn(self, workshop_id):
        """A read transaction that no change of the workshop can publish during (in this
        process the caller holds the workshop's lock)."""
        if not self.postgres:  # the workshop's lock keeps this process's changes out
            with self.reading() as conn, conn.begin():
                yield conn
            return
        with self.serialised(workshop_id) as conn:
            with self._read_options(conn).begin():
                yield conn

    @contextlib.contextmanager
    def serialised(self, *workshop_ids, take_locks=True):
        """A connection for changing workshops; begin its transaction with `conn.begin()`.

        On PostgreSQL it holds each workshop's advisory lock (taken in id order) until
        the caller is done, so one change of a workshop runs at a time in all processes,
        from before its transaction until its events are published: the message queue
        carries them in `seq` order. (A row lock alone would be released at commit,
        before publishing.) With `take_locks=False` the caller takes them with its first
        statements (`Locking`, one round trip); they are released here all the same.
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

    def seq(self, conn, workshop_id):
        """The workshop's stored `seq` (None when there is no such workshop).

        In a SQLite transaction (a snapshot sent on connecting, a refusal checked against
        the stored workshop) it goes straight to the driver: this one-row read runs on
        every change, and SQLAlchemy's execution around it costs more CPU than SQLite's
        answer. Errors are raised as SQLAlchemy's.
        """
        if self.postgres or not conn.in_transaction():
            return conn.execute(SEQ, {"workshop": workshop_id}).scalar()
        try:
            row = conn.connection.driver_connection.execute(SEQ_SQLITE, (workshop_id,)).fetchone()
        except sqlite3.Error as error:
            raise exc.DBAPIError.instance(SEQ_SQLITE, (workshop_id,), error, sqlite3.Error) from error
        return None if row is None else row[0]
