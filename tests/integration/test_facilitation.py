"""Facilitation over the live server: private writing and reveal, anonymity, the timer,
ready marks, the lock, grouping, step editing, formats and the co-facilitator link.

Privacy is checked the blunt way: every message a client received (events including
`own` copies, snapshots, `sync` acks, a fresh connection's snapshot) is serialised with
`json.dumps` and searched for the text, id or name that must not be in it.
"""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from cocreate import domain
from cocreate import protocol as p

from support import (
    BRAND,
    FRICTION,
    GOALS,
    LANES,
    PLATFORM,
    Workshop,
    add_note,
    new_id,
    ok,
    refused,
    snapshot_note,
    wait_all,
)
from workshops import domain_workshop

FORMATS = Path(__file__).resolve().parents[2] / "cocreate" / "formats"


def event_at(client, seq):
    """The public event with this seq (exactly one, or the test fails)."""
    found = [e for e in client.events if e["seq"] == seq and not e.get("own")]
    assert len(found) == 1, (seq, client.events)
    return found[0]


def messages_text(client, extra=()):
    """Every message a client received, each serialised to JSON."""
    return [json.dumps(m) for m in [*client.events, *client.snapshots, *extra]]


def leaks(client, needle, extra=()):
    """The messages of `client` (plus `extra` payloads) that contain `needle`."""
    return [m for m in messages_text(client, extra) if needle in m]


def fresh_snapshot(room, who="facilitator"):
    """The snapshot a new connection with this token gets right now."""
    return room.connect(who).snapshots[0]


# -- 1. private writing and reveal ------------------------------------------------------


def test_private_step_notes_reach_only_their_author_until_the_facilitator_reveals_them(server, clients):
    room = Workshop(server, clients, "Anouk", "Bas", "Cor")
    facilitator = room.connect()
    projector = room.connect()  # a second screen with the facilitator's token
    anouk, bas, cor = room.connect("Anouk"), room.connect("Bas"), room.connect("Cor")
    everyone = (facilitator, projector, anouk, bas, cor)
    wait_all(ok(facilitator.call(p.STEP_GO, {"index": FRICTION}))["seq"], *everyone)

    secret_a = "GEHEIM-ANOUK-de-directie-luistert-niet-7f3a"
    secret_a2 = "GEHEIM-ANOUK-TWEE-niemand-durft-het-te-zeggen-91c2"
    secret_b = "GEHEIM-BAS-anoniem-de-planning-is-fictie-c0de"
    a_id, a_seq = add_note(anouk, FRICTION, secret_a)
    b_id, b_seq = add_note(bas, FRICTION, secret_b, anonymous=True)
    a2_id, a2_seq = add_note(anouk, FRICTION, secret_a2)
    wait_all(a2_seq, *everyone)

    # The public note.added is reduced to id and step, with the step's counts so far.
    assert event_at(cor, a_seq) == {
        "seq": a_seq,
        "type": p.NOTE_ADDED,
        "data": {"id": a_id, "step": FRICTION, "hidden": True, "counts": {"notes": 1, "authors": 1}},
    }
    assert event_at(cor, b_seq)["data"] == {
        "id": b_id,
        "step": FRICTION,
        "hidden": True,
        "counts": {"notes": 2, "authors": 2},
    }
    assert event_at(facilitator, a2_seq)["data"] == {
        "id": a2_id,
        "step": FRICTION,
        "hidden": True,
        "counts": {"notes": 3, "authors": 2},
    }
    for client in everyone:
        assert event_at(client, a_seq) == event_at(cor, a_seq)

    # Anouk's own copies: same seq, the whole note, marked as hers.
    own = [e for e in anouk.events if e.get("own")]
    assert [e["seq"] for e in own] == [a_seq, a2_seq]
    assert own[0]["type"] == p.NOTE_ADDED
    assert own[0]["data"]["text"] == secret_a and own[0]["data"]["mine"] is True
    assert own[0]["data"]["author"] == room.pid("Anouk")
    assert own[1]["data"]["text"] == secret_a2
    assert [e for e in bas.events if e.get("own")][0]["data"]["text"] == secret_b
    for client in (facilitator, projector, cor):
        assert not [e for e in client.events if e.get("own")]

    # Anouk edits her private note: the new text travels only to her as well.
    secret_a3 = "GEHEIM-ANOUK-BEWERKT-de-baas-beslist-alles-alleen-5e6f"
    edit_seq = ok(anouk.call(p.NOTE_EDIT, {"id": a_id, "text": secret_a3}))["seq"]
    wait_all(edit_seq, *everyone)
    assert event_at(bas, edit_seq)["data"] == {
        "id": a_id,
        "step": FRICTION,
        "hidden": True,
        "counts": {"notes": 3, "authors": 2},
    }
    assert [e for e in anouk.events if e.get("own")][-1]["data"]["text"] == secret_a3

    syncs = {client: ok(client.call(p.SYNC, {})) for client in everyone}
    late = {who: fresh_snapshot(room, who) for who in ("facilitator", "Bas", "Cor", "Anouk")}

    for client, who in ((facilitator, "facilitator"), (projector, "facilitator"), (bas, "Bas"), (cor, "Cor")):
        extra = [syncs[client], late[who]]
        for secret in (secret_a, secret_a2, secret_a3):
            assert leaks(client, secret, extra) == [], f"{who} saw Anouk's private text"
        snap = syncs[client]["snapshot"]
        assert snapshot_note(snap, a_id) == {"id": a_id, "step": FRICTION, "hidden": True}
        assert snapshot_note(late[who], a2_id) == {"id": a2_id, "step": FRICTION, "hidden": True}
        assert snap["steps"][FRICTION]["counts"] == {"notes": 3, "authors": 2}
    for client, who in ((facilitator, "facilitator"), (projector, "facilitator"), (anouk, "Anouk"), (cor, "Cor")):
        assert leaks(client, secret_b, [syncs[client], late[who]]) == [], f"{who} saw Bas's text"

    # Anouk's own snapshot (after a reconnect) still has her full notes.
    mine = snapshot_note(late["Anouk"], a_id)
    assert mine["text"] == secret_a3 and mine["mine"] is True and mine["version"] == 2
    assert snapshot_note(late["Anouk"], b_id) == {"id": b_id, "step": FRICTION, "hidden": True}

    reveal_seq = ok(facilitator.call(p.NOTES_REVEAL, {"step": FRICTION}))["seq"]
    wait_all(reveal_seq, *everyone)
    texts = {a_id: secret_a3, b_id: secret_b, a2_id: secret_a2}
    for client in everyone:
        revealed = event_at(client, reveal_seq)
        assert revealed["type"] == p.NOTES_REVEALED
        assert revealed["data"]["step"] == FRICTION
        assert {n["id"]: n["text"] for n in revealed["data"]["notes"]} == texts
    after = fresh_snapshot(room, "Cor")
    assert {n["id"]: n.get("text") for n in after["notes"]} == texts
    assert after["steps"][FRICTION]["revealed"] is True
    assert "counts" not in after["steps"][FRICTION]
    # Revealing twice changes nothing and broadcasts nothing.
    assert ok(facilitator.call(p.NOTES_REVEAL, {"step": FRICTION}))["seq"] == reveal_seq


