"""Two `cocreate serve` processes on real PostgreSQL and Redis tell each other their
changes, and each runs them on its cached copy of the workshop (cocreate/store/mirror.py).

A room spread over both processes works through a whole workshop, every command going to
the process the other one just used; afterwards what either process shows must be what
the database holds, read fresh, and no client may ever have received the processes'
messages to each other.
"""

import json

import redis

from cocreate import domain
from cocreate.realtime import messaging
from cocreate import protocol as p
from cocreate.store import Store

from support import PLATFORM, new_id, ok, wait_all

SHARED = ("seq", "workshop", "steps", "participants", "notes", "clusters", "actions")


def board(snapshot):
    """What a viewer is shown of the board (no `me`, no clock, no note's `mine`)."""
    shared = {key: snapshot.get(key) for key in SHARED}
    shared["notes"] = [{key: value for key, value in note.items() if key != "mine"} for note in snapshot["notes"]]
    # The owner's update link carries the address the request came in on (links.py).
    shared["actions"] = [
        {key: value for key, value in action.items() if key != "update_url"} for action in snapshot["actions"]
    ]
    return json.loads(json.dumps(shared))


def test_a_room_spread_over_two_processes_sees_what_the_database_holds(cluster, clients):
    first, second = cluster.servers
    workshop = first.create_workshop("Twee kopieën", goal="Eén waarheid")
    wid, token = workshop["id"], workshop["facilitator_token"]
    tokens = {"Anna": first.join(wid, "Anna")["token"], "Bram": second.join(wid, "Bram")["token"]}
    on_first = {
        "fac": clients(first.url, wid, token),
        "anna": clients(first.url, wid, tokens["Anna"]),
        "bram": clients(first.url, wid, tokens["Bram"]),
    }
    on_second = {
        "fac": clients(second.url, wid, token),
        "anna": clients(second.url, wid, tokens["Anna"]),
        "bram": clients(second.url, wid, tokens["Bram"]),
    }
    strays = []
    for client in [*on_first.values(), *on_second.values()]:
        client.sio.on("*", lambda event, *_data: strays.append(event))
    ids = {key: on_first[key].snapshots[0]["me"]["id"] for key in ("anna", "bram")}
    notes = [new_id() for _ in range(4)]
    action = new_id()
    script = [
        ("anna", p.NOTE_ADD, {"id": notes[0], "step": 0, "text": "Doel één"}),
        ("bram", p.NOTE_ADD, {"id": notes[1], "step": 0, "text": "Doel twee"}),
        ("anna", p.NOTE_EDIT, {"id": notes[0], "text": "Doel één, scherper", "color": "pink"}),
        ("bram", p.NOTE_MOVE, {"id": notes[1], "x": 0.4, "y": 0.6}),
        ("fac", p.STEP_GO, {"index": 2}),
        ("anna", p.NOTE_ADD, {"id": notes[2], "step": 2, "text": "Eerlijk", "anonymous": True}),
        ("bram", p.NOTE_ADD, {"id": notes[3], "step": 2, "text": "Wrijving"}),
        ("fac", p.NOTES_REVEAL, {"step": 2}),
        ("fac", p.NOTE_GROUP, {"id": new_id(), "ids": notes[2:], "title": "Samen"}),
        ("fac", p.VOTING_OPEN, {"step": 2, "budget": 2}),
        ("anna", p.VOTE_CAST, {"note_id": notes[3]}),
        ("bram", p.VOTE_CAST, {"note_id": notes[3]}),
        ("anna", p.VOTE_RETRACT, {"note_id": notes[3]}),
        ("fac", p.VOTING_CLOSE, {}),
        ("fac", p.STEP_GO, {"index": PLATFORM}),
        ("fac", p.SET_TABLES, {"count": 2, "mode": "random"}),
        ("anna", p.PARTICIPANT_READY, {"ready": True}),
        (
            "bram",
            p.ACTION_ADD,
            {"id": action, "title": "Open gesprek", "owner": ids["anna"], "due": "2026-12-15", "note_ids": notes[3:]},
        ),
        ("anna", p.ACTION_EDIT, {"id": action, "status": "doing"}),
        ("anna", p.NOTE_EDIT, {"id": notes[2], "text": "Eerlijk, en nu beter"}),
        ("fac", p.WORKSHOP_EDIT, {"title": "Twee kopieën, één bord"}),
    ]
    last = None
    for turn, (who, command, payload) in enumerate(script):
        process = (on_first, on_second)[turn % 2]
        last = ok(process[who].call(command, payload))["seq"]
    wait_all(last, *on_first.values(), *on_second.values())

    fresh = Store(cluster.database_url)
    try:
        stored = fresh.workshop(wid)
    finally:
        fresh.close()
    for key, person_id in ids.items():
        truth = board(domain.snapshot(stored, stored.participants[person_id], "2026-11-28T10:00:00"))
        for process in (on_first, on_second):
            shown = ok(process[key].call(p.SYNC, {}))["snapshot"]
            assert board(shown) == truth
    assert stored.notes[notes[2]].author_id == ids["anna"]
    assert strays == []


def test_a_change_reaches_the_other_process_with_its_events_in_one_message(cluster, clients, redis_server):
    first, second = cluster.servers
    workshop = first.create_workshop("Eén bericht")
    wid, token = workshop["id"], workshop["facilitator_token"]
    writer = clients(first.url, wid, first.join(wid, "Anna")["token"])
    watcher = clients(second.url, wid, token)
    listener = redis.Redis.from_url(redis_server.url).pubsub()
    listener.subscribe(messaging.CHANNEL)
    assert listener.get_message(timeout=10)["type"] == "subscribe"
    note = new_id()
    seq = ok(writer.call(p.NOTE_ADD, {"id": note, "step": 0, "text": "Eén keer"}))["seq"]
    wait_all(seq, watcher)
    # The ack comes after all the change's messages were published; Redis keeps a
    # channel's order, so every one of them comes before this mark.
    mark = new_id()
    redis.Redis.from_url(redis_server.url).publish(messaging.CHANNEL, json.dumps({"mark": mark}))
    heard = []
    while not heard or heard[-1].get("mark") != mark:
        message = listener.get_message(timeout=10)
        assert message is not None, heard
        heard.append(json.loads(message["data"]))
    listener.close()
    about = [message for message in heard if note in json.dumps(message)]
    assert len(about) == 1, about
    assert about[0]["method"] == "emit" and about[0]["data"][0]["seq"] == seq
    told = about[0][messaging.CHANGED]
    assert (told["workshop"], told["before"], told["kind"]) == (wid, seq - 1, "command")
