"""PostgreSQL backend: a generated tsvector column on `search_document` with a GIN index.

The `hue_search` text search configuration (a copy of `simple` that runs `unaccent` first, created by
the migration) folds every Vietnamese mark including đ.
"""

from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, func, literal, literal_column

from marketplace.search.database import DatabaseSearch, TextMatch, doc
from marketplace.search.terms import Terms

CONFIG: ColumnElement[Any] = literal_column("'hue_search'::regconfig")
TSV: ColumnElement[Any] = literal_column("search_document.tsv")
# ts_rank's weight of each part (D, C, B, A): labels, then summary, organisation and body, keywords, title.
RANK_WEIGHTS: ColumnElement[Any] = literal_column("'{0.02, 0.2, 0.4, 1.0}'::float4[]")
TEXT = "ABC"  # the document's own words: all but the labels (D)


class PostgresSearch(DatabaseSearch):
    """Search through PostgreSQL full-text search, ranked by ts_rank."""

    name = "postgresql"

    def text_match(self, terms: Terms, scored: bool = True) -> TextMatch:
        query = tsquery(terms.tsquery())
        if not scored:
            return TextMatch(doc, [TSV.op("@@")(query)])
        # pairs count where the author wrote them, not in a sector's name (as on SQLite, see `pair_terms`)
        pairs = [cast(TSV.op("@@")(tsquery(p.tsquery(TEXT))), Integer) for p in terms.adjacent_pairs()]
        rank = func.ts_rank(RANK_WEIGHTS, TSV, query)
        return TextMatch(doc, [TSV.op("@@")(query)], rank * sum(pairs, literal(1)))


def tsquery(expression: str) -> ColumnElement[str]:
    """A `to_tsquery` expression (from `Terms.tsquery` or `Term.tsquery`) read with the `hue_search` configuration."""
    return func.to_tsquery(CONFIG, literal(expression))
