"""listing attachments: files shown with offers and needs

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 13:00:00

A technology on offer is judged by its documents as much as by its text: the technology profile the
institute takes to a techmart, a test report, a photo of the product. Owners attach them to a listing; the
Department lets each one be shown, as it does the listing (`marketplace.attachments`). The bytes are kept
in the database, so every app process serves them and a backup of the database holds them.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'listing_attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('listing_kind', sa.String(length=30), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('audience', sa.String(length=30), nullable=False),
        sa.Column('approved', sa.Boolean(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('thumbnail', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ['uploaded_by_id'], ['user.id'], name=op.f('fk_listing_attachment_uploaded_by_id_user')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_attachment')),
    )
    op.create_index(op.f('ix_listing_attachment_listing_id'), 'listing_attachment', ['listing_id'], unique=False)
    op.create_index(op.f('ix_listing_attachment_approved'), 'listing_attachment', ['approved'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_listing_attachment_approved'), table_name='listing_attachment')
    op.drop_index(op.f('ix_listing_attachment_listing_id'), table_name='listing_attachment')
    op.drop_table('listing_attachment')
