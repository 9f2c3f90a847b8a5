"""Redis restarted and PostgreSQL away for a few seconds, in the middle of a workshop.

Real servers, restarted for real: redis-server shut down and started again on its port
(empty: nothing is persisted), PostgreSQL shut down as `pg_ctl stop -m fast` does and
started again on its data. The clients behave like the board page (support.Viewer).
"""

import pytest
import requests

from cocreate import protocol as p

from cluster import Cluster, RedisServer
from support import new_id


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


def test_a_redis_restart_loses_nothing_and_every_screen_catches_up_by_itself(
        redis_cluster, viewers):
    redis, cluster = redis_cluster
    first, second = cluster.servers
    workshop = first.create_workshop("Redis even weg")
    wid = workshop["id"]
    anna, chris = (viewers(first.url, wid, first.join(wid, name)["token"])
                   for name in ("Anna", "Chris"))
    bram, dirk = (viewers(second.url, wid, second.join(wid, name)["token"])
                  for name in ("Bram", "Dirk"))
    everyone = [anna, bram, chris, dirk]
    online = {viewer.snapshots[0]["me"]["id"] for viewer in everyone}
    notes = [add(anna, "Voor de herstart"), add(bram, "Ook voor de herstart")]
    wait_for_notes(everyone, notes)

    redis.halt()
    # Commands keep working on both processes; each process's own viewers see them.
    during = {"first": add(anna, "Zonder Redis, eerste proces"),
              "second": add(bram, "Zonder Redis, tweede proces")}
    notes += during.values()
    chris.wait_for(lambda: during["first"] in chris.notes)
    dirk.wait_for(lambda: during["second"] in dirk.notes)
    # The HTTP rate limits (counted in Redis) fall back to each process's memory.
    assert requests.get(f"{first.url}/api/join/ABCDEF", timeout=10).status_code == 404
    created = requests.post(f"{second.url}/api/workshops", json={"title": "Tijdens"},
                            timeout=10)
    assert created.status_code == 201, created.text

    redis.resume()
    # Nobody does anything: each screen catches up with the other process's changes.
    wait_for_notes(everyone, notes)
    # Changes cross between the processes again, and presence spans both again.
    notes.append(add(dirk, "Na de herstart"))
    wait_for_notes(everyone, notes)
    for viewer in everyone:
        viewer.wait_for(lambda viewer=viewer: viewer.presence
                        and set(viewer.presence[-1]["online"]) == online)
    stored = anna.sio.call(p.SYNC, {}, timeout=10)["snapshot"]
    assert sorted(note["id"] for note in stored["notes"]) == sorted(notes)
    for live in cluster.servers:
        assert "Traceback" not in live.log()
