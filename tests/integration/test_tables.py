"""Tables on a live server: dealing, choosing, moving people, late joiners, table steps with
private and anonymous writing, the projector's focus, and two processes agreeing."""

import re

import pytest
import requests

from cocreate import protocol as p

from support import FRICTION, GOALS, Workshop, add_note, new_id, ok, refused

PEOPLE = ("Anouk", "Bram", "Chris", "Dewi", "Eva", "Femke")


@pytest.fixture
def room(server, clients):
    workshop = Workshop(server, clients, *PEOPLE, connect_facilitator=True)
    workshop.sockets = {name: workshop.connect(name) for name in PEOPLE}
    return workshop


def seats_of(snapshot):
    return {person["id"]: person["table"] for person in snapshot["participants"] if person["role"] == "participant"}


def test_dealing_six_people_over_two_tables_reaches_everyone_and_survives_a_reconnect(room):
    dealt = ok(room.facilitator.call(p.SET_TABLES, {"count": 2, "mode": "random", "names": ["Data", "Leiderschap"]}))
    anouk = room.sockets["Anouk"]
    anouk.wait_for_seq(dealt["seq"])
    event = anouk.events[-1]
    assert event["type"] == p.TABLES_SET
    assert [t["name"] for t in event["data"]["tables"]] == ["Data", "Leiderschap"]
    seats = event["data"]["assignments"]
    assert set(seats) == {room.pid(name) for name in PEOPLE}
    assert sorted(list(seats.values()).count(t) for t in ("t1", "t2")) == [3, 3]
    again = room.connect("Anouk").snapshots[-1]
    assert again["me"]["table"] == seats[room.pid("Anouk")]
    assert seats_of(again) == seats
    assert again["workshop"]["tables"] == event["data"]["tables"]


def test_a_late_joiner_sits_at_the_smallest_table(room):
    ok(room.facilitator.call(p.SET_TABLES, {"count": 4, "mode": "random"}))
    late = room.join("Gijs")
    room.facilitator.wait_for(
        lambda: any(
            e["type"] == p.PARTICIPANT_JOINED and e["data"]["id"] == late["participant_id"]
            for e in room.facilitator.events
        )
    )
    joined = [e for e in room.facilitator.events if e["type"] == p.PARTICIPANT_JOINED][-1]["data"]
    seats = seats_of(room.connect().snapshots[-1])
    counts = {table: list(seats.values()).count(table) for table in ("t1", "t2", "t3", "t4")}
    assert joined["table"] is not None and max(counts.values()) - min(counts.values()) <= 1


def test_choosing_a_table_and_the_facilitator_moving_someone(room):
    ok(room.facilitator.call(p.SET_TABLES, {"size": 3, "mode": "choose"}))
    chose = ok(room.sockets["Bram"].call(p.TABLE_CHOOSE, {"table": "t2"}))
    room.facilitator.wait_for_seq(chose["seq"])
    assert room.facilitator.events[-1]["data"] == {"id": room.pid("Bram"), "table": "t2"}
    moved = ok(room.facilitator.call(p.TABLE_ASSIGN, {"participant": room.pid("Bram"), "table": "t1"}))
    room.sockets["Bram"].wait_for_seq(moved["seq"])
    assert room.connect("Bram").snapshots[-1]["me"]["table"] == "t1"


@pytest.mark.parametrize(
    "who, command, payload, code",
    [
        ("facilitator", p.SET_TABLES, {"mode": "random"}, "invalid"),
        ("facilitator", p.SET_TABLES, {"count": 2, "size": 3, "mode": "random"}, "invalid"),
        ("facilitator", p.SET_TABLES, {"count": 1, "mode": "random"}, "invalid"),
        ("facilitator", p.TABLE_ASSIGN, {"participant": "nobody", "table": "t1"}, "invalid"),
        ("facilitator", p.TABLE_ASSIGN, {"participant": "ME", "table": "t7"}, "invalid"),
        ("Anouk", p.TABLE_CHOOSE, {"table": "t1"}, "invalid"),  # dealt at random
        ("Anouk", p.TABLE_ASSIGN, {"participant": "ME", "table": "t1"}, "forbidden"),
        ("Anouk", p.SET_TABLES, {"count": 2, "mode": "random"}, "forbidden"),
        ("Anouk", p.TABLES_CLEAR, {}, "forbidden"),
        ("Anouk", p.PROJECTOR_FOCUS, {"table": "t1"}, "forbidden"),
    ],
)
def test_bad_table_commands_get_error_acks_and_change_nothing(room, who, command, payload, code):
    ok(room.facilitator.call(p.SET_TABLES, {"count": 2, "mode": "random"}))
    before = room.facilitator.call(p.SYNC, {})
    if payload.get("participant") == "ME":
        payload = {**payload, "participant": room.pid("Anouk")}
    client = room.facilitator if who == "facilitator" else room.sockets[who]
    refused(client.call(command, payload), code)
    after = room.facilitator.call(p.SYNC, {})
    assert after["seq"] == before["seq"]
    assert seats_of(after["snapshot"]) == seats_of(before["snapshot"])


