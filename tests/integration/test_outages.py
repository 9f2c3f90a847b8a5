"""Redis restarted and PostgreSQL away for a few seconds, in the middle of a workshop.

Real servers, restarted for real: redis-server shut down and started again on its port
(empty: nothing is persisted), PostgreSQL shut down as `pg_ctl stop -m fast` does and
started again on its data. The clients behave like the board page (support.Viewer).
"""

import threading

import psycopg
import pytest
import requests
import socketio

from cocreate import protocol as p

from cluster import Cluster
from servers import RedisServer
from support import new_id, refused


@pytest.fixture
def redis_cluster(tmp_path, postgres_server):
    """Two processes on a Redis of this test's own, which the test may restart."""
    redis = RedisServer().start()
    try:
        cluster = Cluster(tmp_path, redis, postgres_server).start()
    except BaseException:
        redis.stop()
        raise
    yield redis, cluster
    cluster.stop()
    redis.stop()


def add(viewer, text):
    """Add a note as the page does; returns its id."""
    note_id = new_id()
    ack = viewer.deliver(p.NOTE_ADD, {"id": note_id, "step": 0, "text": text})
    assert ack["ok"], ack
    return note_id


def wait_for_notes(viewers, note_ids, timeout=30):
    """Until every viewer's screen shows exactly these notes."""
    for viewer in viewers:
        viewer.wait_for(lambda viewer=viewer: set(viewer.notes) == set(note_ids), timeout)


def test_a_redis_restart_loses_nothing_and_every_screen_catches_up_by_itself(redis_cluster, viewers):
    redis, cluster = redis_cluster
    first, second = cluster.servers
    workshop = first.create_workshop("Redis even weg")
    wid = workshop["id"]
    anna, chris = (viewers(first.url, wid, first.join(wid, name)["token"]) for name in ("Anna", "Chris"))
    bram, dirk = (viewers(second.url, wid, second.join(wid, name)["token"]) for name in ("Bram", "Dirk"))
    everyone = [anna, bram, chris, dirk]
    online = {viewer.snapshots[0]["me"]["id"] for viewer in everyone}
    notes = [add(anna, "Voor de herstart"), add(bram, "Ook voor de herstart")]
    wait_for_notes(everyone, notes)

    redis.halt()
    # Commands keep working on both processes; each process's own viewers see them.
    during = {"first": add(anna, "Zonder Redis, eerste proces"), "second": add(bram, "Zonder Redis, tweede proces")}
    notes += during.values()
    chris.wait_for(lambda: during["first"] in chris.notes)
    dirk.wait_for(lambda: during["second"] in dirk.notes)
    # The HTTP rate limits (counted in Redis) fall back to each process's memory.
    assert requests.get(f"{first.url}/api/join/ABCDEF", timeout=10).status_code == 404
    created = requests.post(f"{second.url}/api/workshops", json={"title": "Tijdens"}, timeout=10)
    assert created.status_code == 201, created.text

    redis.resume()
    # Nobody does anything: each screen catches up with the other process's changes.
    wait_for_notes(everyone, notes)
    # Changes cross between the processes again, and presence spans both again.
    notes.append(add(dirk, "Na de herstart"))
    wait_for_notes(everyone, notes)
    for viewer in everyone:
        viewer.wait_for(lambda viewer=viewer: viewer.presence and set(viewer.presence[-1]["online"]) == online)
    stored = anna.sio.call(p.SYNC, {}, timeout=10)["snapshot"]
    assert sorted(note["id"] for note in stored["notes"]) == sorted(notes)
    for live in cluster.servers:
        assert "Traceback" not in live.log()