def test_notes_added_after_the_reveal_are_public_at_once(server, clients):
    room = Workshop(server, clients, "Anouk", "Bas")
    facilitator, anouk, bas = room.connect(), room.connect("Anouk"), room.connect("Bas")
    _, private_seq = add_note(anouk, FRICTION, "Vooraf geschreven")
    ok(facilitator.call(p.NOTES_REVEAL, {"step": FRICTION}))
    _, seq = add_note(anouk, FRICTION, "Na het tonen geschreven")
    wait_all(seq, facilitator, bas, anouk)
    assert event_at(bas, seq)["data"]["text"] == "Na het tonen geschreven"
    assert event_at(bas, seq)["data"]["author"] == room.pid("Anouk")
    # Only the note written while the step was private came with an own copy.
    assert [e["seq"] for e in anouk.events if e.get("own")] == [private_seq]


def test_opening_a_private_step_by_step_edit_delivers_its_notes_to_connected_viewers(server, clients):
    room = Workshop(server, clients, "Anouk", "Bas")
    facilitator, anouk, bas = room.connect(), room.connect("Anouk"), room.connect("Bas")
    secret = "Tekst-die-zichtbaar-hoort-te-worden-4b1d"
    note_id, _ = add_note(anouk, FRICTION, secret)
    edit_seq = ok(facilitator.call(p.STEP_EDIT, {"index": FRICTION, "reveal": "open"}))["seq"]
    wait_all(edit_seq, facilitator, bas)
    assert secret not in json.dumps([e for e in bas.events if e["seq"] < edit_seq])

    # A viewer connecting now sees the text: the step is open...
    assert snapshot_note(fresh_snapshot(room, "Bas"), note_id)["text"] == secret
    # ...so a viewer who was already connected must learn it from the events too;
    # otherwise its board shows an empty sticky until the page is reloaded.
    assert any(secret in json.dumps(e) for e in bas.events if e["seq"] >= edit_seq), [
        e for e in bas.events if e["seq"] >= edit_seq
    ]


# -- 2. anonymity -------------------------------------------------------------------------


def test_anonymous_note_never_names_its_author_to_anyone_else_before_or_after_reveal(server, clients):
    name = "Zwaluwstaart-Annemieke"
    room = Workshop(server, clients, name, "Bas")
    facilitator, author, bas = room.connect(), room.connect(name), room.connect("Bas")
    author_id = room.pid(name)
    note_id, added = add_note(author, FRICTION, "De overleggen duren te lang", anonymous=True)
    own = [e for e in author.events if e.get("own")][0]["data"]
    assert own["anonymous"] is True and own["author"] is None and own["mine"] is True

    reveal_seq = ok(facilitator.call(p.NOTES_REVEAL, {"step": FRICTION}))["seq"]
    edit_seq = ok(author.call(p.NOTE_EDIT, {"id": note_id, "text": "Overleggen: korter!"}))["seq"]
    wait_all(edit_seq, facilitator, bas)
    revealed = event_at(bas, reveal_seq)["data"]["notes"][0]
    assert revealed["anonymous"] is True
    assert revealed["author"] is None and revealed["author_name"] is None
    edited = event_at(facilitator, edit_seq)["data"]
    assert edited["text"] == "Overleggen: korter!" and edited["author"] is None

    for client, who in ((facilitator, "facilitator"), (bas, "Bas")):
        extra = [ok(client.call(p.SYNC, {}))["snapshot"], fresh_snapshot(room, who)]
        # Who joined is public; which note is theirs is not. Leave out the room's roster.
        about_notes = [e for e in client.events if e["type"] != p.PARTICIPANT_JOINED]
        snapshots = [
            {k: v for k, v in s.items() if k not in ("participants", "me")} for s in [*client.snapshots, *extra]
        ]
        for payload in [*about_notes, *snapshots]:
            text = json.dumps(payload)
            assert author_id not in text, (who, payload)
            assert name not in text, (who, payload)
        assert snapshot_note(extra[1], note_id)["mine"] is False


