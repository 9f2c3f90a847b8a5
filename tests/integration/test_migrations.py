"""The tables come from Alembic migrations, match `store.metadata`, and an older database is
brought up to date when the server starts."""

import json

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from cocreate import migrate
from cocreate.domain import load_format, steps_in_language
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


def test_a_new_database_is_made_by_the_migrations_and_matches_the_tables(database_url, open_store):
    store = open_store(database_url)

    with store.engine.connect() as conn:
        assert migrate.current_revision(conn) == head()
    assert differences(store) == []


def test_a_database_of_the_first_builds_is_taken_up_with_everything_in_it(tmp_path, open_store):
    url = f"sqlite:///{tmp_path / 'cocreate.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        # As the first builds left a database: their tables (revision 0001), rows, no revision.
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        command.upgrade(migrate.config(conn), migrate.BASELINE)
        conn.execute(text("DROP TABLE alembic_version"))
        now = "2026-11-22T09:00:00+00:00"
        conn.execute(
            text(
                "INSERT INTO workshops (id, join_code, title, goal, language, format, steps, "
                "current_step, locked, seq, retention, created_at, updated_at) VALUES ('w1', "
                "'ABC234', 'Teamdag', '', 'nl', 'cocreation', :steps, 0, 0, 2, '30d', :now, :now)"
            ),
            {"steps": json.dumps(steps_in_language(load_format("cocreation"), "nl")), "now": now},
        )
        conn.execute(
            text(
                "INSERT INTO participants (workshop_id, id, token_hash, name, role, ready, "
                "joined_at, position) VALUES ('w1', 'ann', 'x', 'Ann', 'participant', 0, :now, 1)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO notes (workshop_id, id, position, step, text, color, author_id, "
                "anonymous, version, created_at, removed) VALUES ('w1', 'n1', 2, 0, 'Samen', "
                "'yellow', 'ann', 0, 1, :now, 0)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO actions (workshop_id, id, position, title, created_by, status, "
                "note_ids, created_at, removed) VALUES ('w1', 'a1', 3, 'Koffie', 'ann', 'open', "
                "'[\"n1\"]', :now, 0)"
            ),
            {"now": now},
        )
    engine.dispose()

    later = open_store(url)

    with later.engine.connect() as conn:
        assert migrate.current_revision(conn) == head()
    workshop = later.workshop("w1")
    assert workshop.notes["n1"].text == "Samen"
    assert (workshop.actions["a1"].progress, workshop.actions["a1"].link) == ([], 1)
    assert workshop.calendar_link == 1
    assert (
        workshop.actions["a1"].origin,
        workshop.actions["a1"].carried,
        workshop.actions["a1"].dropped,
        workshop.follow_up_of,
    ) == (None, False, False, None)
    assert differences(later) == []


def test_starting_twice_on_a_migrated_database_changes_nothing(tmp_path, open_store):
    url = f"sqlite:///{tmp_path / 'cocreate.sqlite3'}"
    open_store(url)
    store = open_store(url)

    tables = set(inspect(store.engine).get_table_names())
    assert tables == set(metadata.tables) | {"alembic_version"}
