"""Follow-through: an action's progress history and the generations of its update link and
of the workshop's calendar feed.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both databases: SQLite's batch mode would copy the tables, and
    # dropping the old `workshops` would cascade to every note.
    op.add_column("actions", sa.Column("progress", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("actions", sa.Column("link", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("workshops", sa.Column("calendar_link", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    with op.batch_alter_table("workshops") as table:
        table.drop_column("calendar_link")
    with op.batch_alter_table("actions") as table:
        table.drop_column("link")
        table.drop_column("progress")
