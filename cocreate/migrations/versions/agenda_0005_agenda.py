"""The agenda (run sheet): a workshop's planned days of steps and breaks.

The times a step started and ended are kept with the steps (the `steps` JSON column).

Revision ID: agenda_0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = 'agenda_0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, as in 0002: no table copies that could cascade.
    op.add_column('workshops', sa.Column('agenda', sa.JSON(), nullable=True))


def downgrade():
    op.drop_column('workshops', 'agenda')
