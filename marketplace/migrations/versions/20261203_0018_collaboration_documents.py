"""collaboration documents: the files kept with a deal in the pipeline

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 14:00:00

A collaboration is reported on by its papers: the NDA, the signed technology-transfer contract, meeting
minutes, the acceptance report (biên bản nghiệm thu), invoices. The Department's brokers and the two parties
keep them with the deal (`marketplace.collaboration_documents`). The bytes are kept in the database, in a
table apart from the collaboration, so every app process serves them and a backup of the database holds them.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'collaboration_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('collaboration_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('thumbnail', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ['collaboration_id'], ['collaboration.id'],
            name=op.f('fk_collaboration_document_collaboration_id_collaboration'),
        ),
        sa.ForeignKeyConstraint(
            ['uploaded_by_id'], ['user.id'], name=op.f('fk_collaboration_document_uploaded_by_id_user')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_collaboration_document')),
    )
    op.create_index(
        op.f('ix_collaboration_document_collaboration_id'), 'collaboration_document', ['collaboration_id'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_collaboration_document_collaboration_id'), table_name='collaboration_document')
    op.drop_table('collaboration_document')
