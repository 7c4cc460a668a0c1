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
MARKED: ColumnElement[Any] = literal_column("search_document.tsv_marked")  # words with their marks, as written
SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
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
        # as on SQLite (`boost_queries`): typed words side by side where the author wrote them, not in a
        # sector's name, and words typed with their marks ("cà" is not "cá") count once more each
        pairs = [TSV.op("@@")(tsquery(p.tsquery(TEXT))) for p in terms.adjacent_pairs()]
        marked = [MARKED.op("@@")(func.to_tsquery(SIMPLE, literal(as_written(w, p)))) for w, p in terms.marked_words()]
        held = [cast(boost, Integer) for boost in [*pairs, *marked]]
        rank = func.ts_rank(RANK_WEIGHTS, TSV, query)
        return TextMatch(doc, [TSV.op("@@")(query)], rank * sum(held, literal(1)))


def tsquery(expression: str) -> ColumnElement[str]:
    """A `to_tsquery` expression (from `Terms.tsquery` or `Term.tsquery`) read with the `hue_search` configuration."""
    return func.to_tsquery(CONFIG, literal(expression))


def as_written(word: str, prefix: bool) -> str:
    """A `to_tsquery` lexeme of a typed word (letters and digits only, so quoting is safe), marks kept."""
    return f"'{word}'" + (":*" if prefix else "")
