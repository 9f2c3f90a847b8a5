"""One participant cannot flood every open board (issue 26, finding 5): a change of an
action carries what changed, snapshots carry an action's latest history only (the plan
keeps all of it), and joins are rate-limited without keeping a room out."""

import json

import pytest
import requests

from cocreate import protocol as p

from support import Workshop, ok

UPDATES = p.HISTORY_MAX + 10


@pytest.fixture
def room(server, clients):
    workshop = Workshop(server, clients, "Anouk", connect_facilitator=True)
    workshop.action = workshop.add_action("Koffie", "Anouk")
    return workshop


def test_an_action_s_events_and_snapshots_stay_small_however_long_its_history(room):
    viewer = room.connect()
    anouk = room.connect("Anouk")
    link = {a["id"]: a for a in anouk.snapshots[-1]["actions"]}[room.action]["update_url"]
    for number in range(UPDATES):
        if number % 2:
            answer = requests.post(link, json={"text": f"Stap {number}"}, timeout=10)
            assert answer.status_code == 200, answer.text
        else:
            ok(anouk.call(p.ACTION_EDIT, {"id": room.action, "text": f"Stap {number}"}))
    viewer.wait_for(lambda: sum(e["type"] == p.ACTION_EDITED for e in viewer.events) == UPDATES)

    edited = [e["data"] for e in viewer.events if e["type"] == p.ACTION_EDITED]
    # Each change carries the one entry it added, and how many there are now.
    assert [[entry["text"] for entry in data["progress"]] for data in edited] == [
        [f"Stap {number}"] for number in range(UPDATES)
    ]
    assert [data["progress_count"] for data in edited] == list(range(1, UPDATES + 1))
    assert max(len(json.dumps(data)) for data in edited) < 1000

    shown = {a["id"]: a for a in room.connect().snapshots[-1]["actions"]}[room.action]
    assert [entry["text"] for entry in shown["progress"]] == [
        f"Stap {number}" for number in range(UPDATES - p.HISTORY_MAX, UPDATES)
    ]
    assert shown["progress_count"] == UPDATES
    # The whole history is still in the plan and on the owner's page.
    backup = room.download("export.json").json()
    kept = {a["id"]: a for a in backup["actions"]}[room.action]["progress"]
    assert [entry["text"] for entry in kept] == [f"Stap {number}" for number in range(UPDATES)]
    assert "Stap 0" in requests.get(link, timeout=10).text


def test_a_new_owner_s_event_adds_no_history(room):
    viewer = room.connect()
    answer = ok(room.facilitator.call(p.ACTION_EDIT, {"id": room.action, "title": "Thee"}))
    viewer.wait_for_seq(answer["seq"])
    edited = [e["data"] for e in viewer.events if e["type"] == p.ACTION_EDITED][-1]
    assert (edited["title"], edited["progress"], edited["progress_count"]) == ("Thee", [], 0)
