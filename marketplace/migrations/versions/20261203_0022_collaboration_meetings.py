"""collaboration meetings: the meetings a broker arranges between a deal's parties

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 18:30:00

The Department reports meetings among its indicators, but brokers arranged them by phone and the exchange
kept no trace. `collaboration_meeting` holds each one (`marketplace.meetings`): when (aware UTC, entered in
Huế time), how long, where (a room or address and/or an online link), the agenda, and what became of it
(planned, held with its outcome, cancelled with a reason). `reminded_at` marks the reminder the daily
`send-meeting-reminders` sent, so it goes once; `version` guards edits as on collaborations.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'collaboration_meeting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('collaboration_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('duration_minutes', sa.Integer(), nullable=False),
        sa.Column('place', sa.String(length=300), nullable=True),
        sa.Column('online_link', sa.String(length=500), nullable=True),
        sa.Column('agenda', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('outcome', sa.String(length=2000), nullable=True),
        sa.Column('cancel_reason', sa.String(length=1000), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['collaboration_id'], ['collaboration.id'],
            name=op.f('fk_collaboration_meeting_collaboration_id_collaboration'),
        ),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['user.id'], name=op.f('fk_collaboration_meeting_created_by_id_user')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_collaboration_meeting')),
    )
    op.create_index(
        op.f('ix_collaboration_meeting_collaboration_id'), 'collaboration_meeting', ['collaboration_id'], unique=False
    )
    op.create_index(op.f('ix_collaboration_meeting_starts_at'), 'collaboration_meeting', ['starts_at'], unique=False)
    op.create_index(op.f('ix_collaboration_meeting_status'), 'collaboration_meeting', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_collaboration_meeting_status'), table_name='collaboration_meeting')
    op.drop_index(op.f('ix_collaboration_meeting_starts_at'), table_name='collaboration_meeting')
    op.drop_index(op.f('ix_collaboration_meeting_collaboration_id'), table_name='collaboration_meeting')
    op.drop_table('collaboration_meeting')
