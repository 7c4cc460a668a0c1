"""listing translations: an offer or need may carry its title and summary in the other language

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 19:00:00

Nearly every listing is written in Vietnamese, so an English reader (a foreign investor, a partner
university) saw pages of Vietnamese titles. `translated_title` and `translated_summary` hold the owner's
own translation into the other language than the listing's `language`; both optional. The search
documents carry them too, to show an English reader the English title of a hit (they are searched through
the document's keywords and body, so the full-text indexes and triggers do not change). No listing has a
translation yet: nothing to fill.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("offer", "need"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("translated_title", sa.String(length=200), nullable=True))
            batch.add_column(sa.Column("translated_summary", sa.String(length=600), nullable=True))
    # Plain ADD COLUMN, never a copy of the table: SQLite's triggers that feed FTS5 stay as they are.
    op.add_column("search_document", sa.Column("translated_title", sa.Text(), nullable=True))
    op.add_column("search_document", sa.Column("translated_summary", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("search_document", "translated_summary")
    op.drop_column("search_document", "translated_title")
    for table in ("need", "offer"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("translated_summary")
            batch.drop_column("translated_title")
