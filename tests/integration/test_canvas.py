"""The canvas on a live server: drag frames, holds, drops into lanes and clusters, layouts."""

import threading
import time

import pytest

from cocreate import protocol as p

from support import FRICTION, GOALS, PLATFORM, Workshop, new_id, ok, refused


class Room(Workshop):
    """The canvas's workshop: the facilitator and named participants, every one connected."""

    def __init__(self, server, clients, *names):
        super().__init__(server, clients, *names, title="Canvas", connect_facilitator=True)
        self.sockets = {name: self.connect(name) for name in names}

    def __getitem__(self, name):
        return self.sockets[name]

    def note(self, who, step=GOALS, **extra):
        note_id = new_id()
        ok(self[who].call(p.NOTE_ADD, {"id": note_id, "step": step, "text": "Samen", **extra}))
        return note_id

    def canvas(self, step=GOALS):
        ack = ok(self.facilitator.call(p.STEP_EDIT, {"index": step, "layout": "canvas"}))
        for client in [self.facilitator, *self.sockets.values()]:
            client.wait_for_seq(ack["seq"])
        return ack

    def stored(self, note_id, who=None):
        client = self[who] if who else self.facilitator
        notes = client.call(p.SYNC, {})["snapshot"]["notes"]
        return next(note for note in notes if note["id"] == note_id)


@pytest.fixture
def room(server, clients):
    return Room(server, clients, "Anouk", "Bram", "Chris")


def frames_of(client, note_id):
    return [frame for frame in client.drags if frame["id"] == note_id]


def test_drag_frames_reach_everyone_else_with_the_dragger_and_are_never_stored(room):
    note_id = room.note("Bram")
    before = room.stored(note_id)
    seq = room.facilitator.call(p.SYNC, {})["seq"]
    for step in range(10):
        ok(room["Anouk"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.1 + step / 50, "y": 0.4}))
    for watcher in (room.facilitator, room["Bram"], room["Chris"]):
        watcher.wait_for(lambda w=watcher: len(frames_of(w, note_id)) == 10)
        last = frames_of(watcher, note_id)[-1]
        assert last == {
            "id": note_id,
            "x": pytest.approx(0.28),
            "y": 0.4,
            "by": {"id": room.pid("Anouk"), "name": "Anouk"},
        }
    assert frames_of(room["Anouk"], note_id) == []  # the dragger sees their own hand
    after = room.facilitator.call(p.SYNC, {})
    assert after["seq"] == seq  # frames are not changes
    assert room.stored(note_id) == before


def test_a_held_note_is_busy_for_others_and_names_who_holds_it(room):
    note_id = room.note("Bram")
    ok(room["Anouk"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.2, "y": 0.2}))
    error = refused(room["Chris"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.6, "y": 0.6}), "busy")
    assert error["by"] == {"id": room.pid("Anouk"), "name": "Anouk"}
    refused(room["Chris"].call(p.NOTE_MOVE, {"id": note_id, "x": 0.6, "y": 0.6}), "busy")
    refused(room.facilitator.call(p.NOTE_MOVE, {"id": note_id, "x": 0.6, "y": 0.6}), "busy")
    assert room.stored(note_id)["x"] is None
    # The holder's drop is stored, sequenced and lets the others in again.
    moved = ok(room["Anouk"].call(p.NOTE_MOVE, {"id": note_id, "x": 0.3, "y": 0.35}))
    room["Chris"].wait_for_seq(moved["seq"])
    event = room["Chris"].events[-1]
    assert event["type"] == p.NOTE_MOVED and event["data"]["x"] == 0.3
    ok(room["Chris"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.5, "y": 0.5}))


