"""The facilitator steering the room on a live server: spotlight, pitch round, pause and the
pointer — who may send them, bad input, anonymity, what is stored and what never is."""

import pytest

from cocreate import protocol as p

from support import BRAND, FRICTION, GOALS, Workshop, add_note, ok, refused, snapshot_note

PEOPLE = ("Anouk", "Bram", "Chris")


@pytest.fixture
def room(server, clients):
    workshop = Workshop(server, clients, *PEOPLE, connect_facilitator=True)
    workshop.sockets = {name: workshop.connect(name) for name in PEOPLE}
    return workshop


def last_event(client, seq):
    client.wait_for_seq(seq)
    return next(e for e in client.events if e["seq"] == seq)


def test_the_spotlight_reaches_every_screen_and_a_reconnect(room):
    note_id, _ = add_note(room.sockets["Anouk"], GOALS, "Meer klanten met minder moeite")
    done = ok(room.facilitator.call(p.SET_SPOTLIGHT, {"kind": "note", "id": note_id}))
    event = last_event(room.sockets["Bram"], done["seq"])
    assert (event["type"], event["data"]) == (p.SPOTLIGHT_SET, {"kind": "note", "id": note_id})
    again = room.connect("Chris").snapshots[-1]
    assert again["workshop"]["spotlight"] == {"kind": "note", "id": note_id}


def test_an_anonymous_note_in_the_spotlight_is_on_nobody_s_wire_with_its_author(room):
    ok(room.facilitator.call(p.STEP_GO, {"index": FRICTION}))
    note_id, _ = add_note(room.sockets["Anouk"], FRICTION, "Niemand durft nee te zeggen", anonymous=True)
    hidden = refused(room.facilitator.call(p.SET_SPOTLIGHT, {"kind": "note", "id": note_id}), "invalid")
    assert "id" in hidden["fields"]
    ok(room.facilitator.call(p.NOTES_REVEAL, {"step": FRICTION}))
    done = ok(room.facilitator.call(p.SET_SPOTLIGHT, {"kind": "note", "id": note_id}))
    anouk_id = room.pid("Anouk")
    for watcher in (room.facilitator, room.sockets["Bram"]):
        watcher.wait_for_seq(done["seq"])
        assert anouk_id not in repr(watcher.events[-3:])
        snap = room.connect().snapshots[-1]
        assert snapshot_note(snap, note_id)["author"] is None
        assert snap["workshop"]["spotlight"] == {"kind": "note", "id": note_id}
    refused(
        room.facilitator.call(p.PITCH_START, {"step": FRICTION, "of": "participants", "order": "joined", "minutes": 2}),
        "invalid",
    )


@pytest.mark.parametrize(
    "command, payload",
    [
        (p.SET_SPOTLIGHT, {"kind": None}),
        (p.PITCH_START, {"step": BRAND, "of": "participants", "order": "joined", "minutes": 2}),
        (p.PITCH_NEXT, {}),
        (p.PITCH_STOP, {}),
        (p.ROOM_PAUSE, {"on": True}),
    ],
)
def test_participants_cannot_steer_the_room(room, command, payload):
    seq = room.facilitator.call(p.SYNC, {})["seq"]
    refused(room.sockets["Bram"].call(command, payload), "forbidden")
    assert room.facilitator.call(p.SYNC, {})["seq"] == seq


@pytest.mark.parametrize(
    "command, payload",
    [
        (p.SET_SPOTLIGHT, {"kind": "person", "id": "x"}),
        (p.SET_SPOTLIGHT, {"kind": "note"}),
        (p.SET_SPOTLIGHT, {"kind": "note", "id": "x" * 500}),
        (p.PITCH_START, {"step": BRAND, "of": "participants", "order": "joined", "minutes": 16}),
        (p.PITCH_START, {"step": BRAND, "of": "participants", "order": "joined", "minutes": 0}),
        (p.PITCH_START, {"step": BRAND, "of": "everyone", "order": "joined", "minutes": 2}),
        (p.PITCH_START, {"step": 42, "of": "participants", "order": "joined", "minutes": 2}),
        (p.PITCH_START, {"step": BRAND, "of": "participants", "order": "alphabet", "minutes": 2}),
        (p.PITCH_NEXT, {"to": 7}),
        (p.ROOM_PAUSE, {"on": "ja"}),
        (p.ROOM_PAUSE, {}),
        (p.POINTER, {"x": 2, "y": 0.5}),
        (p.POINTER, {"x": 0.5}),
        (p.POINTER, {"x": 0.1, "y": 0.1, "z": 1}),
    ],
)
def test_bad_steering_input_is_refused_and_changes_nothing(room, command, payload):
    seq = room.facilitator.call(p.SYNC, {})["seq"]
    refused(room.facilitator.call(command, payload), "invalid")
    snap = room.facilitator.call(p.SYNC, {})
    assert snap["seq"] == seq
    workshop = snap["snapshot"]["workshop"]
    assert (workshop["spotlight"], workshop["pitch"], workshop["paused"]) == (None, None, False)