def test_anonymous_flag_is_refused_on_a_step_where_anonymity_is_off(server, clients):
    room = Workshop(server, clients, "Anouk")
    anouk = room.connect("Anouk")
    error = refused(
        anouk.call(p.NOTE_ADD, {"id": new_id(), "step": GOALS, "text": "Stiekem", "anonymous": True}), "invalid"
    )
    assert "anonymous" in error["fields"]
    assert [n for n in ok(anouk.call(p.SYNC, {}))["snapshot"]["notes"]] == []


def test_required_anonymity_makes_every_note_anonymous_and_the_author_keeps_control(server, clients):
    room = Workshop(server, clients, "Anouk", "Bas")
    facilitator, anouk, bas = room.connect(), room.connect("Anouk"), room.connect("Bas")
    edit_seq = ok(facilitator.call(p.STEP_EDIT, {"index": GOALS, "anonymity": "required"}))["seq"]
    anouk.wait_for_seq(edit_seq)
    assert event_at(anouk, edit_seq)["data"]["anonymity"] == "required"

    note_id, seq = add_note(anouk, GOALS, "Zonder vinkje geschreven")
    wait_all(seq, bas, facilitator)
    added = event_at(bas, seq)["data"]
    assert added["anonymous"] is True and added["author"] is None
    assert room.pid("Anouk") not in json.dumps(added)

    refused(bas.call(p.NOTE_EDIT, {"id": note_id, "text": "Overgenomen"}), "forbidden")
    edit_seq = ok(anouk.call(p.NOTE_EDIT, {"id": note_id, "text": "Toch iets anders"}))["seq"]
    remove_seq = ok(anouk.call(p.NOTE_REMOVE, {"id": note_id}))["seq"]
    bas.wait_for_seq(remove_seq)
    assert event_at(bas, edit_seq)["data"]["text"] == "Toch iets anders"
    assert event_at(bas, remove_seq)["data"] == {"id": note_id, "step": GOALS}
    assert fresh_snapshot(room, "Bas")["notes"] == []


# -- 3. timer -------------------------------------------------------------------------------


def test_timer_end_time_is_the_same_for_every_screen_and_survives_a_reconnect(server, clients):
    room = Workshop(server, clients, "Anouk", "Bas")
    facilitator, anouk, bas = room.connect(), room.connect("Anouk"), room.connect("Bas")
    seq = ok(facilitator.call(p.TIMER_START, {"seconds": 120}))["seq"]
    wait_all(seq, anouk, bas)
    first, second = event_at(anouk, seq), event_at(bas, seq)
    assert first["type"] == second["type"] == p.TIMER_CHANGED
    timer = first["data"]["timer"]
    assert timer == second["data"]["timer"]
    assert timer["seconds"] == 120 and timer["lock_at_end"] is False
    assert datetime.fromisoformat(timer["ends_at"]) - datetime.fromisoformat(timer["started_at"]) == timedelta(
        seconds=120
    )
    server_time = datetime.fromisoformat(first["data"]["server_time"])
    assert server_time.tzinfo is not None
    assert abs(datetime.fromisoformat(timer["ends_at"]) - server_time - timedelta(seconds=120)) <= timedelta(seconds=1)

    anouk.close()
    again = room.connect("Anouk").snapshots[0]
    assert again["workshop"]["timer"]["ends_at"] == timer["ends_at"]
    assert datetime.fromisoformat(again["server_time"]).tzinfo is not None

    stop_seq = ok(facilitator.call(p.TIMER_STOP, {}))["seq"]
    bas.wait_for_seq(stop_seq)
    assert event_at(bas, stop_seq)["data"]["timer"] is None
    assert "server_time" in event_at(bas, stop_seq)["data"]
    assert fresh_snapshot(room, "Bas")["workshop"]["timer"] is None
    # Stopping a timer that is not running changes nothing.
    assert ok(facilitator.call(p.TIMER_STOP, {}))["seq"] == stop_seq


