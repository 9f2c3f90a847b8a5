"""A series of sessions: a workshop's place in its series, and actions the sessions share.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN and CREATE INDEX, as in 0002: no table copies that could cascade.
    op.add_column("workshops", sa.Column("series_id", sa.String(length=40), nullable=True))
    op.add_column("workshops", sa.Column("follow_up_of", sa.String(length=40), nullable=True))
    op.add_column("workshops", sa.Column("session_date", sa.String(length=10), nullable=True))
    op.create_index("ix_workshops_series_id", "workshops", ["series_id"])
    op.add_column("actions", sa.Column("origin", sa.String(length=40), nullable=True))
    op.add_column("actions", sa.Column("carried", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("actions", sa.Column("decision", sa.String(length=8), nullable=True))
    op.add_column("actions", sa.Column("dropped", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_actions_origin", "actions", ["origin", "id"])


def downgrade():
    # DROP COLUMN in place (SQLite 3.35+, PostgreSQL): never a copy of the table.
    op.drop_index("ix_actions_origin", table_name="actions")
    for column in ("dropped", "decision", "carried", "origin"):
        op.drop_column("actions", column)
    op.drop_index("ix_workshops_series_id", table_name="workshops")
    for column in ("session_date", "follow_up_of", "series_id"):
        op.drop_column("workshops", column)
