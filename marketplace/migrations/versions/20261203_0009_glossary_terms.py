"""glossary terms: the Department edits its bilingual glossary on the site

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:00:00

Search synonyms and the matcher's translations came from `seed_data/glossary.csv` only, which staff could
not change. An empty table means that file is still the glossary; the first change staff make copies it
here (`marketplace.glossary`).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'glossary_term',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('vi', sa.String(length=120), nullable=False),
        sa.Column('en', sa.String(length=120), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_glossary_term_added_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_term')),
    )


def downgrade() -> None:
    op.drop_table('glossary_term')
