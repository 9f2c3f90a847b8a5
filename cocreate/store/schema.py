"""The database schema: a workshop row and the rows of its participants, notes, clusters,
votes, actions and applied commands. Alembic's migrations (cocreate/migrations) follow it.

(The room's tables, where people sit, are `domain.tables`; here a table holds rows.)"""

from sqlalchemy import false as sa_false
from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table

from .. import protocol as p

metadata = MetaData()

# Ids, keys and times are sized by the protocol's limits (PostgreSQL enforces lengths, and
# ids from backups may be up to ID_MAX); changing one of those limits needs a migration.

workshops = Table(
    "workshops",
    metadata,
    Column("id", String(p.ID_MAX), primary_key=True),
    Column("join_code", String(p.JOIN_CODE_MAX), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("goal", String(1000), nullable=False, default=""),
    Column("language", String(8), nullable=False),
    Column("format", String(p.KEY_MAX), nullable=False),
    Column("steps", JSON, nullable=False),
    Column("current_step", Integer, nullable=False, default=0),
    Column("locked", Boolean, nullable=False, default=False),
    Column("seq", Integer, nullable=False, default=0),
    Column("timer", JSON),
    Column("retention", String(16), nullable=False, default="30d"),
    Column("downloaded_at", String(p.TIME_MAX)),
    Column("created_at", String(p.TIME_MAX), nullable=False),
    Column("updated_at", String(p.TIME_MAX), nullable=False, index=True),
    Column("calendar_link", Integer, nullable=False, default=1, server_default="1"),
    Column("tables", JSON, nullable=False, default=list, server_default="[]"),
    Column("table_mode", String(8)),
    Column("focus", String(p.ID_MAX)),
    # A series: the sessions that share its key (the first session's id) follow each other.
    Column("series_id", String(p.ID_MAX), index=True),
    Column("follow_up_of", String(p.ID_MAX)),
    Column("session_date", String(10)),
    # What the facilitator steers live: {spotlight, pitch, paused} (cocreate/domain/room.py).
    Column("room", JSON),
    Column("agenda", JSON),  # the run sheet (domain.agenda), or NULL
)

participants = Table(
    "participants",
    metadata,
    Column("workshop_id", String(p.ID_MAX), ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String(p.ID_MAX), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("ready", Boolean, nullable=False, default=False),
    Column("joined_at", String(p.TIME_MAX), nullable=False),
    Column("position", Integer, nullable=False, default=0),
    Column("table_id", String(p.ID_MAX)),
)

notes = Table(
    "notes",
    metadata,
    Column("workshop_id", String(p.ID_MAX), ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String(p.ID_MAX), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("step", Integer, nullable=False),
    Column("lane", String(p.LANE_MAX)),
    Column("text", String(1200), nullable=False),
    Column("color", String(16), nullable=False),
    Column("x", Float),
    Column("y", Float),
    Column("author_id", String(p.ID_MAX), nullable=False),
    Column("anonymous", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", String(p.TIME_MAX), nullable=False),
    Column("removed", Boolean, nullable=False, default=False),
    Column("group_id", String(p.ID_MAX)),
    Column("table_id", String(p.ID_MAX)),
    Column("for_table", Boolean, nullable=False, default=False, server_default=sa_false()),
)

clusters = Table(
    "clusters",
    metadata,
    Column("workshop_id", String(p.ID_MAX), ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String(p.ID_MAX), primary_key=True),
    Column("step", Integer, nullable=False),
    Column("title", String(200), nullable=False, default=""),
    Column("created_at", String(p.TIME_MAX), nullable=False),
    Column("position", Integer, nullable=False, default=0),
)

votes = Table(
    "votes",
    metadata,
    Column("workshop_id", String(p.ID_MAX), ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("participant_id", String(p.ID_MAX), primary_key=True),
    Column("note_id", String(p.ID_MAX), primary_key=True),
    Column("count", Integer, nullable=False),
)

actions = Table(
    "actions",
    metadata,
    Column("workshop_id", String(p.ID_MAX), ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String(p.ID_MAX), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("title", String(800), nullable=False),
    Column("created_by", String(p.ID_MAX), nullable=False),
    Column("owner_id", String(p.ID_MAX)),
    Column("owner_name", String(320)),
    Column("due", String(10)),
    Column("status", String(8), nullable=False, default="open"),
    Column("note_ids", JSON, nullable=False),
    Column("created_at", String(p.TIME_MAX), nullable=False),
    Column("removed", Boolean, nullable=False, default=False),
    Column("progress", JSON, nullable=False, default=list, server_default="[]"),
    Column("link", Integer, nullable=False, default=1, server_default="1"),
    # Shared across a series: every session holding the action has a row with the same
    # `origin` (the session its links are made with) and id (`domain.series`).
    Column("origin", String(p.ID_MAX)),
    Column("carried", Boolean, nullable=False, default=False, server_default=sa_false()),
    Column("decision", String(8)),
    Column("dropped", Boolean, nullable=False, default=False, server_default=sa_false()),
)
Index("ix_actions_origin", actions.c.origin, actions.c.id)

applied = Table(
    "applied_commands",
    metadata,
    Column("workshop_id", String(p.ID_MAX), ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String(p.ID_MAX), primary_key=True),
    Column("seq", Integer, nullable=False),
)
