"""Failover behind nginx: a process killed with -9 in the middle of a burst loses nothing,
and a restart of nginx itself costs the room a reconnection, nothing more.

Two `cocreate serve` processes share a real PostgreSQL and a real Redis behind a real
nginx (the configuration of docs/deploy.md). The clients behave like the board page:
they reconnect by themselves, get a fresh snapshot, ask for one on a gap in `seq`, and
send an unanswered command again with the same id (the page's outbox).
"""

import threading

import pytest

from cocreate import protocol as p

from support import Client, new_id

WRITERS_PER_PROCESS = 10
NOTES_EACH = 15


def test_kill_9_of_one_process_mid_burst_every_acknowledged_note_reaches_every_screen(fresh_cluster, proxied_viewers):
    dying, surviving = fresh_cluster.servers
    nginx = fresh_cluster.nginx
    to_dying, to_surviving = fresh_cluster.addresses(WRITERS_PER_PROCESS)
    workshop = surviving.create_workshop("Uitval in de drukte")
    wid = workshop["id"]
    sources = to_dying + to_surviving
    viewers = [
        proxied_viewers(nginx, source, wid, surviving.join(wid, f"P{n}")["token"]) for n, source in enumerate(sources)
    ]
    on_dying = viewers[:WRITERS_PER_PROCESS]
    total = len(viewers) * NOTES_EACH

    acknowledged, failures = {}, []
    progress = threading.Condition()
    start = threading.Barrier(len(viewers) + 1)

    def write(viewer, number):
        try:
            start.wait(30)
            for index in range(NOTES_EACH):
                note_id = new_id()
                ack = viewer.deliver(p.NOTE_ADD, {"id": note_id, "step": 0, "text": f"{number}-{index}"}, timeout=90)
                assert ack["ok"], ack
                with progress:
                    acknowledged[note_id] = ack["seq"]
                    progress.notify_all()
        except BaseException as error:  # reported in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=write, args=(viewer, n), daemon=True) for n, viewer in enumerate(viewers)]
    for thread in threads:
        thread.start()
    start.wait(30)
    # Kill once a third of the notes are in, while the others are on their way.
    with progress:
        assert progress.wait_for(lambda: len(acknowledged) >= total // 3, timeout=60)
    dying.kill()
    assert len(acknowledged) < total  # the kill landed in the middle of the burst
    for thread in threads:
        thread.join(100)
    assert not failures, failures
    assert len(acknowledged) == total

    # The dead process's viewers came back through nginx, to the survivor, by themselves.
    assert dying.process.poll() is not None
    for viewer in on_dying:
        viewer.wait_for(lambda viewer=viewer: viewer.live and viewer.drops == 1)

    # Every acknowledged note is on every screen, once; nothing else is.
    fresh = Client(surviving.url, wid, workshop["facilitator_token"]).connect()
    try:
        stored = fresh.snapshots[-1]
    finally:
        fresh.close()
    stored_ids = [note["id"] for note in stored["notes"]]
    assert sorted(stored_ids) == sorted(acknowledged)
    # seq counts the facilitator, the 20 joins and each note once: no note stored twice.
    assert stored["seq"] == 1 + len(viewers) + total
    for viewer in viewers:
        viewer.wait_for(lambda viewer=viewer: set(viewer.notes) == set(acknowledged), timeout=30)
        assert viewer.seq == stored["seq"]
    assert "Traceback" not in surviving.log()


def test_an_nginx_restart_every_client_comes_back_by_itself_and_catches_up(fresh_cluster, proxied_viewers, clients):
    nginx = fresh_cluster.nginx
    first, second = fresh_cluster.servers
    (to_first,), (to_second,) = fresh_cluster.addresses(1)
    workshop = first.create_workshop("nginx even weg")
    wid = workshop["id"]
    anna = proxied_viewers(nginx, to_first, wid, first.join(wid, "Anna")["token"])
    bram = proxied_viewers(nginx, to_second, wid, first.join(wid, "Bram")["token"])
    facilitator = clients(first.url, wid, workshop["facilitator_token"])
    notes = [new_id(), new_id(), new_id()]
    assert anna.deliver(p.NOTE_ADD, {"id": notes[0], "step": 0, "text": "Voor"})["ok"]

    nginx.halt()
    for viewer in (anna, bram):
        viewer.wait_for(lambda viewer=viewer: not viewer.live)
    # The room goes on meanwhile, and Anna writes a note (her page keeps it until it is sent).
    assert facilitator.call(p.NOTE_ADD, {"id": notes[1], "step": 0, "text": "Tijdens"})["ok"]
    sent = []
    writer = threading.Thread(
        target=lambda: sent.append(anna.deliver(p.NOTE_ADD, {"id": notes[2], "step": 0, "text": "Geschreven tijdens"})),
        daemon=True,
    )
    writer.start()

    nginx.resume()
    writer.join(60)
    assert sent and sent[0]["ok"], sent
    for viewer in (anna, bram):
        viewer.wait_for(lambda viewer=viewer: viewer.live and viewer.drops == 1)
        viewer.wait_for(lambda viewer=viewer: set(viewer.notes) == set(notes), timeout=30)


pytestmark = pytest.mark.timeout(240)
