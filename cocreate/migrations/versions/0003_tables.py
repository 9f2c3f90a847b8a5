"""The room's tables (small groups inside one workshop, `domain.tables`; not SQL tables):
the tables, who sits where, the projector's focus, and the table of each note.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, as in 0002: no table copies that could cascade.
    op.add_column("workshops", sa.Column("tables", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("workshops", sa.Column("table_mode", sa.String(length=8), nullable=True))
    op.add_column("workshops", sa.Column("focus", sa.String(length=40), nullable=True))
    op.add_column("participants", sa.Column("table_id", sa.String(length=40), nullable=True))
    op.add_column("notes", sa.Column("table_id", sa.String(length=40), nullable=True))
    op.add_column("notes", sa.Column("for_table", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    for table, column in (
        ("notes", "for_table"),
        ("notes", "table_id"),
        ("participants", "table_id"),
        ("workshops", "focus"),
        ("workshops", "table_mode"),
        ("workshops", "tables"),
    ):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
