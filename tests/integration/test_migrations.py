"""The tables come from Alembic migrations, match `store.metadata`, and an older database is
brought up to date when the server starts."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from cocreate import migrate
from cocreate.store import Store, metadata


def head():
    return ScriptDirectory.from_config(migrate.config()).get_current_head()


def differences(store):
    """What autogenerate would put in a new migration: nothing while they agree."""
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)


@pytest.fixture
def open_store():
    """`open_store(url)`: a Store whose connections are closed after the test."""
    made = []

    def open_(url):
        made.append(Store(url))
        return made[-1]
    yield open_
    for store in made:
        store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cocreate.sqlite3'}"
    return request.getfixturevalue("postgres_server").create_database()


def test_a_new_database_is_made_by_the_migrations_and_matches_the_tables(database_url,
                                                                          open_store):
    store = open_store(database_url)

    with store.engine.connect() as conn:
        assert migrate.current_revision(conn) == head()
    assert differences(store) == []


def test_a_database_of_the_first_builds_is_taken_up_with_everything_in_it(tmp_path, open_store):
    url = f"sqlite:///{tmp_path / 'cocreate.sqlite3'}"
    first = open_store(url)
    workshop, _token = first.create_workshop("Teamdag", "", "nl", "cocreation", "Fac")
    person = first.add_participant(workshop.id, "Ann")[0]
    note_id = str(uuid.uuid4())
    first.execute(workshop.id, person.id, "note:add", {"id": note_id, "step": 0,
                                                        "text": "Samen"})
    with first.engine.begin() as conn:
        # As the first builds left a database: the same tables (the test above), no revision.
        conn.execute(text("DROP TABLE alembic_version"))
    first.close()

    later = open_store(url)

    with later.engine.connect() as conn:
        assert migrate.current_revision(conn) == head()
    assert later.workshop(workshop.id).notes[note_id].text == "Samen"
    assert differences(later) == []


def test_starting_twice_on_a_migrated_database_changes_nothing(tmp_path, open_store):
    url = f"sqlite:///{tmp_path / 'cocreate.sqlite3'}"
    open_store(url)
    store = open_store(url)

    tables = set(inspect(store.engine).get_table_names())
    assert tables == set(metadata.tables) | {"alembic_version"}
