"""The agenda (run sheet): a workshop's planned days of steps and breaks.

The times a step started and ended are kept with the steps (the `steps` JSON column).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, as in 0002: no table copies that could cascade.
    op.add_column("workshops", sa.Column("agenda", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("workshops", "agenda")
