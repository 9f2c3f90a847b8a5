"""What the facilitator steers live: the spotlight, a pitch round, the pause.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("workshops", sa.Column("room", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("workshops", "room")
