"""Persistence with SQLAlchemy 2: SQLite (WAL) by default, PostgreSQL when configured.

`Store` (store.py) is what the server uses; behind it, by role:

- tables.py    the tables (Alembic's migrations follow them)
- tokens.py    ids, secret tokens and join codes
- rows.py      a workshop loaded from its rows, or stored as rows
- persist.py   how each event is stored, with the statements built once
- locking.py   the concurrency protocol: one change of a workshop at a time, in `seq` order,
               in every process (workshop locks, the writer connection, advisory locks)
- retention.py how long workshops are kept, and deleting them
- series.py    follow-up sessions, and changing an action the sessions of a series share
- outage.py    the database out of reach: which errors say so, one log line each time
- urls.py      database URLs

The tables are kept up to date by `migrate` (Alembic) when the store starts.
"""

from .outage import MESSAGE as UNAVAILABLE, RETRY_AFTER
from .store import Store
from .schema import metadata
from .urls import normalise_database_url, printable_database_url

__all__ = ["RETRY_AFTER", "UNAVAILABLE", "Store", "metadata", "normalise_database_url",
           "printable_database_url"]