def test_dragging_an_anonymous_note_never_names_its_author(room, server):
    note_id = room.note("Anouk", step=FRICTION, anonymous=True)
    ok(room.facilitator.call(p.NOTES_REVEAL, {"step": FRICTION}))
    ok(room["Anouk"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.2, "y": 0.2}))
    room["Bram"].wait_for(lambda: frames_of(room["Bram"], note_id))
    assert frames_of(room["Bram"], note_id)[0]["by"] is None
    error = refused(room["Bram"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.4, "y": 0.4}), "busy")
    assert error["by"] is None
    error = refused(room.facilitator.call(p.NOTE_MOVE, {"id": note_id, "x": 0.4, "y": 0.4}), "busy")
    assert error["by"] is None
    ok(room["Anouk"].call(p.NOTE_MOVE, {"id": note_id, "x": 0.25, "y": 0.2}))
    # Someone else dragging the anonymous note is named: they are not its author.
    ok(room["Bram"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.4, "y": 0.4}))
    room["Chris"].wait_for(lambda: any(f["by"] for f in frames_of(room["Chris"], note_id)))
    assert "Anouk" not in server.log()


def test_a_private_note_moves_for_its_author_only_and_its_frames_go_nowhere(room):
    note_id = room.note("Anouk", step=FRICTION)
    refused(room["Bram"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.2, "y": 0.2}), "forbidden")
    refused(room.facilitator.call(p.NOTE_MOVE, {"id": note_id, "x": 0.2, "y": 0.2}), "forbidden")
    ok(room["Anouk"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.2, "y": 0.2}))
    moved = ok(room["Anouk"].call(p.NOTE_MOVE, {"id": note_id, "x": 0.2, "y": 0.2}))
    room["Bram"].wait_for_seq(moved["seq"])
    assert frames_of(room["Bram"], note_id) == [] and frames_of(room.facilitator, note_id) == []
    public = room["Bram"].events[-1]["data"]
    assert public == {"id": note_id, "step": FRICTION, "hidden": True}
    assert room.stored(note_id, "Anouk")["x"] == 0.2


def test_a_hold_ends_when_the_dragger_disconnects(room):
    note_id = room.note("Bram")
    ok(room["Anouk"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.2, "y": 0.2}))
    refused(room["Chris"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.3, "y": 0.3}), "busy")
    room["Anouk"].close()
    room["Chris"].wait_for(
        lambda: room["Chris"].presence and room.pid("Anouk") not in room["Chris"].presence[-1]["online"]
    )
    ok(room["Chris"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.3, "y": 0.3}))


def test_a_hold_nobody_renews_expires_by_itself(start_server, clients):
    live = start_server(COCREATE_DRAG_HOLD="0.5")
    room = Room(live, clients, "Anouk", "Bram")
    note_id = room.note("Anouk")
    ok(room["Anouk"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.2, "y": 0.2}))
    refused(room["Bram"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.3, "y": 0.3}), "busy")
    time.sleep(0.7)  # the subject of the test: the dragger went quiet for longer than a hold
    ok(room["Bram"].call(p.NOTE_DRAG, {"id": note_id, "x": 0.3, "y": 0.3}))


def test_drops_into_another_lane_carry_the_lane_and_keep_the_place(room):
    note_id = room.note("Anouk", step=PLATFORM, lane="transparency")
    moved = ok(room["Anouk"].call(p.NOTE_MOVE, {"id": note_id, "lane": "dialogue"}))
    room["Bram"].wait_for_seq(moved["seq"])
    assert room["Bram"].events[-1]["data"]["lane"] == "dialogue"
    refused(room["Anouk"].call(p.NOTE_MOVE, {"id": note_id, "lane": "nowhere"}), "invalid")
    assert room.stored(note_id)["lane"] == "dialogue"


