"""Live-server tests of the Socket.IO protocol (DESIGN.md section 4)."""

import json

import pytest
import requests
import socketio

from cocreate import protocol as p
from cocreate.store import Store

from support import FRICTION, Workshop, add_note, new_id, snapshot_note, wait_all


def without_me(snapshot):
    """What a snapshot says about the workshop: without the per-viewer `me` and the clock."""
    return {key: value for key, value in snapshot.items() if key not in ("me", "server_time")}


def seqs_after(client, seq):
    return [event["seq"] for event in client.events if event["seq"] > seq]


def events_after(client, seq):
    return [event for event in client.events if event["seq"] > seq]


# -- broadcast order and seq ------------------------------------------------------


def _note_session(room, author):
    """Add, edit (text, colour), move and remove notes; returns the acks and notes."""
    first, second = new_id(), new_id()
    commands = [
        (p.NOTE_ADD, {"id": first, "step": 0, "text": "Doel in context"}),
        (p.NOTE_ADD, {"id": second, "step": 0, "text": "Tweede kaart", "color": "blue"}),
        (p.NOTE_EDIT, {"id": first, "text": "Meer klanten, minder moeite"}),
        (p.NOTE_EDIT, {"id": first, "color": "pink"}),
        (p.NOTE_MOVE, {"id": first, "x": 0.25, "y": 0.75}),
        (p.NOTE_REMOVE, {"id": second}),
        (p.NOTE_REMOVE, {"id": first}),
    ]
    acks = [author.call(name, payload) for name, payload in commands]
    return acks, first, second


def test_note_changes_by_one_participant_reach_all_others_in_order_with_consecutive_seq(server, clients):
    room = Workshop(server, clients, "Anna", "Bram", "Chris")
    facilitator = room.connect()
    anna, bram, chris = room.connect("Anna"), room.connect("Bram"), room.connect("Chris")
    everyone = (facilitator, anna, bram, chris)
    base = facilitator.snapshots[-1]["seq"]
    assert {c.snapshots[-1]["seq"] for c in everyone} == {base}

    acks, first, second = _note_session(room, anna)
    assert all(ack["ok"] for ack in acks), acks
    last = base + len(acks)
    wait_all(last, *everyone)

    expected_seqs = list(range(base + 1, last + 1))
    expected_types = [
        p.NOTE_ADDED,
        p.NOTE_ADDED,
        p.NOTE_EDITED,
        p.NOTE_EDITED,
        p.NOTE_MOVED,
        p.NOTE_REMOVED,
        p.NOTE_REMOVED,
    ]
    for client in everyone:
        assert seqs_after(client, base) == expected_seqs
        assert [e["type"] for e in events_after(client, base)] == expected_types
    # every viewer saw exactly the same messages
    reference = events_after(bram, base)
    for client in (facilitator, anna, chris):
        assert events_after(client, base) == reference

    added, added2, text_edit, color_edit, moved, removed2, removed = (e["data"] for e in reference)
    assert added["id"] == first and added["text"] == "Doel in context"
    assert added["author"] == room.pid("Anna") and added["author_name"] == "Anna"
    assert added2["id"] == second and added2["color"] == "blue"
    assert text_edit["id"] == first and text_edit["text"] == "Meer klanten, minder moeite"
    assert color_edit["id"] == first and color_edit["color"] == "pink"
    assert color_edit["version"] == text_edit["version"] + 1
    assert moved == {"id": first, "step": 0, "x": 0.25, "y": 0.75, "lane": None, "group": None}
    assert removed2["id"] == second and removed["id"] == first


def test_ack_of_each_change_carries_the_seq_of_its_event(server, clients):
    room = Workshop(server, clients, "Anna")
    facilitator, anna = room.connect(), room.connect("Anna")
    base = anna.snapshots[-1]["seq"]

    acks, _first, _second = _note_session(room, anna)
    step_ack = facilitator.call(p.STEP_GO, {"index": 1})
    acks.append(step_ack)
    wait_all(base + len(acks), facilitator, anna)

    assert [ack["ok"] for ack in acks] == [True] * len(acks)
    assert [ack["seq"] for ack in acks] == seqs_after(facilitator, base)
    assert [ack["seq"] for ack in acks] == seqs_after(anna, base)


