"""organization logos

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 14:00:00

Institutes and companies are recognised by their logo before their name: the directory and an
organization's page show it. One row per organization, apart from the organization table, so that the many
queries that load organizations never load pictures (`marketplace.logos`).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'organization_logo',
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['organization_id'], ['organization.id'], name=op.f('fk_organization_logo_organization_id_organization')
        ),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_organization_logo_updated_by_id_user')),
        sa.PrimaryKeyConstraint('organization_id', name=op.f('pk_organization_logo')),
    )


def downgrade() -> None:
    op.drop_table('organization_logo')
