"""search labels and pairs: labels in a column of their own; SQLite indexes pairs of adjacent words apart

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 18:00:00

Labels. A document's sector, organisation kind and ward names (both languages) ended its body after
a separator, so they counted like the author's words: for "chuyen doi so" the needs whose only match
was their sector's name ("Chuyển đổi số và phần mềm" / "Digital transformation…", which the glossary
makes match twice) outranked the listing with those words in its title. They move to `labels`,
which the ranking weighs far below the text (SQLite: a sixth FTS5 column; PostgreSQL: weight D,
with the body moving up to C).

Pairs (SQLite). Documents holding two typed words side by side rank higher. FTS5 answered that with
a phrase query, comparing both words' positions in every document that holds both; `search_pairs`
holds each pair as one term ("cong_nghe"), one list of ids to read. It is contentless: its terms
are made from the stored text by the SQL function `search_pairs_of` (`search.sqlite_fts.pair_terms`,
which every SQLite connection of the application registers), on insert and again on delete.

Language. A listing's language is copied to its document, so that search results mark an English
listing's text as English (screen readers then read it with an English voice).
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_COLUMNS = ("title", "summary", "keywords", "org_name", "body")
NEW_COLUMNS = (*OLD_COLUMNS, "labels")  # the FTS5 column order
SEPARATOR = "char(10) || char(7) || char(10)"  # between a body and its labels, before this revision


def _fold(prefix: str, columns: Sequence[str]) -> str:
    """Each column with đ → d (the unicode61 tokenizer folds the other marks)."""
    return ", ".join(f"replace(replace({prefix}{c}, 'đ', 'd'), 'Đ', 'D')" for c in columns)


def _fts(columns: Sequence[str]) -> list[str]:
    names = ", ".join(columns)
    return [
        "DROP TABLE search_fts",
        f"CREATE VIRTUAL TABLE search_fts USING fts5({names}, content='search_document', content_rowid='id',"
        " tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        f"INSERT INTO search_fts(rowid, {names}) SELECT id, {_fold('', columns)} FROM search_document",
    ]


def _triggers(columns: Sequence[str], pairs: bool) -> list[str]:
    names = ", ".join(columns)
    unindex = f"INSERT INTO search_fts(search_fts, rowid, {names}) VALUES ('delete', old.id, {_fold('old.', columns)}); "
    index = f"INSERT INTO search_fts(rowid, {names}) VALUES (new.id, {_fold('new.', columns)}); "
    unpair = pair = ""
    if pairs:
        unpair = f"INSERT INTO search_pairs(search_pairs, rowid, pairs) VALUES ('delete', old.id, {_pairs('old.')}); "
        pair = f"INSERT INTO search_pairs(rowid, pairs) VALUES (new.id, {_pairs('new.')}); "
    log = "INSERT INTO search_removal(document_id) VALUES (old.id); "
    return [
        f"CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN {index}{pair}END",
        f"CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN {unindex}{unpair}{log}END",
        f"CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN {unindex}{unpair}{index}{pair}{log}END",
    ]


def _pairs(prefix: str) -> str:
    return f"search_pairs_of({', '.join(prefix + c for c in OLD_COLUMNS)})"


DROP_TRIGGERS = [f"DROP TRIGGER search_document_{name}" for name in ("ai", "ad", "au")]


DROP_TSV = ["DROP INDEX ix_search_document_tsv", "ALTER TABLE search_document DROP COLUMN tsv"]


def _tsv(labels: bool) -> list[str]:
    """PostgreSQL's generated tsvector and its index (a generated column cannot be altered: it is made again)."""
    body, rest = ("'C'", " || setweight(to_tsvector('hue_search'::regconfig, labels), 'D')") if labels else ("'D'", "")
    return [
        "ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
        " setweight(to_tsvector('hue_search'::regconfig, title), 'A')"
        " || setweight(to_tsvector('hue_search'::regconfig, keywords), 'B')"
        " || setweight(to_tsvector('hue_search'::regconfig, summary), 'C')"
        " || setweight(to_tsvector('hue_search'::regconfig, org_name), 'C')"
        f" || setweight(to_tsvector('hue_search'::regconfig, body), {body}){rest}) STORED",
        "CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)",
    ]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for statement in DROP_TRIGGERS:  # the rewrite below is indexed afresh
            op.execute(statement)
    op.execute("ALTER TABLE search_document ADD COLUMN labels TEXT NOT NULL DEFAULT ''")
    op.execute("ALTER TABLE search_document ADD COLUMN language VARCHAR(5)")
    for kind in ("offer", "need"):
        op.execute(
            f"UPDATE search_document SET language = (SELECT language FROM {kind} WHERE {kind}.id = entity_id)"
            f" WHERE kind = '{kind}'"
        )
    at = "instr(body, char(7))" if sqlite else "strpos(body, chr(7))"
    op.execute(
        f"UPDATE search_document SET labels = ltrim(substr(body, {at} + 1), {'char(10)' if sqlite else 'chr(10)'}),"
        f" body = rtrim(substr(body, 1, {at} - 1), {'char(10)' if sqlite else 'chr(10)'}) WHERE {at} > 0"
    )
    if not sqlite:
        for statement in [*DROP_TSV, *_tsv(labels=True)]:
            op.execute(statement)
        return
    for statement in _fts(NEW_COLUMNS):
        op.execute(statement)
    # Only whether a document holds a term is read: no positions (detail=none), no sizes (columnsize=0).
    op.execute(
        "CREATE VIRTUAL TABLE search_pairs USING fts5(pairs, content='', detail=none, columnsize=0,"
        " tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")"
    )
    op.execute(f"INSERT INTO search_pairs(rowid, pairs) SELECT id, {_pairs('')} FROM search_document")
    for statement in _triggers(NEW_COLUMNS, pairs=True):
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for statement in DROP_TRIGGERS:
            op.execute(statement)
        op.execute("DROP TABLE search_pairs")
    separator = SEPARATOR if sqlite else "chr(10) || chr(7) || chr(10)"
    op.execute(f"UPDATE search_document SET body = body || {separator} || labels WHERE labels <> ''")
    if not sqlite:
        drops = ["ALTER TABLE search_document DROP COLUMN labels", "ALTER TABLE search_document DROP COLUMN language"]
        for statement in [*DROP_TSV, *drops, *_tsv(labels=False)]:
            op.execute(statement)
        return
    op.execute("ALTER TABLE search_document DROP COLUMN labels")
    op.execute("ALTER TABLE search_document DROP COLUMN language")
    for statement in _fts(OLD_COLUMNS):
        op.execute(statement)
    for statement in _triggers(OLD_COLUMNS, pairs=False):
        op.execute(statement)
