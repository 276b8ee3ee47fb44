"""insights: user goals and week start, topic states, an index for the aggregates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 19:35:41.866918

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.create_index('ix_entries_user_live_date', ['user_id', 'deleted_at', 'study_date', 'stage_id', 'minutes'], unique=False)

    # The check constraint makes SQLite rebuild the table (env.py turns foreign keys
    # off for that, so entry_topics keeps its rows).
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=10), nullable=True))
        batch_op.create_check_constraint('state', "state IN ('learning', 'done', 'skipped')")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('daily_minimum_minutes', sa.Integer(), server_default='15', nullable=False))
        batch_op.add_column(sa.Column('weekly_goal_minutes', sa.Integer(), server_default='600', nullable=False))
        batch_op.add_column(sa.Column('week_start', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('rest_days_per_week', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('rest_days_per_week')
        batch_op.drop_column('week_start')
        batch_op.drop_column('weekly_goal_minutes')
        batch_op.drop_column('daily_minimum_minutes')

    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_constraint('state', type_='check')
        batch_op.drop_column('state')

    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_index('ix_entries_user_live_date')
