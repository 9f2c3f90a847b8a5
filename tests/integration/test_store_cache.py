"""The store trusts its cached workshop and lets the guarded seq update prove it current.

Two `Store`s on one SQLite file stand for two processes: each change made through
one must be seen by a command run through the other, with one gap-free `seq`.
"""

import sqlite3
import uuid

import pytest
from sqlalchemy import exc

from cocreate import domain
from cocreate.store import Store


@pytest.fixture
def two_stores(shared_database):
    stores = Store(shared_database), Store(shared_database)
    yield stores
    for store in stores:
        store.close()


def add_note(store, workshop_id, author_id, note_id=None, step=0):
    events, seq = store.execute(
        workshop_id, author_id, "note:add", {"id": note_id or str(uuid.uuid4()), "step": step, "text": "samen plannen"}
    )
    return events, seq


def test_a_participant_who_joined_through_the_other_process_can_write_here(two_stores):
    here, there = two_stores
    workshop, _token = here.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    first = here.add_participant(workshop.id, "Ann")[0]
    add_note(here, workshop.id, first.id)  # `here` now caches the workshop
    late = there.add_participant(workshop.id, "Bram")[0]

    events, seq = add_note(here, workshop.id, late.id)

    assert events[0].data["author"] == late.id
    assert seq == here.workshop(workshop.id).seq == there.workshop(workshop.id).seq
    assert len(here.workshop(workshop.id).participants) == 3


def test_changes_through_both_processes_share_one_gap_free_seq(two_stores):
    here, there = two_stores
    workshop, _token = here.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    person = here.add_participant(workshop.id, "Ann")[0]
    seqs = []
    for i in range(10):
        store = here if i % 3 else there
        events, _seq = add_note(store, workshop.id, person.id)
        seqs += [event.seq for event in events]

    assert seqs == list(range(seqs[0], seqs[0] + 10))
    assert len(here.workshop(workshop.id).notes) == len(there.workshop(workshop.id).notes) == 10


def test_a_note_added_elsewhere_can_be_edited_and_its_id_is_not_stored_twice(two_stores):
    here, there = two_stores
    workshop, _token = here.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    person = here.add_participant(workshop.id, "Ann")[0]
    add_note(here, workshop.id, person.id)
    note_id = str(uuid.uuid4())
    add_note(there, workshop.id, person.id, note_id)

    # The same client id again, through the process that has not seen it: a repeat.
    events, _seq = add_note(here, workshop.id, person.id, note_id)
    assert events == []
    events, _seq = here.execute(workshop.id, person.id, "note:edit", {"id": note_id, "text": "beter plannen"})
    assert events[0].data["text"] == "beter plannen"
    assert there.workshop(workshop.id).notes[note_id].text == "beter plannen"


def test_a_refusal_is_checked_against_the_stored_workshop_not_the_cache(two_stores):
    here, there = two_stores
    workshop, _token = here.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    person = here.add_participant(workshop.id, "Ann")[0]
    facilitator = next(p for p in here.workshop(workshop.id).participants.values() if p.is_facilitator)
    add_note(here, workshop.id, person.id)
    # `there` locks the board; `here` has not seen that yet.
    there.execute(workshop.id, facilitator.id, "workshop:lock", {"locked": True})

    with pytest.raises(domain.DomainError) as refused:
        add_note(here, workshop.id, person.id)
    assert refused.value.code == "locked"
    there.execute(workshop.id, facilitator.id, "workshop:lock", {"locked": False})
    _events, seq = add_note(here, workshop.id, person.id)
    assert seq == there.workshop(workshop.id).seq


def test_a_refused_command_keeps_the_cached_workshop_unchanged(two_stores):
    here, _there = two_stores
    workshop, _token = here.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    person = here.add_participant(workshop.id, "Ann")[0]
    add_note(here, workshop.id, person.id)
    before = here.workshop(workshop.id)

    with pytest.raises(domain.DomainError):
        add_note(here, workshop.id, person.id, step=7)

    after = here.workshop(workshop.id)
    assert after == before


def test_a_workshop_deleted_elsewhere_is_not_found_here(two_stores):
    here, there = two_stores
    workshop, _token = here.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    person = here.add_participant(workshop.id, "Ann")[0]
    add_note(here, workshop.id, person.id)
    there.delete_workshop(workshop.id)

    with pytest.raises(domain.DomainError) as refused:
        add_note(here, workshop.id, person.id)
    assert refused.value.code == "not_found"


def test_a_token_found_once_is_still_found_but_its_deleted_workshop_is_not(two_stores):
    here, there = two_stores
    workshop, token = here.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    found = here.authenticate(workshop.id, token)
    assert found is not None and here.authenticate(workshop.id, "x" * 43) is None
    there.delete_workshop(workshop.id)

    assert there.authenticate(workshop.id, token) is None
    assert here.authenticate(workshop.id, token) == found  # remembered, not read again
    with pytest.raises(domain.DomainError) as refused:
        here.snapshot(workshop.id, found.id)
    assert refused.value.code == "not_found"
    here.delete_workshop(workshop.id)  # deleting here forgets the token as well
    assert here.authenticate(workshop.id, token) is None


def test_a_snapshot_sent_in_turn_shows_what_the_other_process_stored_since(two_stores):
    here, there = two_stores
    workshop, _token = here.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
    ann = here.add_participant(workshop.id, "Ann")[0]
    sent = []
    here.snapshot(workshop.id, ann.id, deliver=sent.append)  # `here` caches the workshop
    _events, seq = add_note(there, workshop.id, ann.id, note_id="b" * 32)

    here.snapshot(workshop.id, ann.id, deliver=sent.append)

    assert sent[-1]["seq"] == seq
    assert [note["id"] for note in sent[-1]["notes"]] == ["b" * 32]


def test_a_failed_read_of_the_seq_is_raised_as_a_database_error(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'broken.sqlite3'}")
    try:
        workshop, _token = store.create_workshop("Sessie", "", "nl", "cocreation", "Fac")
        ann = store.add_participant(workshop.id, "Ann")[0]
        with sqlite3.connect(tmp_path / "broken.sqlite3") as other:
            other.execute("ALTER TABLE workshops RENAME TO gone")

        with pytest.raises(exc.OperationalError, match="no such table"):
            store.snapshot(workshop.id, ann.id, deliver=lambda _view: None)
    finally:
        store.close()