# -- steps ----------------------------------------------------------------------


def test_step_change_by_facilitator_reaches_everyone_and_a_reconnecting_snapshot_has_it(server, clients):
    room = Workshop(server, clients, "Anna", "Bram")
    facilitator, anna, bram = room.connect(), room.connect("Anna"), room.connect("Bram")
    assert anna.snapshots[-1]["workshop"]["current_step"] == 0

    ack = facilitator.call(p.STEP_GO, {"index": 3})
    assert ack["ok"] is True, ack
    wait_all(ack["seq"], facilitator, anna, bram)
    for client in (facilitator, anna, bram):
        change = [e for e in client.events if e["seq"] == ack["seq"]]
        assert [(e["type"], e["data"]["index"]) for e in change] == [(p.STEP_CHANGED, 3)]

    bram.close()
    again = room.connect("Bram")
    assert again.snapshots[-1]["workshop"]["current_step"] == 3
    assert again.snapshots[-1]["seq"] == ack["seq"]


# -- permissions ------------------------------------------------------------------

REFUSED = {  # what a participant tries, given Bram's note and Bram's action
    "step:go": lambda note, action: (p.STEP_GO, {"index": 1}),
    "workshop:edit": lambda note, action: (p.WORKSHOP_EDIT, {"title": "Gekaapt"}),
    "workshop:lock": lambda note, action: (p.WORKSHOP_LOCK, {"locked": True}),
    "step:edit": lambda note, action: ("step:edit", {"index": 1, "title": "Gekaapt"}),
    "notes:reveal": lambda note, action: ("notes:reveal", {"step": FRICTION}),
    "timer:start": lambda note, action: ("timer:start", {"seconds": 60}),
    "timer:stop": lambda note, action: ("timer:stop", {}),
    "note:group": lambda note, action: ("note:group", {"ids": [note], "title": "Cluster"}),
    "note:ungroup": lambda note, action: ("note:ungroup", {"id": new_id()}),
    "voting:open": lambda note, action: ("voting:open", {"step": 0, "budget": 3}),
    "voting:close": lambda note, action: ("voting:close", {}),
    "note:edit-of-another": lambda note, action: (p.NOTE_EDIT, {"id": note, "text": "Gekaapt"}),
    "note:remove-of-another": lambda note, action: (p.NOTE_REMOVE, {"id": note}),
    "action:remove-of-another": lambda note, action: ("action:remove", {"id": action}),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_participant_is_forbidden_facilitator_commands_and_others_notes_and_nothing_is_broadcast(server, clients, case):
    room = Workshop(server, clients, "Anna", "Bram")
    facilitator, anna, bram = room.connect(), room.connect("Anna"), room.connect("Bram")
    brams_note, _seq = add_note(bram, 0, "Van Bram")
    brams_action = new_id()
    added = bram.call("action:add", {"id": brams_action, "title": "Bram regelt het", "note_ids": [brams_note]})
    assert added["ok"] is True, added
    seq = added["seq"]
    wait_all(seq, facilitator, anna, bram)
    before = facilitator.call(p.SYNC, {})["snapshot"]

    name, payload = REFUSED[case](brams_note, brams_action)
    ack = anna.call(name, payload)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "forbidden"

    # the next allowed change continues the seq by exactly one, and is the only new event
    ready = anna.call(p.PARTICIPANT_READY, {"ready": True})
    assert (ready["ok"], ready["seq"]) == (True, seq + 1), ready
    wait_all(seq + 1, facilitator, anna, bram)
    for client in (facilitator, anna, bram):
        assert [(e["seq"], e["type"]) for e in events_after(client, seq)] == [(seq + 1, p.PARTICIPANT_READY_CHANGED)]

    after = facilitator.call(p.SYNC, {})["snapshot"]
    for part in set(before) - {"seq", "server_time", "participants"}:
        assert after[part] == before[part], part


def test_facilitator_can_edit_and_remove_any_note(server, clients):
    room = Workshop(server, clients, "Anna")
    facilitator, anna = room.connect(), room.connect("Anna")
    note, _seq = add_note(anna, 0, "Van Anna")

    edit = facilitator.call(p.NOTE_EDIT, {"id": note, "text": "Aangescherpt", "color": "green"})
    assert edit["ok"] is True, edit
    remove = facilitator.call(p.NOTE_REMOVE, {"id": note})
    assert (remove["ok"], remove["seq"]) == (True, edit["seq"] + 1), remove

    anna.wait_for_seq(remove["seq"])
    edited, removed = (e for e in anna.events if e["seq"] in (edit["seq"], remove["seq"]))
    assert edited["type"] == p.NOTE_EDITED
    assert edited["data"]["text"] == "Aangescherpt" and edited["data"]["color"] == "green"
    assert edited["data"]["author"] == room.pid("Anna")
    assert removed["type"] == p.NOTE_REMOVED and removed["data"]["id"] == note
    assert anna.call(p.SYNC, {})["snapshot"]["notes"] == []


# -- connecting -------------------------------------------------------------------


def _bad_auth(server, case):
    """(workshop id, auth) for one way of connecting without a right to."""
    mine = server.create_workshop("Eigen sessie")
    other = server.create_workshop("Andere sessie")
    return {
        "wrong token": {"workshop": mine["id"], "token": "x" * 43},
        "token of another workshop": {"workshop": mine["id"], "token": other["facilitator_token"]},
        "missing auth": None,
        "missing token": {"workshop": mine["id"]},
        "non-existent workshop": {"workshop": "nope" + mine["id"][4:], "token": mine["facilitator_token"]},
    }[case]


BAD_AUTH = ["wrong token", "token of another workshop", "missing auth", "missing token", "non-existent workshop"]


def _try_connect(server, auth):
    """Connect a raw client; returns (raised exception, connect_error arguments)."""
    received = []
    sio = socketio.Client(reconnection=False)
    sio.on("connect_error", lambda *args: received.append(args))
    snapshots = []
    sio.on("snapshot", snapshots.append)
    try:
        with pytest.raises(socketio.exceptions.ConnectionError) as raised:
            kwargs = {"auth": auth} if auth is not None else {}
            sio.connect(server.url, transports=["websocket"], wait_timeout=10, **kwargs)
    finally:
        sio.disconnect()
    assert snapshots == []
    return raised.value, received


@pytest.mark.parametrize("case", BAD_AUTH)
def test_connecting_without_a_valid_token_is_refused(server, case):
    _error, received = _try_connect(server, _bad_auth(server, case))
    assert len(received) == 1


def test_refused_connection_error_data_carries_code_unauthorized(server):
    wrong = {}
    for case in BAD_AUTH:
        _error, received = _try_connect(server, _bad_auth(server, case))
        (data,) = received[0]
        # Socket.IO carries the error's data under `data` (socket.io-client exposes it as
        # `err.data`; static/js/connection.js reads `err.data.code`).
        if not (
            isinstance(data, dict) and isinstance(data.get("data"), dict) and data["data"].get("code") == "unauthorized"
        ):
            wrong[case] = data
    assert wrong == {}


def test_a_token_that_connected_before_is_refused_once_its_workshop_was_deleted_elsewhere(server, clients):
    workshop = server.create_workshop("Verdwijnt")
    anna = server.join(workshop["id"], "Anna")["token"]
    auth = {"workshop": workshop["id"], "token": anna}
    clients(server.url, workshop["id"], anna).close()  # the server knows this token now
    elsewhere = Store("sqlite:///" + str(server.instance_path / "cocreate.sqlite3"))
    try:
        elsewhere.delete_workshop(workshop["id"])  # as `cocreate purge` does, in its process
    finally:
        elsewhere.close()

    _error, received = _try_connect(server, auth)
    (data,) = received[0]
    assert data["data"] == {"code": "unauthorized"}


# -- idempotent create ----------------------------------------------------------------


def test_repeating_note_add_with_the_same_id_creates_exactly_one_note(server, clients):
    room = Workshop(server, clients, "Anna")
    facilitator, anna = room.connect(), room.connect("Anna")
    payload = {"id": new_id(), "step": 0, "text": "Eén keer", "color": "orange"}

    first = anna.call(p.NOTE_ADD, payload)
    second = anna.call(p.NOTE_ADD, payload)
    assert first["ok"] is True and second["ok"] is True
    assert second["seq"] == first["seq"]

    later = anna.call(p.PARTICIPANT_READY, {"ready": True})
    assert later["seq"] == first["seq"] + 1
    wait_all(later["seq"], facilitator, anna)
    for client in (facilitator, anna):
        added = [e for e in client.events if e["type"] == p.NOTE_ADDED]
        assert [e["data"]["id"] for e in added] == [payload["id"]]
        assert [e["seq"] for e in client.events] == [first["seq"], later["seq"]]
    notes = facilitator.call(p.SYNC, {})["snapshot"]["notes"]
    assert [note["id"] for note in notes] == [payload["id"]]


# -- workshop, ready, joining, presence ------------------------------------------------


def test_workshop_edit_changes_title_and_goal_for_everyone(server, clients):
    room = Workshop(server, clients, "Anna")
    facilitator, anna = room.connect(), room.connect("Anna")

    ack = facilitator.call(p.WORKSHOP_EDIT, {"title": "Teamdag 2025", "goal": "Samen sneller beslissen"})
    assert ack["ok"] is True, ack
    wait_all(ack["seq"], facilitator, anna)
    for client in (facilitator, anna):
        (event,) = [e for e in client.events if e["seq"] == ack["seq"]]
        assert event["type"] == p.WORKSHOP_EDITED
        assert event["data"] == {"title": "Teamdag 2025", "goal": "Samen sneller beslissen"}

    fresh = room.connect("Anna").snapshots[-1]["workshop"]
    assert (fresh["title"], fresh["goal"]) == ("Teamdag 2025", "Samen sneller beslissen")
    assert requests_title(server, room) == "Teamdag 2025"


def requests_title(server, room):
    answer = requests.get(f"{server.url}/api/join/{room.created['join_code']}", timeout=10)
    return answer.json()["title"]


def test_participant_ready_is_broadcast_and_a_step_change_resets_it(server, clients):
    room = Workshop(server, clients, "Anna", "Bram")
    facilitator, anna, bram = room.connect(), room.connect("Anna"), room.connect("Bram")

    first = anna.call(p.PARTICIPANT_READY, {"ready": True})
    second = bram.call(p.PARTICIPANT_READY, {"ready": True})
    assert second["seq"] == first["seq"] + 1
    wait_all(second["seq"], facilitator, anna, bram)
    for client in (facilitator, anna, bram):
        assert [(e["type"], e["data"]) for e in client.events] == [
            (p.PARTICIPANT_READY_CHANGED, {"id": room.pid("Anna"), "ready": True}),
            (p.PARTICIPANT_READY_CHANGED, {"id": room.pid("Bram"), "ready": True}),
        ]
    ready = {person["id"]: person["ready"] for person in facilitator.call(p.SYNC, {})["snapshot"]["participants"]}
    assert ready[room.pid("Anna")] is True and ready[room.pid("Bram")] is True

    step = facilitator.call(p.STEP_GO, {"index": 1})
    assert step["seq"] == second["seq"] + 1
    wait_all(step["seq"], facilitator, anna, bram)
    for snapshot in (facilitator.call(p.SYNC, {})["snapshot"], room.connect("Anna").snapshots[-1]):
        assert [person["ready"] for person in snapshot["participants"]] == [False] * 3

    # after the reset, marking ready again is a change again
    again = anna.call(p.PARTICIPANT_READY, {"ready": True})
    assert again["seq"] == step["seq"] + 1
    bram.wait_for_seq(again["seq"])
    assert bram.events[-1]["data"] == {"id": room.pid("Anna"), "ready": True}


def test_participant_joining_over_http_reaches_connected_clients(server, clients):
    room = Workshop(server, clients, "Anna")
    facilitator, anna = room.connect(), room.connect("Anna")
    base = facilitator.snapshots[-1]["seq"]

    dirk = server.join(room.id, "Dirk")
    wait_all(base + 1, facilitator, anna)
    for client in (facilitator, anna):
        assert client.events == [
            {
                "seq": base + 1,
                "type": p.PARTICIPANT_JOINED,
                "data": {
                    "id": dirk["participant_id"],
                    "name": "Dirk",
                    "role": "participant",
                    "ready": False,
                    "table": None,
                },
            }
        ]


def test_presence_lists_online_participants_and_shrinks_when_one_disconnects(server, clients):
    room = Workshop(server, clients, "Anna", "Bram", "Chris")
    facilitator = room.connect()
    me = facilitator.snapshots[-1]["me"]["id"]
    anna, bram = room.connect("Anna"), room.connect("Bram")
    online = sorted([me, room.pid("Anna"), room.pid("Bram")])

    facilitator.wait_for(lambda: facilitator.presence and sorted(facilitator.presence[-1]["online"]) == online)
    anna.wait_for(lambda: anna.presence and sorted(anna.presence[-1]["online"]) == online)
    assert room.pid("Chris") not in facilitator.presence[-1]["online"]

    bram.close()
    fewer = sorted([me, room.pid("Anna")])
    facilitator.wait_for(lambda: sorted(facilitator.presence[-1]["online"]) == fewer)
    anna.wait_for(lambda: sorted(anna.presence[-1]["online"]) == fewer)
    # presence is not a sequenced change
    assert facilitator.events == [] and anna.events == []


def test_participants_keep_their_order_in_every_snapshot(server, clients):
    """The participant list is the same list in every snapshot of an unchanged workshop,
    also after the server reloads the workshop from the database (a refused command
    makes it do that)."""
    room = Workshop(server, clients, "Anna", "Bram", "Chris", "Dirk", "Eva")
    facilitator, anna = room.connect(), room.connect("Anna")
    first = facilitator.call(p.SYNC, {})["snapshot"]["participants"]
    assert [person["name"] for person in first][1:] == ["Anna", "Bram", "Chris", "Dirk", "Eva"]

    refused = anna.call(p.STEP_GO, {"index": 1})
    assert refused["error"]["code"] == "forbidden"
    again = facilitator.call(p.SYNC, {})["snapshot"]["participants"]
    fresh = room.connect("Bram").snapshots[-1]["participants"]
    assert again == first
    assert fresh == first


# -- conflicts and sync -------------------------------------------------------------


def test_stale_version_in_note_edit_gets_conflict_with_the_current_note(server, clients):
    room = Workshop(server, clients, "Anna")
    facilitator, anna = room.connect(), room.connect("Anna")
    note, _seq = add_note(anna, 0, "Versie een")

    fresh = facilitator.call(p.NOTE_EDIT, {"id": note, "text": "Versie twee", "version": 1})
    assert fresh["ok"] is True, fresh
    stale = anna.call(p.NOTE_EDIT, {"id": note, "text": "Versie drie", "version": 1})
    assert stale["ok"] is False
    assert stale["error"]["code"] == "conflict"
    current = stale["error"]["current"]
    assert current["id"] == note
    assert current["text"] == "Versie twee" and current["version"] == 2

    # nothing was changed or broadcast by the refused edit
    later = anna.call(p.NOTE_EDIT, {"id": note, "text": "Versie drie", "version": 2})
    assert (later["ok"], later["seq"]) == (True, fresh["seq"] + 1), later
    facilitator.wait_for_seq(later["seq"])
    assert [e["data"]["text"] for e in facilitator.events if e["type"] == p.NOTE_EDITED] == [
        "Versie twee",
        "Versie drie",
    ]


def test_sync_returns_the_same_snapshot_as_a_fresh_connection(server, clients):
    room = Workshop(server, clients, "Anna", "Bram")
    facilitator, anna = room.connect(), room.connect("Anna")
    add_note(anna, 0, "Eerste")
    removed, _ = add_note(anna, 0, "Weg ermee")
    anna.call(p.NOTE_REMOVE, {"id": removed})
    facilitator.call(p.STEP_GO, {"index": 3})
    add_note(anna, 3, "Open gesprekken", lane="dialogue", x=0.5, y=0.5)
    add_note(facilitator, 3, "Terugblik", lane="reflection")

    for token_owner, client in (("Anna", anna), ("facilitator", facilitator)):
        ack = client.call(p.SYNC, {})
        assert ack["ok"] is True
        assert ack["seq"] == ack["snapshot"]["seq"]
        fresh = room.connect(token_owner).snapshots[-1]
        assert without_me(ack["snapshot"]) == without_me(fresh)
        assert ack["snapshot"]["me"] == fresh["me"]
    assert len(without_me(fresh)["notes"]) == 3


# -- anonymity ----------------------------------------------------------------------


def test_anonymous_note_never_reveals_its_author_but_the_author_keeps_control(server, clients):
    room = Workshop(server, clients, "Zebedeus", "Bram")
    facilitator = room.connect()
    author, bram = room.connect("Zebedeus"), room.connect("Bram")
    secret = (room.pid("Zebedeus"), "Zebedeus")

    def assert_no_secret(message):
        text = json.dumps(message)
        assert secret[0] not in text and secret[1] not in text, message

    step = facilitator.call(p.STEP_GO, {"index": FRICTION})
    assert step["ok"] is True
    assert facilitator.snapshots[-1]["steps"][FRICTION]["anonymity"] == "allowed"

    note = new_id()
    added = author.call(p.NOTE_ADD, {"id": note, "step": FRICTION, "anonymous": True, "text": "Wij vergaderen te veel"})
    assert added["ok"] is True, added
    edited = author.call(p.NOTE_EDIT, {"id": note, "text": "Wij vergaderen veel te veel", "color": "purple"})
    assert edited["ok"] is True, edited
    wait_all(edited["seq"], facilitator, author, bram)

    # the author sees the note as theirs, in full, in a fresh snapshot
    own = snapshot_note(room.connect("Zebedeus").snapshots[-1], note)
    assert own["mine"] is True and own["text"] == "Wij vergaderen veel te veel"
    assert own["anonymous"] is True and own["author"] is None

    # the facilitator shows the step's notes (a no-op when the step is not private)
    revealed = facilitator.call("notes:reveal", {"step": FRICTION})
    assert revealed["ok"] is True, revealed
    last = revealed["seq"]
    wait_all(last, facilitator, author, bram)

    for client in (facilitator, bram):
        assert client.events, "the other viewers were told about the note"
        for event in client.events:
            assert_no_secret(event)

    snapshots = {
        "facilitator": room.connect().snapshots[-1],
        "Bram": room.connect("Bram").snapshots[-1],
        "Zebedeus": room.connect("Zebedeus").snapshots[-1],
    }
    for who, snapshot in snapshots.items():
        seen = snapshot_note(snapshot, note)
        assert seen["author"] is None and seen["author_name"] is None
        assert seen["anonymous"] is True
        assert seen["text"] == "Wij vergaderen veel te veel"
        assert seen["mine"] is (who == "Zebedeus")
        if who != "Zebedeus":
            assert_no_secret(seen)
    synced = facilitator.call(p.SYNC, {})["snapshot"]
    assert_no_secret(snapshot_note(synced, note))

    # the author can still edit and remove it; others still learn nothing of who
    again = author.call(p.NOTE_EDIT, {"id": note, "text": "Minder vergaderen"})
    assert again["ok"] is True, again
    removed = author.call(p.NOTE_REMOVE, {"id": note})
    assert (removed["ok"], removed["seq"]) == (True, again["seq"] + 1), removed
    wait_all(removed["seq"], facilitator, bram)
    for client in (facilitator, bram):
        changes = [e for e in client.events if e["seq"] in (again["seq"], removed["seq"])]
        assert [e["type"] for e in changes] == [p.NOTE_EDITED, p.NOTE_REMOVED]
        assert changes[0]["data"]["text"] == "Minder vergaderen"
        for event in changes:
            assert_no_secret(event)
    assert all(n["id"] != note for n in facilitator.call(p.SYNC, {})["snapshot"]["notes"])
