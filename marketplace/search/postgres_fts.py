"""PostgreSQL backend: a generated tsvector column on `search_document` with a GIN index.

The `hue_search` text search configuration (a copy of `simple` that runs `unaccent` first, created by
the migration) folds every Vietnamese mark including đ; `ts_headline` marks the original text.
"""

from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, func, literal, literal_column, select
from sqlmodel import Session

from marketplace.search.database import DatabaseSearch, TextMatch, doc
from marketplace.search.documents import MARK_END, MARK_START
from marketplace.search.sqlite_fts import best_snippet
from marketplace.search.terms import Term, Terms

CONFIG: ColumnElement[Any] = literal_column("'hue_search'::regconfig")
TSV: ColumnElement[Any] = literal_column("search_document.tsv")
TITLE_OPTIONS = f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_END}"
SNIPPET_OPTIONS = f'MaxWords=28, MinWords=12, ShortWord=0, MaxFragments=1, FragmentDelimiter=" … ", StartSel={MARK_START}, StopSel={MARK_END}'


class PostgresSearch(DatabaseSearch):
    """Search through PostgreSQL full-text search, ranked by ts_rank."""

    name = "postgresql"

    def _tsquery(self, terms: Terms | Term) -> ColumnElement[str]:
        return func.to_tsquery(CONFIG, literal(terms.tsquery()))

    def text_match(self, terms: Terms, scored: bool = True) -> TextMatch:
        query = self._tsquery(terms)
        if not scored:
            return TextMatch(doc, [TSV.op("@@")(query)])
        pairs = [cast(TSV.op("@@")(self._tsquery(p)), Integer) for p in terms.adjacent_pairs()]
        return TextMatch(doc, [TSV.op("@@")(query)], func.ts_rank(TSV, query) * sum(pairs, literal(1)))

    def highlights(self, session: Session, terms: Terms, ids: list[int]) -> dict[int, tuple[str, str]]:
        query = self._tsquery(terms)

        def headline(column: ColumnElement[str], options: str) -> ColumnElement[str]:
            return func.ts_headline(CONFIG, column, query, literal(options))

        statement = select(
            doc.c.id,
            headline(doc.c.title, TITLE_OPTIONS),
            headline(doc.c.summary, SNIPPET_OPTIONS),
            headline(doc.c.body, SNIPPET_OPTIONS),
            headline(doc.c.keywords, SNIPPET_OPTIONS),
        ).where(doc.c.id.in_(ids))
        return {row[0]: (row[1], best_snippet(row[2:])) for row in session.execute(statement).all()}