def test_moving_to_another_step_ends_the_timer_and_its_writing_lock(server, clients):
    room = Workshop(server, clients, "Anouk")
    facilitator, anouk = room.connect(), room.connect("Anouk")
    ok(facilitator.call(p.TIMER_START, {"seconds": 5, "lock_at_end": True}))
    # Going to the step the room is on already is no move: the countdown stays.
    same = ok(facilitator.call(p.STEP_GO, {"index": GOALS}))["seq"]
    anouk.wait_for_seq(same)
    assert room.connect("Anouk").snapshots[0]["workshop"]["timer"] is not None
    seq = ok(facilitator.call(p.STEP_GO, {"index": BRAND}))["seq"]
    anouk.wait_for_seq(seq)
    changed, ended = event_at(anouk, seq - 1), event_at(anouk, seq)
    assert (changed["type"], changed["data"]["index"]) == (p.STEP_CHANGED, BRAND)
    assert ended["type"] == p.TIMER_CHANGED and ended["data"]["timer"] is None
    assert room.connect("Anouk").snapshots[0]["workshop"]["timer"] is None
    add_note(anouk, BRAND, "Geen klok die de volgende stap sluit")


@pytest.mark.parametrize("seconds", [4, 14401, 60.5, "60"])
def test_timer_length_outside_5_seconds_to_4_hours_is_invalid(server, clients, seconds):
    room = Workshop(server, clients)
    facilitator = room.connect()
    error = refused(facilitator.call(p.TIMER_START, {"seconds": seconds}), "invalid")
    assert "seconds" in error["fields"]


def test_timer_with_lock_at_end_is_announced_and_writing_stays_open_while_it_runs(server, clients):
    room = Workshop(server, clients, "Anouk")
    facilitator, anouk = room.connect(), room.connect("Anouk")
    seq = ok(facilitator.call(p.TIMER_START, {"seconds": 600, "lock_at_end": True}))["seq"]
    anouk.wait_for_seq(seq)
    assert event_at(anouk, seq)["data"]["timer"]["lock_at_end"] is True
    add_note(anouk, GOALS, "Nog ruim op tijd")


def _domain_room(now):
    return domain_workshop({"anouk": "Anouk"}, now=now)


def _note(step=GOALS, text="Na de tijd"):
    return {"id": new_id(), "step": step, "text": text}


def test_lock_at_end_closes_writing_for_participants_once_the_time_is_up_not_before():
    start = datetime(2026, 11, 22, 9, 0, 0, tzinfo=timezone.utc)

    def at(seconds):
        return (start + timedelta(seconds=seconds)).isoformat(timespec="seconds")

    workshop = _domain_room(at(0))
    domain.apply(workshop, "fac", p.TIMER_START, {"seconds": 5, "lock_at_end": True}, at(0))
    assert workshop.timer["ends_at"] == at(5)

    domain.apply(workshop, "anouk", p.NOTE_ADD, _note(text="Net op tijd"), at(4))
    with pytest.raises(domain.DomainError) as refused_at_end:
        domain.apply(workshop, "anouk", p.NOTE_ADD, _note(), at(5))
    assert refused_at_end.value.code == "locked"
    with pytest.raises(domain.DomainError) as refused_later:
        domain.apply(workshop, "anouk", p.NOTE_ADD, _note(), at(3600))
    assert refused_later.value.code == "locked"
    seq_before = workshop.seq
    events = domain.apply(workshop, "fac", p.NOTE_ADD, _note(text="Begeleider mag"), at(60))
    assert [e.type for e in events] == [p.NOTE_ADDED] and workshop.seq == seq_before + 1

    domain.apply(workshop, "fac", p.TIMER_STOP, {}, at(61))
    domain.apply(workshop, "anouk", p.NOTE_ADD, _note(text="Weer open"), at(62))
    assert len(workshop.live_notes(GOALS)) == 3


def test_timer_without_lock_at_end_leaves_writing_open_after_the_time_is_up():
    now = "2026-11-22T09:00:00+00:00"
    workshop = _domain_room(now)
    domain.apply(workshop, "fac", p.TIMER_START, {"seconds": 5}, now)
    events = domain.apply(workshop, "anouk", p.NOTE_ADD, _note(), "2026-11-22T10:00:00+00:00")
    assert [e.type for e in events] == [p.NOTE_ADDED]


# -- 4. what participants may not do ------------------------------------------------------


def test_participants_cannot_drive_facilitation_and_refusals_broadcast_nothing(server, clients):
    room = Workshop(server, clients, "Anouk", "Bas")
    facilitator, anouk, bas = room.connect(), room.connect("Anouk"), room.connect("Bas")
    first, _ = add_note(anouk, GOALS, "Eerste")
    second, _ = add_note(bas, GOALS, "Tweede")
    cluster_id = new_id()
    seq = ok(facilitator.call(p.NOTE_GROUP, {"id": cluster_id, "ids": [first, second], "title": "Samen"}))["seq"]
    seq = ok(facilitator.call(p.TIMER_START, {"seconds": 300}))["seq"]
    wait_all(seq, facilitator, anouk, bas)

    attempts = [
        (p.NOTES_REVEAL, {"step": FRICTION}),
        (p.STEP_EDIT, {"index": GOALS, "title": "Overgenomen"}),
        (p.STEP_EDIT, {"index": FRICTION, "reveal": "open"}),
        (p.TIMER_START, {"seconds": 60}),
        (p.TIMER_STOP, {}),
        (p.NOTE_GROUP, {"ids": [first, second], "title": "Van mij"}),
        (p.NOTE_UNGROUP, {"id": cluster_id}),
        (p.STEP_GO, {"index": BRAND}),
        (p.WORKSHOP_LOCK, {"locked": True}),
    ]
    for command, payload in attempts:
        refused(anouk.call(command, payload), "forbidden")

    ready_seq = ok(anouk.call(p.PARTICIPANT_READY, {"ready": True}))["seq"]
    assert ready_seq == seq + 1
    wait_all(ready_seq, facilitator, bas)
    for client in (facilitator, anouk, bas):
        assert [e["type"] for e in client.events if e["seq"] > seq] == [p.PARTICIPANT_READY_CHANGED]
    snap = fresh_snapshot(room, "Bas")
    assert snap["steps"][GOALS]["title"] == "Doelen stellen"
    assert snap["steps"][FRICTION]["reveal"] == "private"
    assert snap["workshop"]["timer"]["seconds"] == 300
    assert snap["clusters"] == [{"id": cluster_id, "step": GOALS, "title": "Samen"}]


