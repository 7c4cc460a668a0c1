"""saved searches: members follow a search and hear of new offers and needs that match it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:00:00

A member who searched for "tinh dầu tràm" had to come back and search again to see what was new. A
saved search holds the search page's parameters; the `send-alerts` command looks, daily or weekly, for
listings published since `seen_until` that match it, and tells the member (`marketplace.saved_searches`).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'saved_search',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('params', sa.String(length=2000), nullable=False),
        sa.Column('frequency', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seen_until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_alert_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_alert_count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_saved_search_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_search')),
        sa.UniqueConstraint('user_id', 'params', name=op.f('uq_saved_search_user_id')),
    )
    op.create_index(op.f('ix_saved_search_user_id'), 'saved_search', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_saved_search_user_id'), table_name='saved_search')
    op.drop_table('saved_search')
