"""search pairs: SQLite indexes each document's pairs of adjacent words apart

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 18:00:00

Documents holding two typed words side by side rank higher. FTS5 answered that with a phrase query,
comparing both words' positions in every document that holds both; `search_pairs` holds each pair
as one term ("cong_nghe"), so it is one list of ids to read. It is contentless: its terms are made
from the stored text by the SQL function `search_pairs_of` (`search.sqlite_fts.pair_terms`, which
every SQLite connection of the application registers), on insert and again on delete.
PostgreSQL finds phrases through its own index and keeps none.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_COLUMNS = ("title", "summary", "keywords", "org_name", "body")
_NAMES = ", ".join(TEXT_COLUMNS)


def _fold(prefix: str) -> str:
    return ", ".join(f"replace(replace({prefix}.{c}, 'đ', 'd'), 'Đ', 'D')" for c in TEXT_COLUMNS)


def _pairs(prefix: str) -> str:
    return f"search_pairs_of({', '.join(f'{prefix}.{c}' for c in TEXT_COLUMNS)})"


_UNINDEX = f"INSERT INTO search_fts(search_fts, rowid, {_NAMES}) VALUES ('delete', old.id, {_fold('old')}); "
_INDEX = f"INSERT INTO search_fts(rowid, {_NAMES}) VALUES (new.id, {_fold('new')}); "
_UNPAIR = f"INSERT INTO search_pairs(search_pairs, rowid, pairs) VALUES ('delete', old.id, {_pairs('old')}); "
_PAIR = f"INSERT INTO search_pairs(rowid, pairs) VALUES (new.id, {_pairs('new')}); "
_LOG = "INSERT INTO search_removal(document_id) VALUES (old.id); "


def _triggers(pairs: bool) -> list[str]:
    unpair, pair = (_UNPAIR, _PAIR) if pairs else ("", "")
    return [
        "DROP TRIGGER search_document_ai",
        "DROP TRIGGER search_document_ad",
        "DROP TRIGGER search_document_au",
        f"CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN {_INDEX}{pair}END",
        f"CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN {_UNINDEX}{unpair}{_LOG}END",
        f"CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
        f"{_UNINDEX}{unpair}{_INDEX}{pair}{_LOG}END",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # Only whether a document holds a term is read: no positions (detail=none), no sizes (columnsize=0).
    op.execute(
        "CREATE VIRTUAL TABLE search_pairs USING fts5(pairs, content='', detail=none, columnsize=0,"
        " tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")"
    )
    op.execute(f"INSERT INTO search_pairs(rowid, pairs) SELECT id, {_pairs('search_document')} FROM search_document")
    for statement in _triggers(pairs=True):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in _triggers(pairs=False):
        op.execute(statement)
    op.execute("DROP TABLE search_pairs")
