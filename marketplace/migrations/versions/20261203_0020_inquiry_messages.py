"""inquiry messages: questions and answers on a pending inquiry

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 16:00:00

Before accepting an inquiry a listing's owner usually asks first ("what volume of cajeput leaves a month?",
"do you hold GACP certification?") and the sender answers. The thread is kept per inquiry
(`marketplace.inquiry_messages`); `author_org_id` is the side the author wrote for, None for the Department.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'inquiry_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('inquiry_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('author_org_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry.id'], name=op.f('fk_inquiry_message_inquiry_id_inquiry')),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_inquiry_message_author_id_user')),
        sa.ForeignKeyConstraint(
            ['author_org_id'], ['organization.id'], name=op.f('fk_inquiry_message_author_org_id_organization')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiry_message')),
    )
    op.create_index(op.f('ix_inquiry_message_inquiry_id'), 'inquiry_message', ['inquiry_id'], unique=False)
    op.create_index(op.f('ix_inquiry_message_author_id'), 'inquiry_message', ['author_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_inquiry_message_author_id'), table_name='inquiry_message')
    op.drop_index(op.f('ix_inquiry_message_inquiry_id'), table_name='inquiry_message')
    op.drop_table('inquiry_message')