# -- 5. ready -------------------------------------------------------------------------------


def test_ready_mark_is_broadcast_and_every_mark_resets_when_the_step_changes(server, clients):
    room = Workshop(server, clients, "Anouk", "Bas")
    facilitator, anouk, bas = room.connect(), room.connect("Anouk"), room.connect("Bas")
    seq = ok(anouk.call(p.PARTICIPANT_READY, {"ready": True}))["seq"]
    seq2 = ok(bas.call(p.PARTICIPANT_READY, {"ready": True}))["seq"]
    wait_all(seq2, facilitator, anouk, bas)
    assert event_at(facilitator, seq) == {
        "seq": seq,
        "type": p.PARTICIPANT_READY_CHANGED,
        "data": {"id": room.pid("Anouk"), "ready": True},
    }
    # Saying it again changes nothing.
    assert ok(anouk.call(p.PARTICIPANT_READY, {"ready": True}))["seq"] == seq2
    before = {person["id"]: person["ready"] for person in fresh_snapshot(room)["participants"]}
    assert before[room.pid("Anouk")] is True and before[room.pid("Bas")] is True

    go_seq = ok(facilitator.call(p.STEP_GO, {"index": BRAND}))["seq"]
    assert go_seq == seq2 + 1
    wait_all(go_seq, anouk, bas)
    assert event_at(bas, go_seq)["data"]["index"] == BRAND
    after = fresh_snapshot(room, "Anouk")
    assert [person["ready"] for person in after["participants"]] == [False, False, False]
    assert after["me"]["ready"] is False and after["workshop"]["current_step"] == BRAND
    # And a fresh mark on the new step counts again.
    assert ok(anouk.call(p.PARTICIPANT_READY, {"ready": True}))["seq"] == go_seq + 1


# -- 6. lock --------------------------------------------------------------------------------


def test_locked_board_refuses_participants_note_commands_but_not_the_facilitators(server, clients):
    room = Workshop(server, clients, "Anouk", "Bas")
    facilitator, anouk, bas = room.connect(), room.connect("Anouk"), room.connect("Bas")
    mine, _ = add_note(anouk, GOALS, "Van voor het slot")
    lock_seq = ok(facilitator.call(p.WORKSHOP_LOCK, {"locked": True}))["seq"]
    wait_all(lock_seq, anouk, bas)
    assert event_at(anouk, lock_seq)["data"] == {"locked": True}
    assert fresh_snapshot(room, "Bas")["workshop"]["locked"] is True

    refused(anouk.call(p.NOTE_ADD, {"id": new_id(), "step": GOALS, "text": "Te laat"}), "locked")
    refused(anouk.call(p.NOTE_EDIT, {"id": mine, "text": "Gewijzigd"}), "locked")
    refused(anouk.call(p.NOTE_MOVE, {"id": mine, "x": 0.5, "y": 0.5}), "locked")
    refused(anouk.call(p.NOTE_REMOVE, {"id": mine}), "locked")
    refused(bas.call(p.NOTE_MOVE, {"id": mine, "x": 0.1, "y": 0.1}), "locked")
    _, fac_seq = add_note(facilitator, GOALS, "De begeleider mag wel")
    assert fac_seq == lock_seq + 1
    fac_edit = ok(facilitator.call(p.NOTE_EDIT, {"id": mine, "text": "Door begeleider"}))["seq"]
    assert fac_edit == fac_seq + 1

    unlock_seq = ok(facilitator.call(p.WORKSHOP_LOCK, {"locked": False}))["seq"]
    assert unlock_seq == fac_edit + 1
    note_id, seq = add_note(anouk, GOALS, "Weer open")
    bas.wait_for_seq(seq)
    assert event_at(bas, unlock_seq)["data"] == {"locked": False}
    assert event_at(bas, seq)["data"]["text"] == "Weer open"
    texts = [n["text"] for n in fresh_snapshot(room, "Bas")["notes"]]
    assert texts == ["Door begeleider", "De begeleider mag wel", "Weer open"]


# -- 7. grouping ----------------------------------------------------------------------------


