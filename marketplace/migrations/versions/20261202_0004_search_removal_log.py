"""search removal log: SQLite records the id of every search document deleted or changed

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 13:00:00

The SQLite backend keeps each document's filterable fields in memory, by id (`search.attributes`).
A document is written once and never changed in place, but its id can be used again after it is
deleted (SQLite gives a new row the highest id + 1), so the triggers log every id that stops holding
its document; a process reads the log to know which of its copies to drop. PostgreSQL keeps none.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_COLUMNS = ("title", "summary", "keywords", "org_name", "body")


def _fold(prefix: str) -> str:
    return ", ".join(f"replace(replace({prefix}.{c}, 'đ', 'd'), 'Đ', 'D')" for c in TEXT_COLUMNS)


_UNINDEX = (f"INSERT INTO search_fts(search_fts, rowid, {', '.join(TEXT_COLUMNS)}) "
            f"VALUES ('delete', old.id, {_fold('old')}); ")
_INDEX = f"INSERT INTO search_fts(rowid, {', '.join(TEXT_COLUMNS)}) VALUES (new.id, {_fold('new')}); "
_LOG = "INSERT INTO search_removal(document_id) VALUES (old.id); "


def _triggers(log: bool) -> list[str]:
    logged = _LOG if log else ""
    return [
        "DROP TRIGGER search_document_ad",
        "DROP TRIGGER search_document_au",
        f"CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN {_UNINDEX}{logged}END",
        f"CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN {_UNINDEX}{_INDEX}{logged}END",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # AUTOINCREMENT: positions in the log are never used twice, even after it is emptied.
    op.execute("CREATE TABLE search_removal (position INTEGER PRIMARY KEY AUTOINCREMENT, document_id INTEGER NOT NULL)")
    for statement in _triggers(log=True):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in _triggers(log=False):
        op.execute(statement)
    op.execute("DROP TABLE search_removal")
