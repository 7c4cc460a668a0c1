"""listing revisions: changes to a published listing wait for review; an offer's IP status may be unset

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 15:00:00

A published listing keeps its approved text while its owner's changes wait in `listingrevision`
(one row per listing). A draft offer no longer gets "no IP protection" unless its owner chose it,
so `offer.ip_status` becomes nullable.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'listingrevision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('listing_kind', sa.String(length=30), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('rejection_reason', sa.String(length=1000), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_listingrevision_author_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_listingrevision')),
        sa.UniqueConstraint('listing_kind', 'listing_id', name=op.f('uq_listingrevision_listing_kind')),
    )
    op.create_index(op.f('ix_listingrevision_listing_id'), 'listingrevision', ['listing_id'], unique=False)
    op.create_index(op.f('ix_listingrevision_status'), 'listingrevision', ['status'], unique=False)
    with op.batch_alter_table('offer') as batch_op:
        batch_op.alter_column('ip_status', existing_type=sa.String(length=30), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE offer SET ip_status = 'none' WHERE ip_status IS NULL")
    with op.batch_alter_table('offer') as batch_op:
        batch_op.alter_column('ip_status', existing_type=sa.String(length=30), nullable=False)
    op.drop_index(op.f('ix_listingrevision_status'), table_name='listingrevision')
    op.drop_index(op.f('ix_listingrevision_listing_id'), table_name='listingrevision')
    op.drop_table('listingrevision')
