"""The database follows this build's schema through Alembic migrations (cocreate/migrations).

`Store` runs `upgrade` when it starts, so a new build brings an older database up to
date by itself. Making a migration after changing the schema in `store/schema.py`:

    .venv/bin/alembic revision --autogenerate -m "what changed"   # uses alembic.ini

and read what it wrote before committing it; a test fails while the schema and the
migrations disagree.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The schema as the first builds made it with `create_all`, before there were migrations.
BASELINE = "0001"


def config(connection=None):
    """Alembic's configuration, without an ini file; `connection` is the one to migrate."""
    settings = Config()
    settings.set_main_option("script_location", str(MIGRATIONS))
    settings.attributes["connection"] = connection
    return settings


def current_revision(connection):
    """The revision the database is at, or None."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection):
    """Bring the database up to this build's schema, inside the caller's transaction.

    A database the first builds made (tables, no revision) is taken to be at the
    baseline; an empty one is made from scratch.
    """
    if current_revision(connection) is None and inspect(connection).has_table("workshops"):
        command.stamp(config(connection), BASELINE)
    command.upgrade(config(connection), "head")
