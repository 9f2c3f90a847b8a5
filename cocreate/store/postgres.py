"""What only PostgreSQL needs: a lock per workshop shared by all processes, and pooled
connections checked without a round trip.

`locking` uses these: a change of a workshop holds the workshop's session-level advisory
lock from before its transaction until its events are published.
"""

import hashlib
import select

from sqlalchemy import event, exc

# Taking a workshop's lock, one statement (`locking.Locking._try_at_once`).
LOCK = "SELECT pg_advisory_lock(%(key)s)"


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


def advisory(conn, function, keys):
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
