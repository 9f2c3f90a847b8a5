"""Dot voting, actions, the plan's downloads, import and deletion against the live server.

Every test makes its own workshop on the shared server. Each socket client stays well
under the per-connection rate limit (a burst of 20 commands, then 5 a second).
"""

import csv
import io
import json
import re
import sqlite3
import subprocess
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests
from icalendar import Calendar
from pypdf import PdfReader

from cocreate import protocol as p

from support import BRAND, FRICTION, GOALS, LANES, PLATFORM, Workshop, add_note, new_id, ok, refused

TIMEOUT = 10
DOWNLOADS = ("plan.md", "plan.csv", "plan.pdf", "plan.ics", "export.json")
# Two downloads of one plan differ only in when each was made: the calendar's DTSTAMP, the
# PDF's creation date and the PDF file id hashed from it.
MADE_AT = re.compile(
    rb"DTSTAMP:\d{8}T\d{6}Z"
    rb"|/CreationDate \(D:\d{14}Z\)|/ID \[<[0-9A-F]+><[0-9A-F]+>\]"
)


# -- helpers ------------------------------------------------------------------------


def public_events(client):
    """The events everyone gets, by seq (see `assert_gap_free` on arrival order)."""
    return sorted((event for event in list(client.events) if not event.get("own")), key=lambda event: event["seq"])


def own_events(client):
    """The viewer's own fuller copies, by seq."""
    return sorted((event for event in list(client.events) if event.get("own")), key=lambda event: event["seq"])


def wait_through(client, seq):
    """Wait until every public event from the client's snapshot up to `seq` was recorded."""
    start = client.snapshots[0]["seq"]
    client.wait_for(
        lambda: len({event["seq"] for event in public_events(client) if event["seq"] <= seq}) >= seq - start
    )


def events_of(client, kind):
    return [event for event in public_events(client) if event["type"] == kind]


def wait_for_event(client, kind, count=1):
    client.wait_for(lambda: len(events_of(client, kind)) >= count)
    return events_of(client, kind)[count - 1]


def sync(client):
    ack = ok(client.call(p.SYNC, {}))
    return ack["snapshot"]


def assert_gap_free(client):
    """Every public event after the first snapshot arrived exactly once, seq +1 each.

    The check is on the set of seqs, not their arrival order: python-engineio's client
    runs each incoming message's handler in a thread of its own, so under load two
    consecutive events can be *recorded* swapped although the server sent them in order.
    """
    start = client.snapshots[0]["seq"]
    seqs = sorted(event["seq"] for event in client.events if not event.get("own"))
    expected = list(range(start + 1, start + 1 + len(seqs)))
    if sorted(seqs) != expected:
        missing = sorted(set(range(start + 1, max(seqs, default=start) + 1)) - set(seqs))
        twice = sorted(seq for seq, n in Counter(seqs).items() if n > 1)
        raise AssertionError(f"seq not gap-free after snapshot seq {start}: missing {missing}, received twice {twice}")
    for own in own_events(client):
        assert own["seq"] in seqs, own


def pdf_text(content):
    """A PDF's text as poppler reads it, on one line, hyphenated words joined again."""
    text = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    return " ".join(re.sub(r"[-\u2010]\n(?=[a-zà-ÿ])", "", text).split())


def without_made_at(content):
    """A download's bytes without the moment it was made."""
    return MADE_AT.sub(b"", content)


