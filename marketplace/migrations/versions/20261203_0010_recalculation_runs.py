"""recalculation runs: staff recalculate every partner proposal from the glossary page

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 12:30:00

A glossary change reached existing proposals only through the `match` command, which staff cannot run.
Each batch recalculation, from the page or the command, is now a row with its progress and outcome
(`marketplace.recalculation`); the unique `running` column (true while running, NULL after) lets only one
run at a time.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'recalculation_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_by_id', sa.Integer(), nullable=True),
        sa.Column('running', sa.Boolean(), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('listings_total', sa.Integer(), nullable=False),
        sa.Column('listings_done', sa.Integer(), nullable=False),
        sa.Column('added', sa.Integer(), nullable=False),
        sa.Column('updated', sa.Integer(), nullable=False),
        sa.Column('removed', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('interrupted', sa.Boolean(), nullable=False),
        sa.Column('error', sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(['started_by_id'], ['user.id'], name=op.f('fk_recalculation_run_started_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recalculation_run')),
        sa.UniqueConstraint('running', name=op.f('uq_recalculation_run_running')),
    )


def downgrade() -> None:
    op.drop_table('recalculation_run')