def test_a_private_anonymous_table_step_shows_the_table_never_the_author(room):
    ok(room.facilitator.call(p.SET_TABLES, {"count": 2, "mode": "random"}))
    ok(room.facilitator.call(p.STEP_EDIT, {"index": FRICTION, "tables": True}))
    note_id = new_id()
    ok(
        room.sockets["Anouk"].call(
            p.NOTE_ADD, {"id": note_id, "step": FRICTION, "text": "Besluiten duren te lang", "anonymous": True}
        )
    )
    hidden = next(n for n in room.connect("Bram").snapshots[-1]["notes"] if n["id"] == note_id)
    assert hidden == {"id": note_id, "step": FRICTION, "hidden": True}
    revealed = ok(room.facilitator.call(p.NOTES_REVEAL, {"step": FRICTION}))
    room.sockets["Bram"].wait_for_seq(revealed["seq"])
    shown = next(n for n in room.connect("Bram").snapshots[-1]["notes"] if n["id"] == note_id)
    anouk_table = room.connect("Anouk").snapshots[-1]["me"]["table"]
    assert shown["table"] == anouk_table and shown["author"] is None
    assert shown["author_name"] is None and room.pid("Anouk") not in str(shown)


def test_the_projector_focuses_on_one_table_then_on_everything_again(room):
    ok(room.facilitator.call(p.SET_TABLES, {"count": 2, "mode": "random"}))
    focused = ok(room.facilitator.call(p.PROJECTOR_FOCUS, {"table": "t2"}))
    room.sockets["Eva"].wait_for_seq(focused["seq"])
    assert room.sockets["Eva"].events[-1]["data"] == {"table": "t2"}
    assert room.connect().snapshots[-1]["workshop"]["focus"] == "t2"
    ok(room.facilitator.call(p.PROJECTOR_FOCUS, {"table": None}))
    cleared = ok(room.facilitator.call(p.TABLES_CLEAR, {}))
    room.sockets["Eva"].wait_for_seq(cleared["seq"])
    snapshot = room.connect("Eva").snapshots[-1]
    assert snapshot["workshop"]["tables"] == [] and set(seats_of(snapshot).values()) == {None}


def test_the_room_votes_and_acts_on_the_notes_of_every_table(room):
    ok(room.facilitator.call(p.SET_TABLES, {"count": 2, "mode": "random", "names": ["Data", "Leiderschap"]}))
    ok(room.facilitator.call(p.STEP_EDIT, {"index": GOALS, "tables": True}))
    ids = {name: add_note(room.sockets[name], GOALS, f"Idee van {name}")[0] for name in PEOPLE}
    tables = {note["id"]: note["table"] for note in room.connect().snapshots[-1]["notes"]}
    assert set(tables.values()) == {"t1", "t2"}
    ok(room.facilitator.call(p.VOTING_OPEN, {"step": GOALS, "budget": 6}))
    for name in PEOPLE:  # everyone gives a dot to every note, at their table and the other
        for note_id in ids.values():
            ok(room.sockets[name].call(p.VOTE_CAST, {"id": new_id(), "note_id": note_id}))
    closed = ok(room.facilitator.call(p.VOTING_CLOSE, {}))
    room.sockets["Anouk"].wait_for_seq(closed["seq"])
    assert room.sockets["Anouk"].events[-1]["data"]["tallies"] == {note_id: 6 for note_id in ids.values()}
    across = [ids["Anouk"], next(i for i in ids.values() if tables[i] != tables[ids["Anouk"]])]
    ok(room.sockets["Bram"].call(p.ACTION_ADD, {"id": new_id(), "title": "Samen een datadag", "note_ids": across}))
    plan = room.download("plan.md").text
    assert "| 1 | Samen een datadag | nog geen eigenaar | geen datum | 12 | Open |" in plan
    assert "#### Data\n" in plan and "#### Leiderschap\n" in plan  # the step read per table


@pytest.mark.parametrize(
    "format_key, language, names",
    [
        ("eigenaarschap", "nl", "Data\nLeiderschap\nTeamontwikkeling"),
        ("eigenaarschap", "en", "Data\nLeadership\nTeam development"),
        ("cocreation", "nl", ""),
    ],
)
def test_the_facilitators_page_proposes_the_table_names_of_the_format(server, format_key, language, names):
    created = server.create_workshop("Namen", format=format_key, language=language)
    page = requests.get(
        f"{server.url}/w/{created['id']}/facilitate",
        timeout=10,
        cookies={f"cc_{created['id']}": created["facilitator_token"]},
    )
    assert page.status_code == 200
    field = re.search(r'<textarea id="tables-names"[^>]*>(.*?)</textarea>', page.text, re.S)
    assert field.group(1) == names


def test_two_processes_agree_on_the_tables(cluster, clients):
    first, second = cluster.servers
    workshop = Workshop(first, clients, *PEOPLE[:4], connect_facilitator=True)
    on_second = clients(second.url, workshop.id, workshop.token("Anouk"))
    dealt = ok(workshop.facilitator.call(p.SET_TABLES, {"count": 2, "mode": "random"}))
    on_second.wait_for_seq(dealt["seq"])
    seats = on_second.events[-1]["data"]["assignments"]
    fresh = clients(second.url, workshop.id, workshop.token("Bram")).snapshots[-1]
    assert seats_of(fresh) == seats
    assert seats_of(workshop.connect().snapshots[-1]) == seats