def test_grouping_notes_reaches_everyone_and_ungrouping_dissolves_the_cluster(server, clients):
    room = Workshop(server, clients, "Anouk", "Bas")
    facilitator, anouk, bas = room.connect(), room.connect("Anouk"), room.connect("Bas")
    first, _ = add_note(anouk, GOALS, "Klanten sneller helpen")
    second, _ = add_note(bas, GOALS, "Klanten beter informeren")
    loose, _ = add_note(bas, GOALS, "Minder vergaderen")
    cluster_id = new_id()
    seq = ok(facilitator.call(p.NOTE_GROUP, {"id": cluster_id, "ids": [first, second], "title": "  Klantcontact  "}))[
        "seq"
    ]
    wait_all(seq, facilitator, anouk, bas)
    for client in (facilitator, anouk, bas):
        assert event_at(client, seq) == {
            "seq": seq,
            "type": p.NOTES_GROUPED,
            "data": {
                "id": cluster_id,
                "step": GOALS,
                "title": "Klantcontact",
                "note_ids": [first, second],
                "dissolved": [],
            },
        }
    snap = fresh_snapshot(room, "Anouk")
    assert snap["clusters"] == [{"id": cluster_id, "step": GOALS, "title": "Klantcontact"}]
    assert {n["id"]: n["group"] for n in snap["notes"]} == {first: cluster_id, second: cluster_id, loose: None}

    ungroup_seq = ok(facilitator.call(p.NOTE_UNGROUP, {"id": cluster_id}))["seq"]
    wait_all(ungroup_seq, anouk, bas)
    ungrouped = event_at(bas, ungroup_seq)
    assert ungrouped["type"] == p.NOTES_UNGROUPED
    assert ungrouped["data"]["id"] == cluster_id and ungrouped["data"]["step"] == GOALS
    assert sorted(ungrouped["data"]["note_ids"]) == sorted([first, second])
    snap = fresh_snapshot(room, "Bas")
    assert snap["clusters"] == []
    assert [n["group"] for n in snap["notes"]] == [None, None, None]
    assert len(snap["notes"]) == 3  # ungrouping never removes notes
    refused(facilitator.call(p.NOTE_UNGROUP, {"id": cluster_id}), "not_found")


def test_regrouping_a_clusters_notes_elsewhere_dissolves_the_emptied_cluster(server, clients):
    room = Workshop(server, clients, "Anouk")
    facilitator, anouk = room.connect(), room.connect("Anouk")
    first, _ = add_note(anouk, GOALS, "Een")
    second, _ = add_note(anouk, GOALS, "Twee")
    old, new = new_id(), new_id()
    ok(facilitator.call(p.NOTE_GROUP, {"id": old, "ids": [first, second], "title": "Oud"}))
    seq = ok(facilitator.call(p.NOTE_GROUP, {"id": new, "ids": [first, second], "title": "Nieuw"}))["seq"]
    anouk.wait_for_seq(seq)
    assert event_at(anouk, seq)["data"]["dissolved"] == [old]
    assert fresh_snapshot(room)["clusters"] == [{"id": new, "step": GOALS, "title": "Nieuw"}]


def test_grouping_across_steps_or_on_a_private_step_is_invalid(server, clients):
    room = Workshop(server, clients, "Anouk")
    facilitator, anouk = room.connect(), room.connect("Anouk")
    goal, _ = add_note(anouk, GOALS, "Doel")
    brand, _ = add_note(anouk, BRAND, "Kracht")
    secret_one, _ = add_note(anouk, FRICTION, "Frictie een")
    secret_two, seq = add_note(anouk, FRICTION, "Frictie twee")

    error = refused(facilitator.call(p.NOTE_GROUP, {"ids": [goal, brand]}), "invalid")
    assert "ids" in error["fields"]
    error = refused(facilitator.call(p.NOTE_GROUP, {"ids": [secret_one, secret_two]}), "invalid")
    assert "ids" in error["fields"]
    refused(facilitator.call(p.NOTE_GROUP, {"ids": [goal, new_id()]}), "not_found")
    assert fresh_snapshot(room)["clusters"] == []
    assert ok(facilitator.call(p.SYNC, {}))["seq"] == seq  # nothing was broadcast

    ok(facilitator.call(p.NOTES_REVEAL, {"step": FRICTION}))
    grouped = ok(facilitator.call(p.NOTE_GROUP, {"ids": [secret_one, secret_two], "title": "Na het tonen"}))
    anouk.wait_for_seq(grouped["seq"])
    assert event_at(anouk, grouped["seq"])["data"]["note_ids"] == [secret_one, secret_two]


def test_cluster_survives_a_server_crash(fresh_server, clients):
    room = Workshop(fresh_server, clients, "Anouk")
    facilitator, anouk = room.connect(), room.connect("Anouk")
    first, _ = add_note(anouk, GOALS, "Een")
    second, _ = add_note(anouk, GOALS, "Twee")
    cluster_id = new_id()
    ok(facilitator.call(p.NOTE_GROUP, {"id": cluster_id, "ids": [first, second], "title": "Bewaard"}))
    fresh_server.kill()
    fresh_server.start()
    snap = fresh_snapshot(room, "Anouk")
    assert snap["clusters"] == [{"id": cluster_id, "step": GOALS, "title": "Bewaard"}]
    assert [n["group"] for n in snap["notes"]] == [cluster_id, cluster_id]
    assert "Traceback" not in fresh_server.log()