def test_a_pitch_round_of_three_people_moves_the_spotlight_and_the_timer(room):
    started = ok(
        room.facilitator.call(p.PITCH_START, {"step": BRAND, "of": "participants", "order": "joined", "minutes": 3})
    )
    bram = room.sockets["Bram"]
    bram.wait_for_seq(started["seq"])
    kinds = {e["type"]: e["data"] for e in bram.events}
    queue = [room.pid(name) for name in PEOPLE]
    assert kinds[p.PITCH_SET]["queue"] == queue and kinds[p.PITCH_SET]["current"] == queue[0]
    assert kinds[p.SPOTLIGHT_SET] == {"kind": "participant", "id": queue[0]}
    assert kinds[p.TIMER_CHANGED]["timer"]["seconds"] == 180
    for expected in queue[1:]:
        moved = ok(room.facilitator.call(p.PITCH_NEXT, {}))
        bram.wait_for_seq(moved["seq"])
        assert room.connect("Chris").snapshots[-1]["workshop"]["pitch"]["current"] == expected
    ended = ok(room.facilitator.call(p.PITCH_NEXT, {}))
    bram.wait_for_seq(ended["seq"])
    workshop = room.connect("Chris").snapshots[-1]["workshop"]
    assert (workshop["pitch"], workshop["spotlight"], workshop["timer"]) == (None, None, None)


def test_pause_survives_a_restart(fresh_server, clients):
    workshop = Workshop(fresh_server, clients, "Anouk", connect_facilitator=True)
    ok(workshop.facilitator.call(p.ROOM_PAUSE, {"on": True}))
    fresh_server.kill()
    fresh_server.start()
    assert workshop.connect("Anouk").snapshots[-1]["workshop"]["paused"] is True


def test_the_pointer_reaches_the_others_is_never_stored_and_only_from_a_facilitator(room):
    seq = room.facilitator.call(p.SYNC, {})["seq"]
    for step in range(5):
        ok(room.facilitator.call(p.POINTER, {"x": step / 10, "y": 0.5}))
    room.facilitator.sio.emit(p.POINTER, {"x": None})  # frames need no ack
    for watcher in (room.sockets["Anouk"], room.sockets["Chris"]):
        watcher.wait_for(lambda w=watcher: len(w.pointers) == 6)
        assert watcher.pointers[3] == {"x": 0.3, "y": 0.5}
        assert watcher.pointers[-1] == {"x": None, "y": None}
    assert room.facilitator.pointers == []  # the pointing hand sees its own finger
    refused(room.sockets["Bram"].call(p.POINTER, {"x": 0.5, "y": 0.5}), "forbidden")
    assert room.facilitator.call(p.SYNC, {})["seq"] == seq  # frames are not changes
    assert all(len(w.pointers) == 6 for w in (room.sockets["Anouk"], room.sockets["Chris"]))


def test_moving_on_takes_the_spotlight_and_the_pitch_round_down_everywhere(room):
    note_id, _ = add_note(room.sockets["Anouk"], GOALS, "Blijft niet hangen")
    ok(room.facilitator.call(p.SET_SPOTLIGHT, {"kind": "note", "id": note_id}))
    ok(room.facilitator.call(p.PITCH_START, {"step": BRAND, "of": "participants", "order": "joined", "minutes": 3}))
    moved = ok(room.facilitator.call(p.STEP_GO, {"index": BRAND}))
    room.sockets["Bram"].wait_for_seq(moved["seq"])
    workshop = room.connect("Chris").snapshots[-1]["workshop"]
    assert (workshop["spotlight"], workshop["pitch"], workshop["timer"]) == (None, None, None)
