"""On PostgreSQL a change of a cached workshop goes to the server in one round trip.

The store talks to a real PostgreSQL through a small TCP proxy that counts *turns*:
each time the store sends after the server has answered. Everything a change needs
before its events are published (the workshop's lock, BEGIN, its statements, the
guarded `seq` update, COMMIT) must be one turn; the proxy can also cut the connection
just as that turn arrives, as a failing network would.
"""

import socket
import threading
import uuid

import pytest

from cocreate import domain
from cocreate.store import Store
from cocreate.store import persist
from cocreate.store.postgres import Binder, advisory, keeping, lock_key


class CountingProxy:
    """Forwards 127.0.0.1:port to PostgreSQL; counts the store's turns; can cut."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.turns = 0
        self.cut_next_turn = False
        self._answered = {}  # connection -> the server spoke since the store last did
        self._lock = threading.Lock()
        self._sockets = []
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, database_url):
        host = database_url.rpartition("@")[2].partition("/")[0]
        return database_url.replace(f"@{host}/", f"@127.0.0.1:{self.port}/")

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self._sockets += [client, server]
            self._answered[client] = True
            threading.Thread(target=self._pump, args=(client, server, client), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, client), daemon=True).start()

    def _pump(self, source, sink, client):
        try:
            while data := source.recv(65536):
                with self._lock:
                    if source is not client:
                        self._answered[client] = True
                    elif self._answered[client]:
                        self.turns += 1
                        self._answered[client] = False
                        if self.cut_next_turn:
                            self.cut_next_turn = False
                            break
                sink.sendall(data)
        except OSError:
            pass  # one end went away: end both
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.listener.close()
        for sock in self._sockets:
            try:
                sock.close()
            except OSError:
                pass


@pytest.fixture
def proxied(postgres_server):
    proxy = CountingProxy(postgres_server.port)
    store = Store(proxy.url(postgres_server.create_database()))
    yield proxy, store
    store.close()
    proxy.close()


def add_note(store, workshop_id, author_id, publish=None):
    return store.execute(
        workshop_id, author_id, "note:add", {"id": str(uuid.uuid4()), "step": 0, "text": "samen plannen"}, publish
    )


def test_a_note_on_a_cached_workshop_is_stored_in_one_round_trip_before_it_is_published(proxied):
    proxy, store = proxied
    workshop, _token = store.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    person = store.add_participant(workshop.id, "Ann")[0]
    add_note(store, workshop.id, person.id)  # the workshop is cached now
    turns_at_publish = []

    for _note in range(5):
        start = proxy.turns
        events, seq = add_note(
            store, workshop.id, person.id, lambda _id, _events: turns_at_publish.append(proxy.turns - start)
        )
        assert events[0].seq == seq

    assert turns_at_publish == [1] * 5
    assert len(store.workshop(workshop.id).notes) == 6


def test_the_locks_of_several_workshops_are_taken_in_one_round_trip_and_released_in_one(proxied):
    proxy, store = proxied
    keys = [lock_key(f"workshop-{index}") for index in range(3)]
    held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()"
    with store.engine.connect() as conn:
        start = proxy.turns
        advisory(conn, "pg_advisory_lock", keys)
        assert proxy.turns - start == 1
        assert conn.exec_driver_sql(held).scalar() == 3
        conn.rollback()

        start = proxy.turns
        advisory(conn, "pg_advisory_unlock", reversed(keys))
        assert proxy.turns - start == 1
        assert conn.exec_driver_sql(held).scalar() == 0
        conn.rollback()


def test_a_token_is_read_from_the_database_once(proxied):
    proxy, store = proxied
    workshop, token = store.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    start = proxy.turns
    first = store.authenticate(workshop.id, token)
    assert first is not None and proxy.turns > start

    start = proxy.turns
    assert [store.authenticate(workshop.id, token) for _ in range(3)] == [first] * 3
    assert proxy.turns == start


def test_a_refused_command_on_a_cached_workshop_is_refused_and_stores_nothing(proxied):
    _proxy, store = proxied
    workshop, _token = store.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    person = store.add_participant(workshop.id, "Ann")[0]
    events, seq = add_note(store, workshop.id, person.id)

    with pytest.raises(domain.DomainError):
        store.execute(workshop.id, person.id, "note:edit", {"id": str(uuid.uuid4()), "text": "bestaat niet"})

    assert store.workshop(workshop.id).seq == seq
    events, next_seq = add_note(store, workshop.id, person.id)  # the lock was released
    assert next_seq == seq + 1


def test_a_connection_cut_during_the_round_trip_stores_nothing_says_unreachable_and_recovers(proxied):
    proxy, store = proxied
    workshop, _token = store.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    person = store.add_participant(workshop.id, "Ann")[0]
    _events, seq = add_note(store, workshop.id, person.id)
    published = []

    proxy.cut_next_turn = True
    with pytest.raises(Exception) as failed:
        add_note(store, workshop.id, person.id, lambda *_: published.append(1))

    assert store.unreachable(failed.value)
    assert published == []
    assert store.workshop(workshop.id).seq == seq
    assert len(store.workshop(workshop.id).notes) == 1
    _events, next_seq = add_note(store, workshop.id, person.id)
    assert next_seq == seq + 1


def stored_note(store, workshop_id, note_id):
    """The note as a new store reads it from the database (nothing of `store`'s cache)."""
    fresh = Store(store.engine.url.render_as_string(hide_password=False))
    try:
        return fresh.workshop(workshop_id).notes[note_id]
    finally:
        fresh.close()


def test_text_sent_with_the_statements_is_stored_exactly_as_typed(proxied):
    _proxy, store = proxied
    workshop, _token = store.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    person = store.add_participant(workshop.id, "Ann")[0]
    add_note(store, workshop.id, person.id)
    typed = "It's 100% ok; DROP TABLE notes; -- \\' $$ %(text)s %s \u00e9\u00ebn \U0001f44d"
    note_id = str(uuid.uuid4())

    store.execute(workshop.id, person.id, "note:add", {"id": note_id, "step": 0, "text": typed})
    store.execute(workshop.id, person.id, "note:move", {"id": note_id, "x": 0.125, "y": 0.5})

    note = stored_note(store, workshop.id, note_id)
    assert (note.text, note.x, note.y) == (typed, 0.125, 0.5)


@pytest.mark.parametrize(
    "note_id, text",
    [
        (str(uuid.uuid4()), "nul \x00 in the text"),  # refused while binding: nothing sent
        ("x" * 300, "an id longer than its column"),  # refused by PostgreSQL: after the lock
    ],
)
def test_a_change_the_database_refuses_stores_nothing_and_leaves_the_workshop_free(proxied, note_id, text):
    _proxy, store = proxied
    workshop, _token = store.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    person = store.add_participant(workshop.id, "Ann")[0]
    _events, seq = add_note(store, workshop.id, person.id)

    with pytest.raises(Exception) as failed:
        store.execute(workshop.id, person.id, "note:add", {"id": note_id, "step": 0, "text": text})

    assert not store.unreachable(failed.value)
    assert store.workshop(workshop.id).seq == seq  # nor is the change kept in the cache
    other = Store(store.engine.url.render_as_string(hide_password=False))
    try:
        done = []
        writer = threading.Thread(target=lambda: done.append(add_note(other, workshop.id, person.id)))
        writer.start()
        writer.join(timeout=10)  # the workshop's lock was released
        assert done and done[0][1] == seq + 1
    finally:
        other.close()
    assert len(store.workshop(workshop.id).notes) == 1 + 1


NOTE = {
    "workshop_id": "w-1",
    "id": "n-1",
    "position": 7,
    "author_id": "p-1",
    "created_at": "2026-11-28T10:00:00.000Z",
    "step": 2,
    "lane": None,
    "text": "It's 100% ok; -- \\' $$ %(text)s %s \u00e9\u00ebn \U0001f44d",
    "color": "yellow",
    "x": 0.125,
    "y": None,
    "anonymous": True,
    "version": 3,
    "removed": False,
    "group_id": None,
    "table_id": "t-1",
    "for_table": False,
}
FIXED_RUNS = [
    (persist.SAVE_SEQ_OR_FAIL, {"workshop": "w-1", "seq": 8, "before": 7, "updated_at": "2026-11-28T10:00:00.000Z"}),
    (persist.INSERT_NOTE, NOTE),
    (
        persist.UPDATE_NOTE,
        {"workshop": "w-1", "note": "n-1", **{k: NOTE[k] for k in ("text", "x", "y", "anonymous", "removed")}},
    ),
    (persist.DELETE_VOTE, {"workshop": "w-1", "voter": "p-1", "note": "n-1"}),
    (persist.INSERT_VOTE, {"workshop_id": "w-1", "participant_id": "p-1", "note_id": "n-1", "count": 2}),
    (persist.INSERT_APPLIED, {"workshop_id": "w-1", "id": "c-1", "seq": 8}),
    (persist.SAVE_READY, {"workshop": "w-1", "participant": "p-1", "ready": True}),
    (persist.SAVE_TABLE, {"workshop": "w-1", "participant": "p-1", "table": None}),
]


def kept_sql(store, binder, statement, params):
    with store.engine.connect() as conn:
        with keeping(conn, binder) as kept:
            kept.execute(statement, params)
        conn.rollback()
    return kept.statements


@pytest.mark.parametrize("statement, params", FIXED_RUNS)
def test_a_fixed_statement_is_bound_without_sqlalchemy_as_sqlalchemy_would_bind_it(proxied, statement, params):
    _proxy, store = proxied
    binder = Binder(store.engine.dialect, persist.FIXED)
    by_sqlalchemy = kept_sql(store, Binder(store.engine.dialect, ()), statement, params)

    bound = kept_sql(store, binder, statement, params)

    assert binder.form(statement, params) is not None  # bound by the binder, not SQLAlchemy
    assert bound == by_sqlalchemy and len(bound) == 1


def test_a_statement_missing_columns_with_defaults_goes_through_sqlalchemy(proxied):
    _proxy, store = proxied
    binder = Binder(store.engine.dialect, persist.FIXED)
    partial = {k: v for k, v in NOTE.items() if k not in ("anonymous", "version")}

    bound = kept_sql(store, binder, persist.INSERT_NOTE, partial)

    assert binder.form(persist.INSERT_NOTE, partial) is None
    # author_id, then the defaults of anonymous (false) and version (1)
    assert "'p-1'::VARCHAR, false, 1::INTEGER," in bound[0]


def test_every_change_of_a_note_is_stored_through_the_bound_statements(proxied):
    _proxy, store = proxied
    workshop, _token = store.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    person = store.add_participant(workshop.id, "Ann")[0]
    add_note(store, workshop.id, person.id)
    note_id = str(uuid.uuid4())
    store.execute(workshop.id, person.id, "note:add", {"id": note_id, "step": 2, "text": "eerst", "anonymous": True})
    store.execute(workshop.id, person.id, "note:edit", {"id": note_id, "text": "daarna"})
    store.execute(workshop.id, person.id, "note:move", {"id": note_id, "x": 0.25, "y": 0.75})

    note = stored_note(store, workshop.id, note_id)
    assert (note.text, note.x, note.y, note.anonymous, note.version) == ("daarna", 0.25, 0.75, True, 2)
    assert store.locking.binder.compiled  # the change went through the binder
