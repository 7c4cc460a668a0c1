"""search documents' long values out of line on PostgreSQL: the matches' fields are read from fewer pages

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00

A search reads the facet fields of every match from the table (the GIN index only says which rows
match). With the text and its tsvector inline, a document's row took ~2.3 kB and a word found in 13,500
of 100,000 listings meant reading 11,300 pages (24 ms). With `toast_tuple_target` at 256 bytes,
PostgreSQL keeps the long values (body, tsvector) out of line and the rows short: that search took
28% less; ts_rank reads the out-of-line tsvector of the 1,000 ranked matches only. The documents are
written again here so that the setting applies to them (a `reindex` would do the same). SQLite: nothing.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_document SET (toast_tuple_target = 256)")
        op.execute("UPDATE search_document SET status = status")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_document RESET (toast_tuple_target)")
