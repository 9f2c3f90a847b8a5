"""Follow-through: an action's progress history and the generations of its update link and
of the workshop's calendar feed.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('actions') as table:
        table.add_column(sa.Column('progress', sa.JSON(), nullable=False, server_default='[]'))
        table.add_column(sa.Column('link', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('workshops') as table:
        table.add_column(sa.Column('calendar_link', sa.Integer(), nullable=False,
                                   server_default='1'))


def downgrade():
    with op.batch_alter_table('workshops') as table:
        table.drop_column('calendar_link')
    with op.batch_alter_table('actions') as table:
        table.drop_column('link')
        table.drop_column('progress')
