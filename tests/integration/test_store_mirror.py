"""Each process's cached workshop takes the changes another process tells it
(cocreate/store/mirror.py) instead of reading the whole workshop again.

Two `Store`s on one SQLite file stand for two processes; what one tells goes to the
other as JSON, the way the Redis message queue carries it (the queue itself is in
test_scale_out.py). After every change the hearer's copy must equal the workshop
read fresh from the database, and it must not have read the workshop to get there.
"""

import json
import uuid

import pytest
from sqlalchemy import event

from cocreate import domain
from cocreate.realtime.commands import SCHEMAS as COMMAND_SCHEMAS
from cocreate.store import Store
from cocreate.store.rows import load_workshop


class Peers:
    """Two stores telling each other their changes; `heard` records each outcome."""

    def __init__(self, url):
        self.stores = Store(url), Store(url)
        self.heard = []
        self.cut = False  # while True, nothing told arrives (the queue was away)
        for teller, hearer in (self.stores, reversed(self.stores)):
            teller.tell = self._wire(hearer)
        self.reads = 0
        for store in self.stores:
            event.listen(store.engine, "before_cursor_execute", self._count_reads)

    def _wire(self, hearer):
        def tell(message):
            if not self.cut:
                self.heard.append(hearer.hear(json.loads(json.dumps(message))))

        return tell

    def _count_reads(self, _conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT") and "FROM notes" in statement:
            self.reads += 1  # only reading a whole workshop reads its notes

    def close(self):
        for store in self.stores:
            store.close()


@pytest.fixture
def peers(shared_database):
    made = Peers(shared_database)
    yield made
    made.close()


def stored(store, workshop_id):
    with store.engine.connect() as conn:
        return load_workshop(conn, workshop_id)


def run(store, workshop_id, actor_id, name, **raw):
    """A command as a socket handler runs it: through its schema, then the store."""
    return store.execute(workshop_id, actor_id, name, COMMAND_SCHEMAS[name].load(raw))


def new_id():
    return str(uuid.uuid4())


def a_workshop(peers):
    here, there = peers.stores
    workshop, _token = here.create_workshop("Sessie", "Samen", "nl", "cocreation", "Fac")
    facilitator = next(iter(here.workshop(workshop.id).participants))
    ann = here.add_participant(workshop.id, "Ann")[0].id
    there.workshop(workshop.id)  # both processes serve the room: both hold a copy
    return workshop.id, facilitator, ann


def test_a_whole_workshop_run_from_both_processes_keeps_both_copies_current(peers):
    wid, fac, ann = a_workshop(peers)
    bram = peers.stores[1].add_participant(wid, "Bram")[0].id
    notes = [new_id() for _ in range(4)]
    action = new_id()
    script = [
        (ann, "note:add", {"id": notes[0], "step": 0, "text": "Doel één"}),
        (bram, "note:add", {"id": notes[1], "step": 0, "text": "Doel twee", "color": "blue"}),
        (ann, "note:edit", {"id": notes[0], "text": "Doel één, beter"}),
        (bram, "note:move", {"id": notes[1], "x": 0.25, "y": 0.75}),
        (fac, "timer:start", {"seconds": 300}),
        (ann, "participant:ready", {"ready": True}),
        (fac, "step:go", {"index": 2}),
        (ann, "note:add", {"id": notes[2], "step": 2, "text": "Wrijving", "anonymous": True}),
        (bram, "note:add", {"id": notes[3], "step": 2, "text": "Nog een"}),
        (ann, "note:edit", {"id": notes[2], "text": "Wrijving, eerlijk"}),
        (fac, "notes:reveal", {"step": 2}),
        (fac, "note:group", {"ids": [notes[2], notes[3]], "title": "Samen", "id": new_id()}),
        (fac, "voting:open", {"step": 2, "budget": 3}),
        (ann, "vote:cast", {"note_id": notes[2]}),
        (bram, "vote:cast", {"note_id": notes[2]}),
        (bram, "vote:retract", {"note_id": notes[2]}),
        (fac, "voting:close", {}),
        (fac, "step:go", {"index": 3}),
        (fac, "tables:set", {"count": 2, "mode": "random", "names": ["Data", "Leiderschap"]}),
        (fac, "projector:focus", {"table": None}),
        (
            ann,
            "action:add",
            {"id": action, "title": "Plan maken", "owner": bram, "due": "2026-12-15", "note_ids": [notes[2]]},
        ),
        (bram, "action:edit", {"id": action, "status": "doing"}),
        (fac, "action:relink", {"id": action}),
        (fac, "tables:clear", {}),
        (fac, "step:edit", {"index": 3, "prompt": "Wat doen we morgen?"}),
        (fac, "workshop:edit", {"title": "Sessie 1"}),
        (fac, "calendar:relink", {}),
        (fac, "workshop:lock", {"locked": True}),
        (fac, "timer:start", {"seconds": 120}),  # step:go ended the first countdown
        (fac, "timer:stop", {}),
    ]
    for turn, (actor, name, raw) in enumerate(script):
        teller = peers.stores[turn % 2]
        hearer = peers.stores[1 - turn % 2]
        reads = peers.reads
        events, seq = run(teller, wid, actor, name, **raw)

        assert peers.reads == reads, f"{name}: a process read the whole workshop again"
        assert events, name
        assert peers.heard[-1] is True, f"{name}: the other process forgot its copy"
        assert hearer.cache.get(wid) == stored(hearer, wid), name
        assert hearer.cache.get(wid).seq == seq


def test_someone_joining_through_one_process_is_known_to_the_other_without_reading(peers):
    wid, _fac, _ann = a_workshop(peers)
    here, there = peers.stores
    reads = peers.reads

    chris = here.add_participant(wid, "Chris")[0].id
    run(there, wid, chris, "note:add", id=new_id(), step=0, text="Van Chris")

    assert peers.reads == reads
    assert peers.heard[-2:] == [True, True]
    assert here.cache.get(wid) == there.cache.get(wid) == stored(here, wid)


def test_a_copy_that_missed_a_change_is_forgotten_and_read_again(peers):
    wid, _fac, ann = a_workshop(peers)
    here, there = peers.stores
    peers.cut = True
    run(here, wid, ann, "note:add", id=new_id(), step=0, text="Niet verteld")
    peers.cut = False

    run(here, wid, ann, "note:add", id=new_id(), step=0, text="Wel verteld")

    assert peers.heard[-1] is False
    assert wid not in there.cache
    _events, seq = run(there, wid, ann, "note:add", id=new_id(), step=0, text="Verder")
    assert seq == stored(here, wid).seq
    assert len(stored(here, wid).notes) == 3


def test_a_change_the_domain_cannot_repeat_exactly_makes_the_other_forget_its_copy(peers):
    wid, fac, ann = a_workshop(peers)
    here, there = peers.stores
    notes = [new_id(), new_id()]
    for note_id in notes:
        run(here, wid, ann, "note:add", id=note_id, step=0, text="Groepeer mij")

    run(here, wid, fac, "note:group", ids=notes, title="Zonder id")  # the cluster id is drawn

    assert peers.heard[-1] is False
    assert wid not in there.cache
    assert there.workshop(wid) == stored(there, wid)


def test_a_copy_read_after_the_change_keeps_it(peers):
    wid, _fac, ann = a_workshop(peers)
    here, there = peers.stores
    told = []
    here.tell = told.append
    run(here, wid, ann, "note:add", id=new_id(), step=0, text="Later verteld")
    there.workshop(wid)  # reads the stored workshop, change included

    assert there.hear(json.loads(json.dumps(told[-1]))) is True
    assert there.cache.get(wid) == stored(there, wid)


@pytest.mark.parametrize(
    "message",
    [
        None,
        [],
        {"workshop": 7},
        "text",
        {"kind": "command", "args": [], "digest": "0"},
    ],
)
def test_a_message_that_names_no_cached_workshop_changes_nothing(peers, message):
    wid, _fac, _ann = a_workshop(peers)
    there = peers.stores[1]
    copy = there.cache.get(wid)

    assert there.hear(message) is False
    assert there.cache.get(wid) is copy


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "unknown"},
        {"args": "not a list"},
        {"args": [None, "note:add", {}, "2026-01-01"]},
        {"digest": "something else"},
        {"before": "seven"},
    ],
)
def test_a_message_that_cannot_be_replayed_makes_the_copy_be_read_again(peers, change):
    wid, _fac, ann = a_workshop(peers)
    here, there = peers.stores
    told = []
    here.tell = told.append
    run(here, wid, ann, "note:add", id=new_id(), step=0, text="Kapot verteld")

    assert there.hear({**told[-1], **change}) is False
    assert wid not in there.cache
    assert len(there.workshop(wid).notes) == 1


def test_an_anonymous_note_told_to_the_other_process_stays_anonymous_to_its_viewers(peers):
    wid, fac, ann = a_workshop(peers)
    here, there = peers.stores
    run(here, wid, fac, "step:go", index=2)
    note_id = new_id()
    run(here, wid, ann, "note:add", id=note_id, step=2, text="Eerlijk", anonymous=True)
    run(here, wid, fac, "notes:reveal", step=2)

    copy = there.cache.get(wid)
    assert copy.notes[note_id].author_id == ann  # so Ann can still edit it there
    facilitator_view = domain.snapshot(copy, copy.participants[fac], "2026-01-01T00:00:00")
    shown = next(note for note in facilitator_view["notes"] if note["id"] == note_id)
    assert ann not in json.dumps(shown)
    run(there, wid, ann, "note:edit", id=note_id, text="Eerlijk, en beter")
    assert stored(here, wid).notes[note_id].text == "Eerlijk, en beter"
