"""bounded requests: notes rendered again with CommonMark, write allowances per user

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 13:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Rows rendered and written at a time: memory stays bounded however large the journal.
BATCH = 200


def upgrade():
    op.create_table('write_allowances',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('tokens', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_write_allowances_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_write_allowances'))
    )
    # The notes' HTML was made by Python-Markdown: make it again with today's renderer, so
    # every note looks the same whenever it was written. The Markdown itself is unchanged.
    for name in ('entries', 'weekly_reviews'):
        render_again(name)


def render_again(name: str) -> None:
    from journal.entries.notes import render_notes

    connection = op.get_bind()
    table = sa.table(
        name, sa.column('id', sa.Integer), sa.column('notes', sa.Text), sa.column('notes_html', sa.Text)
    )
    update = (
        table.update().where(table.c.id == sa.bindparam('row_id')).values(notes_html=sa.bindparam('html'))
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(table.c.id, table.c.notes).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(update, [{'row_id': row.id, 'html': render_notes(row.notes or '')} for row in rows])
        last = rows[-1].id


def downgrade():
    op.drop_table('write_allowances')
    # The HTML stays as this version rendered it: older versions show it as it is.
