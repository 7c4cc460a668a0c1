"""PostgreSQL backend: a generated tsvector column on `search_document` with a GIN index.

The `hue_search` text search configuration (a copy of `simple` that runs `unaccent` first, created by
the migration) folds every Vietnamese mark including đ.
"""

from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, func, literal, literal_column

from marketplace.search.database import DatabaseSearch, TextMatch, doc
from marketplace.search.terms import Term, Terms

CONFIG: ColumnElement[Any] = literal_column("'hue_search'::regconfig")
TSV: ColumnElement[Any] = literal_column("search_document.tsv")


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