def walk(value):
    """Every dict nested anywhere inside `value` (lists and dicts)."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def database_rows(server, table="workshops"):
    path = server.instance_path / "cocreate.sqlite3"
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=TIMEOUT)
    try:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        connection.close()


# -- 1. the vote storm ----------------------------------------------------------------

STORM_PEOPLE = 55
STORM_NOTES = 10
BUDGET, PER_NOTE = 5, 2


def storm_clicks(number):
    """Seven clicks for participant `number`: the whole budget, then two more.

    A third of the room also hits the per-note maximum on purpose.
    """
    a, b, c, d, e, f, g = ((number + k) % STORM_NOTES for k in range(7))
    return ([a, a, b, b, c, d, e], [a, a, a, b, b, c, c], [a, b, c, d, e, f, g])[number % 3]


def storm_expected(number):
    """The ack codes the rules demand for `storm_clicks(number)`, in order."""
    given, codes = Counter(), []
    for note in storm_clicks(number):
        if sum(given.values()) >= BUDGET or given[note] >= PER_NOTE:
            codes.append("budget_exceeded")
        else:
            given[note] += 1
            codes.append("ok")
    return codes


def test_vote_storm_of_55_participants_counts_every_accepted_dot_exactly_once(server, clients):
    room = Workshop(
        server,
        clients,
        *[f"Deelnemer {n:02d}" for n in range(STORM_PEOPLE)],
        title="Stemstorm",
        connect_facilitator=True,
    )
    notes = [add_note(room.facilitator, PLATFORM, f"Bouwsteen {n}", lane=LANES[n % 4])[0] for n in range(STORM_NOTES)]
    people = [room.connect(f"Deelnemer {n:02d}") for n in range(STORM_PEOPLE)]
    ok(room.facilitator.call(p.VOTING_OPEN, {"step": PLATFORM, "budget": BUDGET, "per_note": PER_NOTE}))
    for client in people:
        wait_for_event(client, p.VOTING_OPENED)

    barrier = threading.Barrier(STORM_PEOPLE)

    def click(number):
        client = people[number]
        barrier.wait(timeout=TIMEOUT)
        return [client.call(p.VOTE_CAST, {"note_id": notes[index]}) for index in storm_clicks(number)]

    with ThreadPoolExecutor(max_workers=STORM_PEOPLE) as pool:
        acks = list(pool.map(click, range(STORM_PEOPLE)))

    accepted = Counter()
    for number, answers in enumerate(acks):
        codes = ["ok" if ack["ok"] else ack["error"]["code"] for ack in answers]
        assert set(codes) <= {"ok", "budget_exceeded"}, (number, answers)
        assert codes == storm_expected(number), (number, codes)
        assert codes.count("ok") == BUDGET
        for index, ack in zip(storm_clicks(number), answers):
            if ack["ok"]:
                accepted[notes[index]] += 1
    assert sum(accepted.values()) == STORM_PEOPLE * BUDGET

    # Each voter's own copies end with the whole budget spent, never more.
    for number, client in enumerate(people):
        client.wait_for(lambda c=client: len([e for e in own_events(c) if e["type"] == p.VOTE_CHANGED]) == BUDGET)
        last = [e for e in own_events(client) if e["type"] == p.VOTE_CHANGED][-1]["data"]
        assert last["remaining"] == 0
        assert sum(last["my_votes"].values()) == BUDGET
        assert max(last["my_votes"].values()) <= PER_NOTE

    close = ok(room.facilitator.call(p.VOTING_CLOSE, {}))
    everyone = [room.facilitator, *people]
    for client in everyone:
        wait_through(client, close["seq"])
    tallies = [events_of(client, p.VOTING_CLOSED)[0]["data"]["tallies"] for client in everyone]
    expected = {note: accepted[note] for note in notes}
    assert all(tally == expected for tally in tallies)

    late = room.connect("Deelnemer 00")
    for snap in (sync(room.facilitator), late.snapshots[0]):
        assert {n["id"]: n["votes"] for n in snap["notes"] if n["step"] == PLATFORM} == expected
        assert snap["seq"] == close["seq"]

    # One vote.changed per accepted dot, no more, no fewer, and no gap on any screen.
    for client in everyone:
        assert len(events_of(client, p.VOTE_CHANGED)) == STORM_PEOPLE * BUDGET
        assert_gap_free(client)


# -- 2. blind until close ---------------------------------------------------------------


def test_votes_stay_blind_for_everyone_until_close_then_everyone_gets_the_same_tallies(server, clients):
    room = Workshop(server, clients, "Ann", "Bob", "Cas", title="Blind stemmen", connect_facilitator=True)
    first, _ = add_note(room.facilitator, PLATFORM, "Open agenda", lane="transparency")
    second, _ = add_note(room.facilitator, PLATFORM, "Vaste spreekuren", lane="dialogue")
    ann, bob, cas = room.connect("Ann"), room.connect("Bob"), room.connect("Cas")
    viewers = {"Ann": ann, "Bob": bob, "Cas": cas, "facilitator": room.facilitator}

    ok(room.facilitator.call(p.VOTING_OPEN, {"step": PLATFORM, "budget": 3}))
    for voter, note in ((ann, first), (ann, first), (bob, second), (ann, second)):
        ok(voter.call(p.VOTE_CAST, {"note_id": note}))
    last = ok(bob.call(p.VOTE_CAST, {"note_id": first}))
    ok(bob.call(p.VOTE_RETRACT, {"note_id": first}))
    seq_open = ok(bob.call(p.VOTE_CAST, {"note_id": second}))["seq"]
    assert seq_open == last["seq"] + 2
    for client in viewers.values():
        wait_through(client, seq_open)

    # While open: no tally and nobody else's dots in anything anybody received.
    for who, client in viewers.items():
        received = [*client.snapshots, *client.events, sync(client)]
        for message in walk(received):
            assert "tallies" not in message, (who, message)
            if "text" in message and "step" in message:  # a note
                assert "votes" not in message, (who, message)
        changes = [e for e in public_events(client) if e["type"] == p.VOTE_CHANGED]
        assert len(changes) == 7
        assert all(set(e["data"]) == {"step", "progress"} for e in changes), (who, changes)
        snap = sync(client)
        assert snap["voting"]["step"] == PLATFORM
        if who == "facilitator" or who == "Cas":
            assert snap["voting"]["my_votes"] == {}
        for action in snap["actions"]:
            assert action["votes"] == 0

    # The voter's own copies: only their own dots and what is left.
    ann_own = [e["data"] for e in own_events(ann)]
    assert [d["remaining"] for d in ann_own] == [2, 1, 0]
    assert ann_own[-1]["my_votes"] == {first: 2, second: 1}
    bob_own = [e["data"] for e in own_events(bob)]
    assert [d["remaining"] for d in bob_own] == [2, 1, 2, 1]
    assert bob_own[-1]["my_votes"] == {second: 2}
    assert own_events(cas) == [] and own_events(room.facilitator) == []
    for own in ann_own + bob_own:
        assert set(own) == {"step", "my_votes", "remaining", "note_id", "progress"}

    # Progress: Ann used all 3 dots (done), Bob 2 of 3, Cas none; the facilitator is not counted.
    progress = {"voters": 2, "done": 1, "participants": 3}
    for client in viewers.values():
        assert public_events(client)[-1]["data"]["progress"] == progress
        step = sync(client)["steps"][PLATFORM]
        assert step["vote_state"] == "open" and step["progress"] == progress

    close = ok(room.facilitator.call(p.VOTING_CLOSE, {}))
    for client in viewers.values():
        wait_through(client, close["seq"])
        closed = events_of(client, p.VOTING_CLOSED)
        assert [e["data"] for e in closed] == [{"step": PLATFORM, "tallies": {first: 2, second: 3}}]
        notes = {n["id"]: n["votes"] for n in sync(client)["notes"]}
        assert notes == {first: 2, second: 3}


def test_downloads_while_voting_is_open_reveal_no_tallies(server, clients):
    room = Workshop(server, clients, "Ann", "Bob", title="Blind downloaden", connect_facilitator=True)
    first, _ = add_note(room.facilitator, PLATFORM, "Open agenda")
    second, _ = add_note(room.facilitator, PLATFORM, "Vaste spreekuren")
    action_id = new_id()
    ok(room.facilitator.call(p.ACTION_ADD, {"id": action_id, "title": "Agenda delen", "note_ids": [first]}))
    ann = room.connect("Ann")
    ok(room.facilitator.call(p.VOTING_OPEN, {"step": PLATFORM, "budget": 3}))
    for _ in range(3):
        ok(ann.call(p.VOTE_CAST, {"note_id": first}))

    token = room.token("Bob")
    markdown = room.download("plan.md", token).text
    assert "3 stemmen" not in markdown and "stem)" not in markdown
    rows = list(csv.reader(io.StringIO(room.download("plan.csv", token).content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][rows[0].index("Stemmen")] == "0"
    backup = room.download("export.json", token).json()
    tallies = {note["id"]: note.get("votes", 0) for note in backup["notes"]}
    # The room has not seen any tally yet; a participant's download must not show one either.
    assert tallies == {first: 0, second: 0}, "export.json reveals the tallies of a vote that is still open"


# -- 3. the rules of voting ----------------------------------------------------------------


def test_voting_rules_budget_per_note_retract_and_refusals(server, clients):
    room = Workshop(server, clients, "Ann", "Bob", title="Stemregels", connect_facilitator=True)
    notes = [add_note(room.facilitator, PLATFORM, f"Notitie {n}")[0] for n in range(3)]
    other_step, _ = add_note(room.facilitator, GOALS, "Doel, niet in de stemming")
    ann, bob = room.connect("Ann"), room.connect("Bob")

    # Participants may not run the vote.
    refused(ann.call(p.VOTING_OPEN, {"step": PLATFORM, "budget": 3}), "forbidden")
    refused(ann.call(p.VOTE_CAST, {"note_id": notes[0]}), "voting_closed")
    ok(room.facilitator.call(p.VOTING_OPEN, {"step": PLATFORM, "budget": 3, "per_note": 2}))
    refused(ann.call(p.VOTING_CLOSE, {}), "forbidden")

    def cast(client, note):
        return client.call(p.VOTE_CAST, {"note_id": note})

    def remaining(client):
        return [e for e in own_events(client) if e["type"] == p.VOTE_CHANGED][-1]["data"]

    ok(cast(ann, notes[0]))
    ok(cast(ann, notes[0]))
    refused(cast(ann, notes[0]), "budget_exceeded")  # per_note 2
    ok(cast(ann, notes[1]))
    refused(cast(ann, notes[2]), "budget_exceeded")  # budget 3
    ann.wait_for(lambda: len(own_events(ann)) == 3)
    assert remaining(ann)["remaining"] == 0

    ok(ann.call(p.VOTE_RETRACT, {"note_id": notes[0]}))
    ann.wait_for(lambda: len(own_events(ann)) == 4)
    assert remaining(ann)["remaining"] == 1
    assert remaining(ann)["my_votes"] == {notes[0]: 1, notes[1]: 1}
    ok(cast(ann, notes[2]))
    refused(bob.call(p.VOTE_RETRACT, {"note_id": notes[2]}), "not_found")

    wrong = refused(cast(bob, other_step), "invalid")
    assert "note_id" in wrong["fields"]
    refused(cast(bob, new_id()), "not_found")
    ok(room.facilitator.call(p.NOTE_REMOVE, {"id": notes[1]}))
    refused(cast(bob, notes[1]), "not_found")

    # Only one step can vote at a time.
    refused(room.facilitator.call(p.VOTING_OPEN, {"step": GOALS, "budget": 2}), "conflict")
    close = ok(room.facilitator.call(p.VOTING_CLOSE, {}))
    wait_through(room.facilitator, close["seq"])
    assert events_of(room.facilitator, p.VOTING_CLOSED)[0]["data"]["tallies"] == {notes[0]: 1, notes[2]: 1}
    refused(cast(ann, notes[0]), "voting_closed")
    refused(ann.call(p.VOTE_RETRACT, {"note_id": notes[0]}), "voting_closed")
    refused(room.facilitator.call(p.VOTING_CLOSE, {}), "voting_closed")


def test_voting_cannot_open_on_a_step_still_in_private_writing(server, clients):
    room = Workshop(server, clients, "Ann", title="Privé stemmen", connect_facilitator=True)
    ann = room.connect("Ann")
    add_note(ann, FRICTION, "Wat schuurt")
    error = refused(room.facilitator.call(p.VOTING_OPEN, {"step": FRICTION, "budget": 3}), "invalid")
    assert "step" in error["fields"]
    ok(room.facilitator.call(p.NOTES_REVEAL, {"step": FRICTION}))
    ok(room.facilitator.call(p.VOTING_OPEN, {"step": FRICTION, "budget": 3}))


def test_removing_a_note_gives_its_dots_back_to_the_voters(server, clients):
    room = Workshop(server, clients, "Ann", "Bob", title="Stippen terug", connect_facilitator=True)
    ann, bob = room.connect("Ann"), room.connect("Bob")
    doomed, _ = add_note(ann, PLATFORM, "Deze verdwijnt")
    kept, _ = add_note(ann, PLATFORM, "Deze blijft")
    ok(room.facilitator.call(p.VOTING_OPEN, {"step": PLATFORM, "budget": 3}))
    for note in (doomed, doomed, kept):
        ok(bob.call(p.VOTE_CAST, {"note_id": note}))
    assert sync(bob)["voting"]["remaining"] == 0

    ok(ann.call(p.NOTE_REMOVE, {"id": doomed}))
    voting = sync(bob)["voting"]
    assert voting["my_votes"] == {kept: 1}
    assert voting["remaining"] == 2
    ok(bob.call(p.VOTE_CAST, {"note_id": kept}))
    ok(bob.call(p.VOTE_CAST, {"note_id": kept}))
    close = ok(room.facilitator.call(p.VOTING_CLOSE, {}))
    wait_through(bob, close["seq"])
    assert events_of(bob, p.VOTING_CLOSED)[0]["data"]["tallies"] == {kept: 3}


# -- 4. actions ---------------------------------------------------------------------------


def test_actions_owners_due_dates_sources_and_taking_one_on(server, clients):
    room = Workshop(server, clients, "Ann", "Bob", title="Acties", connect_facilitator=True)
    ann, bob = room.connect("Ann"), room.connect("Bob")
    first, _ = add_note(ann, PLATFORM, "Open agenda")
    second, _ = add_note(bob, PLATFORM, "Vaste spreekuren")

    mine, theirs = new_id(), new_id()
    ok(
        ann.call(
            p.ACTION_ADD,
            {
                "id": mine,
                "title": "Agenda delen",
                "owner": room.pid("Bob"),
                "due": "2026-12-15",
                "note_ids": [first, second],
            },
        )
    )
    added = ok(ann.call(p.ACTION_ADD, {"id": theirs, "title": "Directie uitnodigen", "owner": "Mevrouw De Vries"}))
    for client in (ann, bob, room.facilitator):
        wait_through(client, added["seq"])
    data = {e["data"]["id"]: e["data"] for e in events_of(bob, p.ACTION_ADDED)}
    assert data[mine]["owner"] == {"id": room.pid("Bob"), "name": "Bob"}
    assert data[mine]["due"] == "2026-12-15"
    assert data[mine]["note_ids"] == [first, second]
    assert data[mine]["created_by"] == room.pid("Ann")
    assert data[mine]["status"] == "open" and data[mine]["votes"] == 0
    assert data[theirs]["owner"] == {"id": None, "name": "Mevrouw De Vries"}
    assert data[theirs]["due"] is None

    # "Ik pak dit op": Bob takes Ann's second action; everyone sees it.
    taken = ok(bob.call(p.ACTION_EDIT, {"id": theirs, "owner": room.pid("Bob")}))
    for client in (ann, bob, room.facilitator):
        wait_through(client, taken["seq"])
        edited = events_of(client, p.ACTION_EDITED)[-1]["data"]
        assert edited["id"] == theirs
        assert edited["owner"] == {"id": room.pid("Bob"), "name": "Bob"}
    # A participant may edit anyone's action: Bob marks Ann's action done.
    done = ok(bob.call(p.ACTION_EDIT, {"id": mine, "status": "done"}))
    wait_through(ann, done["seq"])
    assert events_of(ann, p.ACTION_EDITED)[-1]["data"]["status"] == "done"

    # Repeating an add with the same id changes nothing.
    again = ok(ann.call(p.ACTION_ADD, {"id": mine, "title": "Agenda delen"}))
    assert again["seq"] == done["seq"]
    assert len(events_of(room.facilitator, p.ACTION_ADDED)) == 2

    # Votes of an action: the tallies of its source notes, once voting is closed.
    ok(room.facilitator.call(p.VOTING_OPEN, {"step": PLATFORM, "budget": 3}))
    ok(ann.call(p.VOTE_CAST, {"note_id": first}))
    ok(bob.call(p.VOTE_CAST, {"note_id": second}))
    ok(bob.call(p.VOTE_CAST, {"note_id": second}))
    assert {a["id"]: a["votes"] for a in sync(ann)["actions"]} == {mine: 0, theirs: 0}
    ok(room.facilitator.call(p.VOTING_CLOSE, {}))
    assert {a["id"]: a["votes"] for a in sync(ann)["actions"]} == {mine: 3, theirs: 0}

    # Removing: only the creator (Ann) or the facilitator.
    refused(bob.call(p.ACTION_REMOVE, {"id": mine}), "forbidden")
    ok(ann.call(p.ACTION_REMOVE, {"id": mine}))
    refused(ann.call(p.ACTION_REMOVE, {"id": mine}), "not_found")
    removed = ok(room.facilitator.call(p.ACTION_REMOVE, {"id": theirs}))
    wait_through(bob, removed["seq"])
    assert [e["data"] for e in events_of(bob, p.ACTION_REMOVED)] == [{"id": mine}, {"id": theirs}]
    assert sync(bob)["actions"] == []


def test_actions_with_bad_dates_long_titles_or_private_sources_are_invalid(server, clients):
    room = Workshop(server, clients, "Ann", title="Foute acties", connect_facilitator=True)
    ann = room.connect("Ann")
    hidden, _ = add_note(ann, FRICTION, "Nog privé")
    shown, _ = add_note(ann, PLATFORM, "Zichtbaar")
    before = sync(ann)["seq"]

    for payload, field in [
        ({"title": "Kalender", "due": "2026-13-01"}, "due"),
        ({"title": "Kalender", "due": "tomorrow"}, "due"),
        ({"title": "x" * 201}, "title"),
        ({"title": ""}, "title"),
        ({"title": "Uit privé", "note_ids": [hidden]}, "note_ids"),
        ({"title": "Uit het niets", "note_ids": [new_id()]}, "note_ids"),
    ]:
        error = refused(ann.call(p.ACTION_ADD, {"id": new_id(), **payload}), "invalid")
        assert field in error["fields"], (payload, error)

    action = new_id()
    ok(ann.call(p.ACTION_ADD, {"id": action, "title": "x" * 200, "note_ids": [shown]}))
    error = refused(ann.call(p.ACTION_EDIT, {"id": action, "note_ids": [hidden]}), "invalid")
    assert "note_ids" in error["fields"]
    error = refused(ann.call(p.ACTION_EDIT, {"id": action, "due": "2026-02-30"}), "invalid")
    assert "due" in error["fields"]
    snap = sync(ann)
    assert snap["seq"] == before + 1
    assert [(a["title"], a["note_ids"], a["due"]) for a in snap["actions"]] == [("x" * 200, [shown], None)]


# -- 5. downloads -------------------------------------------------------------------------

ANONYMOUS_AUTHOR = "Zwijgzame Xylofoonist"
PRIVATE_TEXT = "Geheime klacht over Qwerty-afdeling"
EMOJI_CJK = "Samen 🎉 bouwen 协作 共創 🤝"


@pytest.fixture(scope="module")
def plan_room(server, module_clients):
    """A workshop with actions, an anonymous note, a private note and awkward characters."""
    room = Workshop(
        server,
        module_clients,
        "Sanne",
        ANONYMOUS_AUTHOR,
        "Pim",
        title="Teamdag Één café",
        goal="Meer klanten, minder moeite",
        connect_facilitator=True,
    )
    fac = room.facilitator
    sanne, quiet, pim = room.connect("Sanne"), room.connect(ANONYMOUS_AUTHOR), room.connect("Pim")
    ok(fac.call(p.STEP_EDIT, {"index": BRAND, "anonymity": "allowed"}))
    room.anonymous_note, _ = add_note(quiet, BRAND, "Niemand luistert naar de werkvloer", anonymous=True)
    add_note(pim, FRICTION, PRIVATE_TEXT)  # step 2 stays private: never in a download
    room.notes = {
        "agenda": add_note(sanne, PLATFORM, "Open agenda voor iedereen", lane="transparency")[0],
        "emoji": add_note(sanne, PLATFORM, EMOJI_CJK, lane="dialogue")[0],
        "ideeen": add_note(pim, PLATFORM, "Ideeën ophalen bij de financiële afdeling", lane="reflection")[0],
    }
    ok(fac.call(p.VOTING_OPEN, {"step": PLATFORM, "budget": 3}))
    for client, key in ((sanne, "agenda"), (pim, "agenda"), (pim, "agenda"), (sanne, "ideeen")):
        ok(client.call(p.VOTE_CAST, {"note_id": room.notes[key]}))
    ok(fac.call(p.VOTING_CLOSE, {}))
    room.actions = [
        # (title, owner shown, due, sources, votes)
        ("Één overleg per week", "Sanne", "2026-12-15", ["agenda"], 3),
        ('=HYPERLINK("http://x")', "Pim", "2027-03-01", ["ideeen"], 1),
        ("Evaluatie in januari", None, "2027-01-31", [], 0),
        ("Koffie met het café-team", "Externe coach", None, ["emoji"], 0),
    ]
    owners = {"Sanne": room.pid("Sanne"), "Pim": room.pid("Pim"), "Externe coach": "Externe coach", None: None}
    for title, owner, due, sources, _votes in room.actions:
        payload = {"id": new_id(), "title": title, "note_ids": [room.notes[key] for key in sources]}
        if owner:
            payload["owner"] = owners[owner]
        if due:
            payload["due"] = due
        ok(sanne.call(p.ACTION_ADD, payload))
    room.tokens = [room.token(), *(person["token"] for person in room.people.values())]
    return room


def test_downloads_need_a_token_of_this_workshop(server, plan_room):
    other = server.create_workshop("Andere workshop")
    sanne = plan_room.token("Sanne")
    base = plan_room.url()
    for name in DOWNLOADS:
        anonymous = requests.get(f"{base}/{name}", timeout=TIMEOUT)
        assert anonymous.status_code == 401, name
        assert anonymous.json()["error"]["code"] == "unauthorized"
        stranger = plan_room.download(name, other["facilitator_token"])
        assert stranger.status_code == 401, name
        by_cookie = requests.get(f"{base}/{name}", cookies={f"cc_{plan_room.id}": sanne}, timeout=TIMEOUT)
        by_query = requests.get(f"{base}/{name}", params={"token": sanne}, timeout=TIMEOUT)
        by_header = plan_room.download(name, sanne)
        for answer in (by_cookie, by_query, by_header):
            assert answer.status_code == 200, (name, answer.status_code)
            assert answer.headers["Content-Disposition"].startswith("attachment;")
            assert "teamdag-een-cafe" in answer.headers["Content-Disposition"]
            # Whichever way the token came, the same document (a PDF's font subsets are
            # compressed anew each time: its text is the same).
            if name == "plan.pdf":
                assert pdf_text(answer.content) == pdf_text(by_header.content)
            else:
                assert without_made_at(answer.content) == without_made_at(by_header.content), name


def test_markdown_plan_has_actions_owners_dutch_dates_and_hides_what_the_room_did_not_see(plan_room):
    answer = plan_room.download("plan.md", plan_room.token("Pim"))
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/markdown")
    text = answer.text
    assert text.startswith("# Teamdag Één café\n")
    for title in ("Één overleg per week", "Koffie met het café-team", "Evaluatie in januari"):
        assert title in text
    assert '| 2 | =HYPERLINK("http://x") | Pim | 1 maart 2027 | 1 |' in text
    assert "| 1 | Één overleg per week | Sanne | 15 december 2026 | 3 |" in text
    assert "1 maart 2027" in text and "31 januari 2027" in text
    assert "Externe coach" in text and "nog geen eigenaar" in text
    assert "Niemand luistert naar de werkvloer (anoniem)" in text
    assert ANONYMOUS_AUTHOR not in text
    assert PRIVATE_TEXT not in text and "Qwerty" not in text
    assert "1 notitie is nog privé en staat niet in dit plan." in text
    # What the group said: per lane, in the step's lane order.
    said = text[text.index("## Wat we zeiden") :]
    said = said[said.index("#### Transparantie") :]  # after the vote's ranking
    assert (
        said.index("Open agenda voor iedereen")
        < said.index("#### Dialoog")
        < said.index("Samen 🎉")
        < said.index("#### Reflectie")
        < said.index("Ideeën ophalen")
    )


def test_csv_plan_opens_in_dutch_excel_and_never_starts_a_formula(plan_room):
    answer = plan_room.download("plan.csv", plan_room.token("Sanne"))
    assert answer.status_code == 200
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8")[1:]), delimiter=";"))
    # A first session: no column for a follow-up's decision yet.
    assert rows[0] == ["Nr", "Actie", "Eigenaar", "Deadline", "Status", "Voortgang", "Stemmen", "Bronnotities"]
    expected = []
    for number, (title, owner, due, sources, votes) in enumerate(plan_room.actions, 1):
        texts = {
            "agenda": "Open agenda voor iedereen",
            "emoji": EMOJI_CJK,
            "ideeen": "Ideeën ophalen bij de financiële afdeling",
        }
        cell = "'" + title if title.startswith("=") else title
        expected.append(
            [
                str(number),
                cell,
                owner or "",
                due or "",
                "Open",
                "",
                str(votes),
                " | ".join(texts[key] for key in sources),
            ]
        )
    assert rows[1:] == expected
    assert ANONYMOUS_AUTHOR not in answer.content.decode("utf-8")


def test_pdf_plan_holds_title_actions_and_diacritics_and_survives_emoji_and_cjk(plan_room):
    answer = plan_room.download("plan.pdf", plan_room.token("Sanne"))
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(answer.content)).pages) >= 1
    text = pdf_text(answer.content)
    for expected in (
        "Teamdag Één café",
        "Één overleg per week",
        "Koffie met het café-team",
        "Evaluatie in januari",
        "15 december 2026",
        "Ideeën ophalen",
        "financiële",
        "Open agenda voor iedereen",
        "Samen",
    ):
        assert expected in text, expected
    assert ANONYMOUS_AUTHOR not in text and PRIVATE_TEXT not in text


def test_ics_plan_has_one_all_day_event_per_action_with_a_due_date(plan_room):
    answer = plan_room.download("plan.ics", plan_room.token("Pim"))
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(answer.content)
    events = {str(e.get("summary")): e for e in calendar.walk("VEVENT")}
    dated = {title: due for title, _owner, due, _sources, _votes in plan_room.actions if due}
    assert set(events) == set(dated)
    for title, due in dated.items():
        start = events[title].decoded("dtstart")
        assert start == date.fromisoformat(due) and type(start) is date
    assert "Sanne" in str(events["Één overleg per week"].get("description"))
    assert ANONYMOUS_AUTHOR not in answer.content.decode("utf-8")
    assert PRIVATE_TEXT not in answer.content.decode("utf-8")


def test_export_json_is_versioned_and_holds_no_hidden_text_anonymous_author_or_token(plan_room):
    answer = plan_room.download("export.json", plan_room.token("Pim"))
    assert answer.status_code == 200
    raw = answer.text
    backup = answer.json()
    assert backup["format"] == "cocreate.workshop" and backup["version"] == 5
    assert set(backup) == {"format", "version", "workshop", "steps", "participants", "notes", "clusters", "actions"}
    assert PRIVATE_TEXT not in raw and "Qwerty" not in raw
    assert all(note["step"] != FRICTION for note in backup["notes"])
    anonymous = [n for n in backup["notes"] if n["id"] == plan_room.anonymous_note]
    assert anonymous and anonymous[0]["author"] is None and anonymous[0]["anonymous"] is True
    quiet = plan_room.pid(ANONYMOUS_AUTHOR)
    assert all(note["author"] != quiet for note in backup["notes"])
    for token in plan_room.tokens:
        assert token not in raw
    assert "token" not in raw.lower()
    assert {n["id"]: n["votes"] for n in backup["notes"] if n["step"] == PLATFORM} == {
        plan_room.notes["agenda"]: 3,
        plan_room.notes["emoji"]: 0,
        plan_room.notes["ideeen"]: 1,
    }


# -- 6. import ----------------------------------------------------------------------------


def post_import(server, body=None, **kwargs):
    if body is not None:
        kwargs["json"] = body
    return requests.post(server.url + "/api/workshops/import", timeout=TIMEOUT, **kwargs)


def test_export_import_export_gives_the_same_document_and_a_working_facilitator(server, clients, plan_room):
    original = plan_room.download("export.json").json()
    assert any(n["step"] == PLATFORM for n in original["notes"])
    answer = post_import(server, original)
    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert created["id"] != plan_room.id and created["join_code"] != plan_room.created["join_code"]
    again = requests.get(
        f"{server.url}/w/{created['id']}/export.json",
        timeout=TIMEOUT,
        headers={"Authorization": f"Bearer {created['facilitator_token']}"},
    )
    assert again.status_code == 200
    assert again.json() == original

    facilitator = clients(server.url, created["id"], created["facilitator_token"])
    assert facilitator.snapshots[0]["me"]["role"] == "facilitator"
    moved = ok(facilitator.call(p.STEP_GO, {"index": GOALS}))
    wait_through(facilitator, moved["seq"])
    assert events_of(facilitator, p.STEP_CHANGED)[-1]["data"]["index"] == GOALS


def test_export_import_round_trip_keeps_clusters(server, clients):
    room = Workshop(server, clients, "Ann", title="Clusters heen en terug", connect_facilitator=True)
    ann = room.connect("Ann")
    notes = [add_note(ann, PLATFORM, f"Idee {n}", lane=LANES[n % 2])[0] for n in range(4)]
    # The first cluster's id sorts last, so the order cannot come from the ids by chance.
    first, second = "f" + new_id()[1:], "0" + new_id()[1:]
    ok(room.facilitator.call(p.NOTE_GROUP, {"id": first, "ids": notes[:2], "title": "Eerst"}))
    ok(room.facilitator.call(p.NOTE_GROUP, {"id": second, "ids": notes[2:], "title": "Dan"}))
    original = room.download("export.json").json()
    assert [c["title"] for c in original["clusters"]] == ["Eerst", "Dan"]
    created = post_import(server, original).json()
    again = requests.get(
        f"{server.url}/w/{created['id']}/export.json",
        timeout=TIMEOUT,
        headers={"Authorization": f"Bearer {created['facilitator_token']}"},
    )
    assert again.json() == original


@pytest.fixture(scope="module")
def valid_backup(server, plan_room):
    """A real export with a cluster, an action and lanes, to break in many ways."""
    backup = plan_room.download("export.json").json()
    assert backup["actions"] and backup["notes"]
    return backup


def _hostile_cases(good):
    """(name, body) pairs of backups that must be refused with 400 `invalid`."""

    def changed(mutate):
        copy = json.loads(json.dumps(good))
        mutate(copy)
        return copy

    platform_note = next(i for i, n in enumerate(good["notes"]) if n["step"] == PLATFORM)
    sourced = next(i for i, a in enumerate(good["actions"]) if a["note_ids"])

    def nested(depth):
        value = "kern"
        for _ in range(depth):
            value = {"a": [value]}
        return value

    def set_path(path, value):
        def mutate(doc):
            target = doc
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value

        return mutate

    return [
        ("wrong format", changed(set_path(["format"], "trello.board"))),
        ("wrong version", changed(set_path(["version"], 99))),
        ("version as text", changed(set_path(["version"], "1"))),
        ("unknown top-level field", changed(set_path(["extra"], 1))),
        ("unknown workshop field", changed(set_path(["workshop", "owner"], "x"))),
        ("unknown step field", changed(set_path(["steps", 0, "colour"], "red"))),
        ("unknown lane field", changed(set_path(["steps", PLATFORM, "lanes", 0, "x"], 1))),
        ("unknown participant field", changed(set_path(["participants", 0, "token"], "x"))),
        ("unknown note field", changed(set_path(["notes", 0, "mine"], True))),
        ("unknown action field", changed(set_path(["actions", 0, "votes"], 3))),
        ("note on a missing step", changed(set_path(["notes", platform_note, "step"], 17))),
        ("note in a missing lane", changed(set_path(["notes", platform_note, "lane"], "nope"))),
        ("note in a missing cluster", changed(set_path(["notes", platform_note, "group"], new_id()))),
        ("note by a missing author", changed(set_path(["notes", platform_note, "author"], "nobody-at-all"))),
        ("action from a missing note", changed(set_path(["actions", sourced, "note_ids"], [new_id()]))),
        ("action owned by a missing participant", changed(set_path(["actions", 0, "owner_id"], "nobody-at-all"))),
        ("current step past the steps", changed(set_path(["workshop", "current_step"], 9))),
        ("10k note text", changed(set_path(["notes", 0, "text"], "x" * 10_000))),
        ("10k title", changed(set_path(["workshop", "title"], "x" * 10_000))),
        ("10k action title", changed(set_path(["actions", 0, "title"], "é" * 10_000))),
        ("10k participant name", changed(set_path(["participants", 0, "name"], "n" * 10_000))),
        ("steps as an object", changed(set_path(["steps"], {"0": good["steps"][0]}))),
        ("notes as a string", changed(set_path(["notes"], "alle notities"))),
        ("x as text", changed(set_path(["notes", 0, "x"], "links"))),
        ("budget as float", changed(set_path(["steps", 0, "budget"], 2.5))),
        ("due not a date", changed(set_path(["actions", 0, "due"], "morgen"))),
        ("role unknown", changed(set_path(["participants", 0, "role"], "admin"))),
        ("participants empty", changed(set_path(["participants"], []))),
        ("workshop null", changed(set_path(["workshop"], None))),
        ("nested junk in a field", changed(set_path(["workshop", "title"], nested(60)))),
        ("nested junk as a note", changed(set_path(["notes", 0], nested(60)))),
        ("a JSON array", [good]),
        ("a JSON string", "cocreate.workshop"),
        ("null", None),
    ]


def test_malformed_or_hostile_backups_get_400_invalid_and_create_nothing(server, valid_backup):
    log_before = len(server.log())
    rows_before = database_rows(server)
    for name, body in _hostile_cases(valid_backup):
        answer = post_import(server, data=json.dumps(body), headers={"Content-Type": "application/json"})
        assert answer.status_code == 400, (name, answer.status_code, answer.text[:300])
        error = answer.json()["error"]
        assert error["code"] == "invalid", (name, error)
        assert isinstance(error["message"], str) and error["message"]
    for name, raw in [
        ("not JSON", b'{"format": "cocreate.workshop", '),
        ("binary junk", bytes(range(256)) * 8),
        ("empty", b""),
    ]:
        answer = post_import(server, data=raw, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400, (name, answer.status_code)
        assert answer.json()["error"]["code"] == "invalid", name
    big = post_import(server, data=b"[" + b"1," * (1024 * 1024) + b"1]", headers={"Content-Type": "application/json"})
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "payload_too_large"
    assert database_rows(server) == rows_before
    assert "Traceback" not in server.log()[log_before:]


def test_deeply_nested_json_body_is_refused_as_invalid_not_a_server_error(server):
    """5,000 levels of `[` fit easily in 1 MiB; json.loads gives up with a RecursionError."""
    log_before = len(server.log())
    rows_before = database_rows(server)
    for body in ("[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000):
        answer = post_import(server, data=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400, (answer.status_code, answer.text[:200])
        assert answer.json()["error"]["code"] == "invalid"
    assert database_rows(server) == rows_before
    assert "Traceback" not in server.log()[log_before:]


# -- 7. deleting --------------------------------------------------------------------------


def test_deleting_a_workshop_removes_its_downloads_and_disconnects_everyone(server, clients):
    room = Workshop(server, clients, "Ann", title="Weg ermee", connect_facilitator=True)
    ann = room.connect("Ann")
    add_note(ann, PLATFORM, "Laatste notitie")
    gone = {client: threading.Event() for client in (ann, room.facilitator)}
    for client, flag in gone.items():
        client.sio.on("disconnect", lambda *_args, flag=flag: flag.set())
    for name in DOWNLOADS:
        assert room.download(name, room.token("Ann")).status_code == 200

    forbidden = requests.delete(
        f"{server.url}/api/workshops/{room.id}",
        timeout=TIMEOUT,
        headers={"Authorization": f"Bearer {room.token('Ann')}"},
    )
    assert forbidden.status_code == 403
    answer = requests.delete(
        f"{server.url}/api/workshops/{room.id}", timeout=TIMEOUT, headers={"Authorization": f"Bearer {room.token()}"}
    )
    assert answer.status_code == 204
    assert answer.content == b""
    for client, flag in gone.items():
        assert flag.wait(TIMEOUT), "a connected client was not disconnected"
        client.wait_for(lambda: client.closed)  # its handler runs in its own thread
        assert client.closed == [{"reason": "deleted"}]
    for name in DOWNLOADS:
        for token in (room.token(), room.token("Ann")):
            assert room.download(name, token).status_code == 404, name
    assert requests.get(f"{server.url}/api/join/{room.created['join_code']}", timeout=TIMEOUT).status_code == 404
