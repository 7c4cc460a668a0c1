"""one pending inquiry per organization and listing

Revision ID: 0003
Revises: 5e4c0f0a1d01
Create Date: 2026-11-26 08:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '5e4c0f0a1d01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_index('uq_inquiry_pending', 'inquiry', ['sender_org_id', 'listing_kind', 'listing_id'], unique=True,
                    sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade() -> None:
    op.drop_index('uq_inquiry_pending', table_name='inquiry')
