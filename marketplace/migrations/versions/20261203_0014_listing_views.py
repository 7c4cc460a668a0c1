"""listing views: how often each published offer and need is opened, by day

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 12:00:00

Owners asked whether anyone reads their listing, and the Department which technologies draw interest.
One row per listing and day (Huế time) counts the openings by people outside the listing's organization,
staff and robots left out (`marketplace.listing_views`).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'listing_views',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('listing_kind', sa.String(length=30), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('views', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_views')),
        sa.UniqueConstraint('listing_kind', 'listing_id', 'day', name=op.f('uq_listing_views_listing_kind')),
    )
    op.create_index(op.f('ix_listing_views_listing_id'), 'listing_views', ['listing_id'], unique=False)
    op.create_index(op.f('ix_listing_views_day'), 'listing_views', ['day'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_listing_views_day'), table_name='listing_views')
    op.drop_index(op.f('ix_listing_views_listing_id'), table_name='listing_views')
    op.drop_table('listing_views')