def test_on_a_canvas_with_lanes_the_place_decides_the_lane(room):
    room.canvas(PLATFORM)
    note_id = room.note("Anouk", step=PLATFORM, lane="transparency")
    placed = room.stored(note_id)
    assert placed["x"] < 0.25 and placed["y"] >= 0.08  # in its lane's band, under the titles
    ok(room["Anouk"].call(p.NOTE_MOVE, {"id": note_id, "x": 0.8, "y": 0.5}))
    assert room.stored(note_id)["lane"] == "reflection"
    ok(room["Anouk"].call(p.NOTE_MOVE, {"id": note_id, "lane": "accessibility"}))
    moved = room.stored(note_id)
    assert moved["lane"] == "accessibility" and 0.25 <= moved["x"] < 0.5


def test_the_facilitator_drags_notes_into_a_cluster_and_out_of_it(room):
    first, second = room.note("Anouk"), room.note("Bram")
    grouped = ok(room.facilitator.call(p.NOTE_GROUP, {"ids": [first], "title": "Klanten"}))
    room.facilitator.wait_for_seq(grouped["seq"])
    cluster = room.facilitator.events[-1]["data"]["id"]
    refused(room["Anouk"].call(p.NOTE_MOVE, {"id": second, "cluster": cluster}), "forbidden")
    joined = ok(room.facilitator.call(p.NOTE_MOVE, {"id": second, "cluster": cluster, "x": 0.5, "y": 0.5}))
    room["Chris"].wait_for_seq(joined["seq"])
    assert room["Chris"].events[-1]["data"]["group"] == cluster
    ok(room.facilitator.call(p.NOTE_MOVE, {"id": first, "cluster": None}))
    left = ok(room.facilitator.call(p.NOTE_MOVE, {"id": second, "cluster": None}))
    room["Chris"].wait_for_seq(left["seq"])
    last = room["Chris"].events[-1]
    assert last["type"] == p.NOTES_UNGROUPED and last["data"]["id"] == cluster
    assert room.facilitator.call(p.SYNC, {})["snapshot"]["clusters"] == []
    refused(room.facilitator.call(p.NOTE_MOVE, {"id": first, "cluster": new_id()}), "not_found")


def test_switching_to_a_canvas_places_every_note_apart_and_new_ones_in_free_space(room):
    notes = [room.note(name) for name in ("Anouk", "Bram", "Chris") for _ in range(3)]
    refused(room["Anouk"].call(p.STEP_EDIT, {"index": GOALS, "layout": "canvas"}), "forbidden")
    refused(room.facilitator.call(p.STEP_EDIT, {"index": GOALS, "layout": "lanes"}), "invalid")
    ack = room.canvas()
    snapshot = room["Bram"].call(p.SYNC, {})["snapshot"]
    assert snapshot["steps"][GOALS]["layout"] == "canvas"
    moved = [e for e in room["Bram"].events if e["type"] == p.NOTE_MOVED]
    assert sorted(e["data"]["id"] for e in moved) == sorted(notes)
    notes.append(room.note("Anouk"))
    places = [(n["x"], n["y"]) for n in room.facilitator.call(p.SYNC, {})["snapshot"]["notes"]]
    assert len(places) == 10 and None not in {x for x, _y in places}
    for index, (x, y) in enumerate(places):
        for other_x, other_y in places[index + 1 :]:
            apart = abs(x - other_x) >= p.CANVAS["NOTE_WIDTH"] or abs(y - other_y) >= p.CANVAS["NOTE_HEIGHT"]
            assert apart, places
    assert ack["seq"] < room.facilitator.call(p.SYNC, {})["seq"]


def test_two_drops_at_once_end_in_the_same_place_on_every_screen(room):
    note_id = room.note("Chris")
    barrier = threading.Barrier(2)
    acks = {}

    def drop(name, x):
        barrier.wait()
        acks[name] = room[name].call(p.NOTE_MOVE, {"id": note_id, "x": x, "y": 0.5})

    racers = [threading.Thread(target=drop, args=(name, x)) for name, x in (("Anouk", 0.1), ("Bram", 0.7))]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(10)
    done = [ack for ack in acks.values() if ack["ok"]]
    assert done  # one may be refused `busy` by nobody: drops without drags hold nothing
    last = max(ack["seq"] for ack in done)
    seen = []
    for watcher in (room.facilitator, room["Chris"], room["Anouk"], room["Bram"]):
        watcher.wait_for_seq(last)
        moves = [e for e in watcher.events if e["type"] == p.NOTE_MOVED and e["data"]["id"] == note_id]
        seen.append(moves[-1]["data"]["x"])
        assert watcher.call(p.SYNC, {})["snapshot"]["notes"][0]["x"] == seen[-1]
    assert len(set(seen)) == 1


