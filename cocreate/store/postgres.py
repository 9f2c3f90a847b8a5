"""What only PostgreSQL needs: a lock per workshop shared by all processes, pooled
connections checked without a round trip, and statements sent together.

`locking` uses these: a change of a workshop holds the workshop's session-level advisory
lock from before its transaction until its events are published; a change of a cached
workshop keeps its statements (`keeping`) and sends them with the lock, BEGIN and COMMIT
as one query (`lock_and_commit`).
"""

import contextlib
import hashlib
import select

import psycopg
from sqlalchemy import event, exc

def lock_key(name):
    """A PostgreSQL advisory-lock key (signed 64 bits) for a workshop id or a name."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


SCHEMA_LOCK = "cocreate:schema"


def check_on_checkout(engine):
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


@contextlib.contextmanager
def _autocommit(conn):
    """Statements on `conn` run as sent, in no transaction of psycopg's making; afterwards
    SQLAlchemy's side is ended too, and a transaction a failed statement left open is
    rolled back."""
    raw = conn.connection.driver_connection
    raw.autocommit = True
    try:
        yield
    finally:
        if not raw.closed:
            conn.rollback()
            raw.autocommit = False


def advisory(conn, function, keys):
    """Take or release session-level advisory locks, each one statement and one round trip.

    A session-level lock outlives transactions, so it needs none of its own: the
    statements run in autocommit (a transaction around them would cost a BEGIN and a
    COMMIT each way, on every command).
    """
    with _autocommit(conn):
        for key in keys:
            conn.exec_driver_sql(f"SELECT {function}(%(key)s)", {"key": key})


class _Kept(psycopg.ClientCursor):
    """A cursor that binds a statement's parameters on the client (psycopg quotes them,
    as it does for every client-side cursor) and keeps it instead of sending it."""

    def execute(self, query, params=None, **_options):
        self.connection.cocreate_kept.append(self.mogrify(query, params))
        return self

    def executemany(self, query, params_seq, **_options):
        for params in params_seq:
            self.execute(query, params)


@contextlib.contextmanager
def keeping(conn):
    """While inside, what runs on `conn` is bound and kept, not sent; yields the list of
    statements, for `lock_and_commit`. Nothing run meanwhile may read: a statement kept has
    no rows (SQLAlchemy refuses to read them)."""
    raw = conn.connection.driver_connection
    kept = raw.cocreate_kept = []
    factory, raw.cursor_factory = raw.cursor_factory, _Kept
    try:
        yield kept
    finally:
        raw.cursor_factory = factory
        del raw.cocreate_kept


def lock_and_commit(conn, keys, statements):
    """Take the advisory locks of `keys`, then run `statements` (complete SQL, nothing left
    to bind) in one transaction, all as one query: one round trip. PostgreSQL runs them in
    order and skips the rest after one fails, so the transaction stores nothing; the error
    is raised as SQLAlchemy raises any. The locks are held afterwards, unless the failure
    came before them."""
    locks = [f"SELECT pg_advisory_lock({int(key)})" for key in keys]
    with _autocommit(conn):
        conn.exec_driver_sql(";\n".join([*locks, "BEGIN", *statements, "COMMIT"]),
                             execution_options={"no_parameters": True})