def test_postgresql_away_commands_get_a_retryable_error_nothing_half_stored_and_it_resumes(
    restartable_postgres, start_server, viewers
):
    database = restartable_postgres.create_database()
    live = start_server(DATABASE_URL=database)
    workshop = live.create_workshop("Database even weg")
    wid, code = workshop["id"], workshop["join_code"]
    writers = [viewers(live.url, wid, live.join(wid, name)["token"]) for name in ("Anna", "Bram")]
    watcher = viewers(live.url, wid, workshop["facilitator_token"])
    delivered, failures = [], []
    count = 10
    halted = threading.Event()

    def write(viewer, name):
        try:
            for index in range(count):
                note_id = new_id()
                ack = viewer.deliver(p.NOTE_ADD, {"id": note_id, "step": 0, "text": f"{name} {index}"}, timeout=90)
                assert ack["ok"], ack
                delivered.append(note_id)
                if index == 2:
                    halted.wait(30)  # the rest is written while the database is away
        except BaseException as error:  # reported in the test's thread
            failures.append(error)

    threads = [
        threading.Thread(target=write, args=(viewer, name), daemon=True)
        for viewer, name in zip(writers, ("Anna", "Bram"))
    ]
    for thread in threads:
        thread.start()
    watcher.wait_for(lambda: len(watcher.notes) >= 6)
    before = watcher.seq
    restartable_postgres.halt()
    halted.set()

    # Commands are refused with a retryable error; nothing changes meanwhile.
    for viewer in writers:
        viewer.wait_for(lambda viewer=viewer: viewer.refusals, timeout=30)
        for error in viewer.refusals:
            assert error["code"] == "unavailable", error
            assert error["retry_after"] > 0
    refused(watcher.ask(p.SYNC, {}), "unavailable")
    # HTTP answers 503 with the usual error body, and a page says to try again.
    for answer in (
        requests.get(f"{live.url}/api/join/{code}", timeout=10),
        requests.post(f"{live.url}/api/workshops/{wid}/participants", json={"name": "Chris"}, timeout=10),
    ):
        assert answer.status_code == 503, answer.text
        assert answer.json()["error"]["code"] == "unavailable"
        assert int(answer.headers["Retry-After"]) > 0
    page = requests.get(f"{live.url}/w/{wid}", timeout=10, cookies={f"cc_{wid}": workshop["facilitator_token"]})
    assert page.status_code == 503
    assert "text/html" in page.headers["Content-Type"] and "Even geduld" in page.text
    # A new connection is refused with the same code (the page tries again by itself).
    refusal = []
    newcomer = socketio.Client(reconnection=False)
    newcomer.on("connect_error", refusal.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        newcomer.connect(
            live.url,
            auth={"workshop": wid, "token": workshop["facilitator_token"]},
            transports=["websocket"],
            wait_timeout=10,
        )
    assert refusal[-1]["data"]["code"] == "unavailable"
    assert watcher.seq == before

    restartable_postgres.resume()
    for thread in threads:
        thread.join(100)
    assert not failures, failures
    assert len(delivered) == 2 * count
    watcher.wait_for(lambda: set(watcher.notes) == set(delivered), timeout=30)
    for viewer in writers:
        viewer.wait_for(lambda viewer=viewer: set(viewer.notes) == set(delivered), timeout=30)

    # Nothing half-stored, nothing twice: seq counts the joins and each note once.
    with psycopg.connect(database, autocommit=True) as conn:
        seq = conn.execute("SELECT seq FROM workshops WHERE id = %s", (wid,)).fetchone()[0]
        stored = [row[0] for row in conn.execute("SELECT id FROM notes WHERE workshop_id = %s", (wid,))]
    assert sorted(stored) == sorted(delivered)
    assert seq == watcher.seq == 3 + 2 * count
    # Everything works again: joining, connecting, the page.
    assert live.join(wid, "Chris")["token"]
    viewers(live.url, wid, workshop["facilitator_token"])
    assert requests.get(f"{live.url}/w/{wid}", timeout=10, cookies={f"cc_{wid}": workshop["facilitator_token"]}).ok
    log = live.log()
    assert "Traceback" not in log
    assert log.count("the database is unreachable") == 1, log


def test_after_a_postgresql_restart_the_next_command_gets_a_fresh_connection_at_once(restartable_postgres):
    """The pool keeps connections the restarted server has ended; each is noticed at
    checkout (without a round trip) and replaced, so no command sees the old one."""
    from cocreate.store import Store

    workshops = Store(restartable_postgres.create_database())
    try:
        workshop, _token = workshops.create_workshop("Herstart", "", "nl", "cocreation", "Fac")
        ann = workshops.add_participant(workshop.id, "Ann")[0].id
        for index in range(3):
            workshops.execute(workshop.id, ann, p.NOTE_ADD, {"id": new_id(), "step": 0, "text": f"Voor {index}"})
        workshops.snapshot(workshop.id, ann)
        restartable_postgres.halt()
        restartable_postgres.resume()

        events, seq = workshops.execute(workshop.id, ann, p.NOTE_ADD, {"id": new_id(), "step": 0, "text": "Na"})
        assert events[0].data["text"] == "Na"
        assert len(workshops.snapshot(workshop.id, ann)["notes"]) == 4
        assert workshops.snapshot(workshop.id, ann)["seq"] == seq
    finally:
        workshops.close()