def test_a_person_drags_at_30_frames_a_second_and_a_flood_is_stopped(room):
    note_id = room.note("Anouk")
    codes = []
    for frame in range(60):  # two seconds of dragging
        codes.append(
            room["Anouk"].call(p.NOTE_DRAG, {"id": note_id, "x": frame / 100, "y": 0.3}).get("error", {}).get("code")
        )
        time.sleep(1 / 30)  # the pace of a real drag: about 30 frames a second
    assert codes == [None] * 60
    other = room.note("Bram")
    flood = []
    while "rate_limited" not in flood and len(flood) < 150:
        flood.append(room["Bram"].call(p.NOTE_DRAG, {"id": other, "x": 0.1, "y": 0.1}).get("error", {}).get("code"))
    assert flood[-1] == "rate_limited" and len(flood) > 30


def test_drags_without_a_drop_leave_nothing_behind_a_kill_9(fresh_server, clients):
    room = Room(fresh_server, clients, "Anouk", "Bram")
    note_id = room.note("Anouk")
    room.canvas()
    placed = room.stored(note_id)
    last = ok(room["Anouk"].call(p.NOTE_MOVE, {"id": note_id, "x": 0.4, "y": 0.4}))
    for frame in range(20):
        ok(room["Bram"].call(p.NOTE_DRAG, {"id": note_id, "x": frame / 40, "y": 0.7}))
    fresh_server.kill()
    fresh_server.start()
    after = room.connect()
    snapshot = after.snapshots[0]
    note = next(n for n in snapshot["notes"] if n["id"] == note_id)
    assert (note["x"], note["y"]) == (0.4, 0.4) and placed["x"] != 0.4
    assert snapshot["seq"] == last["seq"]
    # The hold died with the process: anyone may drag again.
    ok(after.call(p.NOTE_DRAG, {"id": note_id, "x": 0.1, "y": 0.1}))


def test_frames_and_holds_cross_processes_through_redis(cluster, clients):
    first, second = cluster.servers
    workshop = first.create_workshop("Twee processen")
    wid = workshop["id"]
    anouk = clients(first.url, wid, first.join(wid, "Anouk")["token"])
    bram = clients(second.url, wid, second.join(wid, "Bram")["token"])
    note_id = new_id()
    ok(anouk.call(p.NOTE_ADD, {"id": note_id, "step": GOALS, "text": "Over de grens"}))
    ok(anouk.call(p.NOTE_DRAG, {"id": note_id, "x": 0.3, "y": 0.3}))
    bram.wait_for(lambda: frames_of(bram, note_id))
    assert frames_of(bram, note_id)[0]["by"]["name"] == "Anouk"
    error = refused(bram.call(p.NOTE_DRAG, {"id": note_id, "x": 0.6, "y": 0.6}), "busy")
    assert error["by"]["name"] == "Anouk"
    refused(bram.call(p.NOTE_MOVE, {"id": note_id, "x": 0.6, "y": 0.6}), "busy")
    moved = ok(anouk.call(p.NOTE_MOVE, {"id": note_id, "x": 0.35, "y": 0.3}))
    bram.wait_for_seq(moved["seq"])
    ok(bram.call(p.NOTE_DRAG, {"id": note_id, "x": 0.6, "y": 0.6}))
    anouk.wait_for(lambda: frames_of(anouk, note_id))
    assert frames_of(anouk, note_id)[-1]["by"]["name"] == "Bram"
