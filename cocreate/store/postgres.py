"""What only PostgreSQL needs: a lock per workshop shared by all processes, pooled
connections checked without a round trip, and statements sent together.

The locks and the statements of a change go straight to the driver (`_send`): they run
on every change, and SQLAlchemy's execution around a statement costs more CPU than the
statement.
"""

import array
import contextlib
import fcntl
import hashlib
import termios

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
    word (or closed with nothing said) fails at its first statement instead:
    `unavailable`, and the next request gets a new one.
    """

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, _record, _proxy):
        if not _open(dbapi_connection):
            raise exc.DisconnectionError("the database closed this connection")


def _open(dbapi_connection):
    """False when the server has ended this idle connection: bytes wait to be read (an
    idle connection expects nothing). The kernel's count (FIONREAD) is asked, not a
    zero-timeout `select()`, which under eventlet or gevent hands the turn to other green
    threads before the command has even been sent."""
    if dbapi_connection.closed:
        return False
    waiting = array.array("i", [0])
    fcntl.ioctl(dbapi_connection.fileno(), termios.FIONREAD, waiting)
    return waiting[0] == 0


def _send(conn, sql, prepare=None):
    """Run `sql` (complete, nothing left to bind; one statement or several) on the driver
    connection under `conn`, as one query in autocommit: one round trip, nothing of
    SQLAlchemy's execution around it (this runs on every change, before and after its
    events are published). `prepare=False`: psycopg need not count it towards preparing
    it (a query run once, or several statements, is never prepared). A failure is raised
    as SQLAlchemy raises the driver's errors; a transaction the query left open is rolled
    back, and a connection that was lost is invalidated, so the pool replaces it."""
    raw = conn.connection.driver_connection
    raw.autocommit = True
    try:
        raw.execute(sql, prepare=prepare)
    except psycopg.Error as error:
        lost = raw.closed
        if lost:
            conn.invalidate()
        else:
            try:
                raw.rollback()  # a statement after BEGIN failed: end that transaction
            except psycopg.Error:
                conn.invalidate()
                lost = True
        raise exc.DBAPIError.instance(sql, None, error, psycopg.Error, connection_invalidated=lost) from error
    finally:
        if not raw.closed:
            try:
                raw.autocommit = False
            except psycopg.Error:
                conn.invalidate()


def advisory(conn, function, keys):
    """Take or release session-level advisory locks, in the order of `keys`: one round trip.

    A session-level lock outlives transactions, so it needs none of its own: the
    statements run in autocommit (a transaction around them would cost a BEGIN and a
    COMMIT each way, on every command).
    """
    statements = [f"SELECT {function}({int(key)})" for key in keys]
    if statements:
        _send(conn, ";\n".join(statements))


class _Kept(psycopg.ClientCursor):
    """A cursor that binds a statement's parameters on the client (psycopg quotes them,
    as it does for every client-side cursor) and keeps it instead of sending it."""

    def execute(self, query, params=None, **_options):
        self.connection.cocreate_kept.append(self.mogrify(query, params))
        return self

    def executemany(self, query, params_seq, **_options):
        for params in params_seq:
            self.execute(query, params)


class Binder:
    """Binds the store's fixed statements (`persist.FIXED`) to complete SQL without
    SQLAlchemy's execution: each is compiled once per set of parameter names, by
    SQLAlchemy's compiler, and bound with its type's bind processors, then quoted by
    psycopg, as SQLAlchemy's execution would (the same SQL, byte for byte), for less CPU
    than SQLAlchemy's execution takes. A statement it cannot bind so (a default
    SQLAlchemy fills in, a list expanded) goes through SQLAlchemy as any other."""

    def __init__(self, dialect, statements):
        self.dialect = dialect
        self.fixed = {id(statement) for statement in statements}
        self.compiled = {}  # (id of statement, parameter names) -> (sql, processors) or None

    def form(self, statement, params):
        """(SQL with named placeholders, {name: bind processor}) for `statement` run with
        `params`, or None when SQLAlchemy has to run it."""
        if id(statement) not in self.fixed or not isinstance(params, dict):
            return None
        key = (id(statement), frozenset(params))
        if key not in self.compiled:
            self.compiled[key] = self._compile(statement, params)
        return self.compiled[key]

    def _compile(self, statement, params):
        compiled = statement.compile(dialect=self.dialect, column_keys=sorted(params))
        names = compiled.bind_names
        if (
            compiled.positional
            or compiled.insert_prefetch
            or compiled.update_prefetch
            or compiled.literal_execute_params
            or compiled.post_compile_params
            or compiled.escaped_bind_names
            or not set(names.values()) <= set(params)
        ):
            return None
        processors = {}
        for bind, name in names.items():
            process = bind.type.dialect_impl(self.dialect).bind_processor(self.dialect)
            if process is not None:
                processors[name] = process
        return compiled.string, processors


class Keeper:
    """What a change runs on while its statements are kept (`keeping`): the fixed ones
    bound by the `Binder`, the others through SQLAlchemy's connection (kept all the same,
    by the `_Kept` cursor), in the order they ran. `statements` is the list of SQL."""

    def __init__(self, conn, binder, statements):
        self.conn, self.binder, self.statements = conn, binder, statements
        raw = conn.connection.driver_connection
        # It only quotes: one per connection, made once (making one costs as much as using it).
        self._cursor = getattr(raw, "cocreate_quoting", None)
        if self._cursor is None:
            self._cursor = raw.cocreate_quoting = psycopg.ClientCursor(raw)

    def execute(self, statement, parameters=None):
        form = self.binder.form(statement, parameters)
        if form is None:
            return self.conn.execute(statement, parameters)
        sql, processors = form
        values = dict(parameters)
        for name, process in processors.items():
            values[name] = process(values[name])
        self.statements.append(self._cursor.mogrify(sql, values))
        return None


@contextlib.contextmanager
def keeping(conn, binder):
    """While inside, what runs on `conn` or on the `Keeper` yielded is bound and kept, not
    sent: the keeper's `statements`, for `lock_and_commit`. Nothing run meanwhile may
    read: a statement kept has no rows (SQLAlchemy refuses to read them)."""
    raw = conn.connection.driver_connection
    kept = raw.cocreate_kept = []
    factory, raw.cursor_factory = raw.cursor_factory, _Kept
    try:
        yield Keeper(conn, binder, kept)
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
    _send(conn, ";\n".join([*locks, "BEGIN", *statements, "COMMIT"]), prepare=False)
