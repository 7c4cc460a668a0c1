"""saved listings: the offers and needs a member keeps on a shortlist, with a private note

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 14:00:00

Enterprises weighing several technologies had to search for them again each time. A member keeps the offers
and needs they are considering ("Tin đã lưu"), each with a note only they read; one row per member and
listing, so a double click keeps one. The listing's managers see how many keep it, never who
(`marketplace.saved_listings`).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'saved_listing',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('listing_kind', sa.String(length=30), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_saved_listing_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_listing')),
        sa.UniqueConstraint('user_id', 'listing_kind', 'listing_id', name=op.f('uq_saved_listing_user_id')),
    )
    op.create_index(op.f('ix_saved_listing_user_id'), 'saved_listing', ['user_id'], unique=False)
    op.create_index(op.f('ix_saved_listing_listing_id'), 'saved_listing', ['listing_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_saved_listing_listing_id'), table_name='saved_listing')
    op.drop_index(op.f('ix_saved_listing_user_id'), table_name='saved_listing')
    op.drop_table('saved_listing')
