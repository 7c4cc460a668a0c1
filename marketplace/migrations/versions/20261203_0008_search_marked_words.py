"""search marked words: documents holding a word as it was typed, marks and all, rank higher

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00

The index folds every mark, so "cà" (cà gai leo) also finds cá (fish) and ca; both must be found, as
readers often type without marks, but a reader who typed the marks means one of them. Besides its pairs
of adjacent words, `search_pairs` now holds the words of each document's title and keywords written with
a mark, as written ("cà", "tràm"): `search_pairs_of` (`search.sqlite_fts.boost_terms`) makes them, and
documents holding a word as typed score higher, as for a pair. The index is filled again from the
documents: the delete triggers must hand FTS5 the very terms it was given.

PostgreSQL: `tsv_marked`, the words of the document's title and keywords with their marks ('simple'
configuration, no unaccent), without positions; only read for the matches being ranked: no index.
"""
import re
from collections.abc import Sequence

from alembic import op

from matching.text import fold

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = "title, summary, keywords, org_name, body"
WORDS = re.compile(r"[^\W_]+")


def _refill(function: str) -> None:
    op.execute("INSERT INTO search_pairs(search_pairs) VALUES ('delete-all')")
    op.execute(f"INSERT INTO search_pairs(rowid, pairs) SELECT id, {function}({COLUMNS}) FROM search_document")
    op.execute("INSERT INTO search_pairs(search_pairs) VALUES ('optimize')")


MARKED = " || ".join(f"to_tsvector('simple'::regconfig, {c})" for c in ("title", "keywords"))


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _refill("search_pairs_of")  # as every connection of the application registers it
    else:
        op.execute(f"ALTER TABLE search_document ADD COLUMN tsv_marked tsvector GENERATED ALWAYS AS (strip({MARKED})) STORED")


def _pairs_only(*columns: str | None) -> str:
    """What 0006 indexed: pairs of adjacent words, folded, joined by "_" (its `pair_terms`, kept here as it was)."""
    found: dict[str, None] = {}
    for written in columns:
        words = WORDS.findall(fold((written or "").lower()))
        found.update(dict.fromkeys(f"{first}_{second}" for first, second in zip(words, words[1:], strict=False)))
    return " ".join(found)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("ALTER TABLE search_document DROP COLUMN tsv_marked")
        return
    connection = op.get_bind().connection.dbapi_connection
    connection.create_function("search_pairs_0006", 5, _pairs_only, deterministic=True)  # type: ignore[union-attr]
    _refill("search_pairs_0006")