def test_cluster_dissolved_by_grouping_on_another_step_stays_gone_after_a_restart(fresh_server, clients):
    room = Workshop(fresh_server, clients, "Anouk")
    facilitator, anouk = room.connect(), room.connect("Anouk")
    first, _ = add_note(anouk, GOALS, "Een")
    old = new_id()
    ok(facilitator.call(p.NOTE_GROUP, {"id": old, "ids": [first], "title": "Wordt leeg"}))
    ok(facilitator.call(p.NOTE_REMOVE, {"id": first}))
    other, _ = add_note(anouk, BRAND, "Kracht")
    new = new_id()
    seq = ok(facilitator.call(p.NOTE_GROUP, {"id": new, "ids": [other], "title": "Blijft"}))["seq"]
    anouk.wait_for_seq(seq)
    assert event_at(anouk, seq)["data"]["dissolved"] == [old]
    before = fresh_snapshot(room)["clusters"]
    assert before == [{"id": new, "step": BRAND, "title": "Blijft"}]

    fresh_server.kill()
    fresh_server.start()
    # Every acknowledged change survives a crash, the dissolution included.
    assert fresh_snapshot(room)["clusters"] == before


# -- 8. editing a step ----------------------------------------------------------------------


def test_step_edit_reaches_everyone_and_notes_of_a_removed_lane_move_to_the_first_lane(server, clients):
    room = Workshop(server, clients, "Anouk", "Bas")
    facilitator, anouk, bas = room.connect(), room.connect("Anouk"), room.connect("Bas")
    in_lane = {lane: add_note(anouk, PLATFORM, f"In {lane}", lane=lane)[0] for lane in LANES}
    lanes = [
        {"key": "dialogue", "title": "Gesprek"},
        {"key": "transparency", "title": "Open boek"},
        {"key": "ideas-2", "title": "Ideeën"},
    ]
    seq = ok(
        facilitator.call(
            p.STEP_EDIT,
            {"index": PLATFORM, "title": "Ons platform", "prompt": "Wat maakt betrokkenheid?", "lanes": lanes},
        )
    )["seq"]
    wait_all(seq, facilitator, anouk, bas)
    for client in (facilitator, anouk, bas):
        edited = event_at(client, seq - 2)
        assert edited["type"] == p.STEP_EDITED
        assert edited["data"]["index"] == PLATFORM
        assert edited["data"]["title"] == "Ons platform"
        assert edited["data"]["prompt"] == "Wat maakt betrokkenheid?"
        assert edited["data"]["lanes"] == lanes
        moved = [event_at(client, s) for s in (seq - 1, seq)]
        assert [e["type"] for e in moved] == [p.NOTE_EDITED, p.NOTE_EDITED]
        assert {e["data"]["id"]: (e["data"]["lane"], e["data"]["version"]) for e in moved} == {
            in_lane["accessibility"]: ("dialogue", 2),
            in_lane["reflection"]: ("dialogue", 2),
        }

    snap = fresh_snapshot(room, "Bas")
    assert snap["steps"][PLATFORM]["lanes"] == lanes
    assert snap["steps"][PLATFORM]["title"] == "Ons platform"
    assert {n["id"]: n["lane"] for n in snap["notes"]} == {
        in_lane["transparency"]: "transparency",
        in_lane["accessibility"]: "dialogue",
        in_lane["dialogue"]: "dialogue",
        in_lane["reflection"]: "dialogue",
    }
    # A note without a lane now goes into the new first lane.
    _, add_seq = add_note(bas, PLATFORM, "Zonder baan")
    bas.wait_for_seq(add_seq)
    assert event_at(bas, add_seq)["data"]["lane"] == "dialogue"
    refused(bas.call(p.NOTE_ADD, {"id": new_id(), "step": PLATFORM, "text": "Oud", "lane": "reflection"}), "invalid")


@pytest.mark.parametrize(
    "lanes",
    [
        [{"key": "Dialoog", "title": "Dialoog"}],
        [{"key": "dialogue", "title": "Dialoog"}, {"key": "dialogue", "title": "Nog eens"}],
        [{"key": "met spatie", "title": "Spatie"}],
        [{"key": "-begin", "title": "Streepje"}],
    ],
)
def test_step_edit_with_bad_lane_keys_is_invalid_and_changes_nothing(server, clients, lanes):
    room = Workshop(server, clients)
    facilitator = room.connect()
    before = ok(facilitator.call(p.SYNC, {}))
    error = refused(
        facilitator.call(p.STEP_EDIT, {"index": PLATFORM, "title": "Niet bewaard", "lanes": lanes}), "invalid"
    )
    assert "lanes" in error["fields"]
    after = ok(facilitator.call(p.SYNC, {}))
    assert after["seq"] == before["seq"]
    assert after["snapshot"]["steps"] == before["snapshot"]["steps"]


