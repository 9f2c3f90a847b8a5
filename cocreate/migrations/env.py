"""Alembic's entry point: migrate the connection `cocreate.migrate` hands over, or, from the
command line, the database `DATABASE_URL` names (else `sqlalchemy.url` in alembic.ini)."""

import os

from alembic import context
from sqlalchemy import create_engine

from cocreate.store import metadata, normalise_database_url


def run(connection):
    # SQLite cannot alter a column in place: Alembic copies the table ("batch" mode).
    context.configure(
        connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite"
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    url = os.environ.get("DATABASE_URL") or context.config.get_main_option("sqlalchemy.url")
    with create_engine(normalise_database_url(url)).begin() as connection:
        run(connection)
