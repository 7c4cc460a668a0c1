"""collaboration stories: public success stories of collaborations, with both parties' consent

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 19:30:00

The Department has to show what the exchange produced, but collaborations are private to their parties and
staff. `collaboration_story` holds one story per collaboration (`marketplace.stories`): a headline and text staff
write, whether the contract value is shown, the consent of a manager of each party (who and when), its status
(draft, awaiting consent, published, withdrawn) and when it was published; `version` guards edits, so a consent
is given to the text its manager read.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'collaboration_story',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('collaboration_id', sa.Integer(), nullable=False),
        sa.Column('headline', sa.String(length=200), nullable=False),
        sa.Column('text', sa.String(length=3000), nullable=False),
        sa.Column('show_value', sa.Boolean(), nullable=False),
        sa.Column('provider_consent_by_id', sa.Integer(), nullable=True),
        sa.Column('provider_consent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('seeker_consent_by_id', sa.Integer(), nullable=True),
        sa.Column('seeker_consent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('written_by_id', sa.Integer(), nullable=True),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['collaboration_id'], ['collaboration.id'],
            name=op.f('fk_collaboration_story_collaboration_id_collaboration'),
        ),
        sa.ForeignKeyConstraint(
            ['provider_consent_by_id'], ['user.id'], name=op.f('fk_collaboration_story_provider_consent_by_id_user')
        ),
        sa.ForeignKeyConstraint(
            ['seeker_consent_by_id'], ['user.id'], name=op.f('fk_collaboration_story_seeker_consent_by_id_user')
        ),
        sa.ForeignKeyConstraint(
            ['written_by_id'], ['user.id'], name=op.f('fk_collaboration_story_written_by_id_user')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_collaboration_story')),
        sa.UniqueConstraint('collaboration_id', name=op.f('uq_collaboration_story_collaboration_id')),
    )
    op.create_index(op.f('ix_collaboration_story_status'), 'collaboration_story', ['status'], unique=False)
    op.create_index(
        op.f('ix_collaboration_story_published_at'), 'collaboration_story', ['published_at'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_collaboration_story_published_at'), table_name='collaboration_story')
    op.drop_index(op.f('ix_collaboration_story_status'), table_name='collaboration_story')
    op.drop_table('collaboration_story')