def test_step_edit_of_rules_and_unknown_step_index(server, clients):
    room = Workshop(server, clients, "Anouk")
    facilitator, anouk = room.connect(), room.connect("Anouk")
    refused(facilitator.call(p.STEP_EDIT, {"index": 9, "title": "Weg"}), "invalid")
    refused(facilitator.call(p.STEP_EDIT, {"index": GOALS, "reveal": "sometimes"}), "invalid")
    refused(facilitator.call(p.STEP_EDIT, {"index": GOALS}), "invalid")
    seq = ok(facilitator.call(p.STEP_EDIT, {"index": GOALS, "reveal": "private", "anonymity": "allowed"}))["seq"]
    anouk.wait_for_seq(seq)
    data = event_at(anouk, seq)["data"]
    assert data["reveal"] == "private" and data["anonymity"] == "allowed"
    assert data["counts"] == {"notes": 0, "authors": 0}
    note_id, add_seq = add_note(anouk, GOALS, "Nu privé", anonymous=True)
    facilitator.wait_for_seq(add_seq)
    assert event_at(facilitator, add_seq)["data"] == {
        "id": note_id,
        "step": GOALS,
        "hidden": True,
        "counts": {"notes": 1, "authors": 1},
    }


# -- 9. formats -----------------------------------------------------------------------------


@pytest.mark.parametrize("format_key", ["eigenaarschap", "bondgenootschap", "cocreation"])
@pytest.mark.parametrize("language", ["en", "nl"])
def test_workshop_steps_follow_the_chosen_format_file_in_the_chosen_language(server, clients, format_key, language):
    room = Workshop(server, clients, format=format_key, language=language)
    snap = room.connect().snapshots[0]
    spec = json.loads((FORMATS / f"{format_key}.json").read_text("utf-8"))
    assert snap["workshop"]["format"] == format_key
    assert snap["workshop"]["language"] == language
    expected = [
        {
            "index": index,
            "key": step["key"],
            "title": step["title"][language],
            "prompt": step["prompt"][language],
            "lanes": [{"key": lane["key"], "title": lane["title"][language]} for lane in step.get("lanes", [])],
            "reveal": step["rules"].get("reveal", "open"),
            "anonymity": step["rules"].get("anonymity", "off"),
            "voting": bool(step["rules"].get("voting", False)),
        }
        for index, step in enumerate(spec["steps"])
    ]
    # Only what the format file decides; the workshop may add state of its own.
    got = [{key: step[key] for key in expected[0]} for step in snap["steps"]]
    assert got == expected


def test_unknown_format_is_refused(server):
    answer = requests.post(server.url + "/api/workshops", json={"title": "Teamdag", "format": "brainstorm"}, timeout=10)
    assert answer.status_code == 400
    assert "format" in answer.json()["error"]["fields"]


# -- 10. co-facilitator -----------------------------------------------------------------------


def test_co_facilitator_link_gives_a_second_device_the_facilitator_role(server, clients):
    room = Workshop(server, clients, "Anouk")
    facilitator, anouk = room.connect(), room.connect("Anouk")
    answer = requests.post(
        f"{server.url}/api/workshops/{room.id}/facilitators",
        headers={"Authorization": f"Bearer {room.token()}"},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert set(body) == {"participant_id", "token", "url", "remote_url", "remote_qr"}
    assert body["remote_url"].endswith(f"/remote?token={body['token']}")
    assert body["remote_qr"].startswith("data:image/svg+xml;base64,")
    assert body["url"].startswith(f"{server.url}/w/{room.id}/facilitate?token=")
    assert body["token"] != room.token()

    second = clients(server.url, room.id, body["token"])
    me = second.snapshots[0]["me"]
    assert me["role"] == "facilitator" and me["id"] == body["participant_id"]
    seq = ok(second.call(p.STEP_GO, {"index": BRAND}))["seq"]
    wait_all(seq, facilitator, anouk)  # the join came before: the room has heard it by now
    joined = [e for e in anouk.events if e["type"] == p.PARTICIPANT_JOINED]
    assert joined[-1]["data"]["id"] == body["participant_id"]
    assert joined[-1]["data"]["role"] == "facilitator"
    assert event_at(anouk, seq)["data"]["index"] == BRAND

    # The link itself logs the second device in: the token moves into a cookie.
    page = requests.get(body["url"], allow_redirects=False, timeout=10)
    assert page.status_code in (302, 303)
    assert page.headers["Location"].endswith(f"/w/{room.id}/facilitate")
    assert page.cookies.get(f"cc_{room.id}") == body["token"]


def test_only_a_facilitator_may_make_a_co_facilitator_link(server, clients):
    room = Workshop(server, clients, "Anouk")
    url = f"{server.url}/api/workshops/{room.id}/facilitators"
    as_participant = requests.post(url, headers={"Authorization": f"Bearer {room.token('Anouk')}"}, timeout=10)
    assert as_participant.status_code == 403
    assert as_participant.json()["error"]["code"] == "forbidden"
    anonymous = requests.post(url, timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthorized"
    wrong = requests.post(url, headers={"Authorization": "Bearer not-a-real-token"}, timeout=10)
    assert wrong.status_code == 401
    missing = requests.post(
        f"{server.url}/api/workshops/nope/facilitators", headers={"Authorization": f"Bearer {room.token()}"}, timeout=10
    )
    assert missing.status_code == 404
    roles = [person["role"] for person in fresh_snapshot(room)["participants"]]
    assert roles == ["facilitator", "participant"]
