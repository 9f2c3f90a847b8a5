"""Every way a workshop is made gets a join code no other workshop holds: a new one, one
imported from a backup, and a follow-up session.

The draw of codes is made to hit the first workshop's code once (with 887 million codes
that practically never happens by chance); the store must then draw again.
"""

import pytest

from cocreate import export
from cocreate.store import Store, tokens


@pytest.fixture
def store(tmp_path):
    made = Store(f"sqlite:///{tmp_path / 'codes.sqlite3'}")
    yield made
    made.close()


@pytest.fixture
def first(store):
    workshop, _token = store.create_workshop("Eerste", "", "nl", "cocreation", "Fac")
    return workshop


@pytest.fixture
def taken_once(monkeypatch, first):
    """The next code drawn is the first workshop's, the ones after it are new."""
    draw = tokens.new_join_code
    drawn = iter([first.join_code])
    monkeypatch.setattr(tokens, "new_join_code", lambda: next(drawn, None) or draw())


def made_with(store, workshop):
    return store.summary(workshop.id).join_code


def test_a_new_workshop_whose_code_is_taken_gets_another(store, first, taken_once):
    workshop, token = store.create_workshop("Tweede", "", "nl", "cocreation", "Fac")

    assert made_with(store, workshop) not in {None, first.join_code}
    assert store.find_by_join_code(first.join_code).id == first.id
    assert store.authenticate(workshop.id, token).role == "facilitator"


def test_an_imported_workshop_whose_code_is_taken_gets_another(store, first, taken_once):
    saved = export.backup(store.workshop(first.id))

    workshop, token = store.import_workshop(
        lambda workshop_id, code, now: export.restore(saved, workshop_id, code, now), "Fac"
    )

    assert made_with(store, workshop) not in {None, first.join_code}
    assert store.find_by_join_code(first.join_code).id == first.id
    assert store.authenticate(workshop.id, token).role == "facilitator"


def test_a_follow_up_whose_code_is_taken_gets_another(store, first, taken_once):
    workshop, token = store.create_follow_up(first.id, "Terugkomdag", "", None, None, "Fac", "30d", None)

    assert made_with(store, workshop) not in {None, first.join_code}
    assert workshop.follow_up_of == first.id
    assert [session.id for session in store.series_sessions(first.id)] == [first.id, workshop.id]
    assert store.authenticate(workshop.id, token).role == "facilitator"
