"""PostgreSQL backend: a generated tsvector column on `search_document` with a GIN index.

The `hue_search` text search configuration (a copy of `simple` that runs `unaccent` first, created by
the migration) folds every Vietnamese mark including đ.
"""

from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, func, literal, literal_column, null, select, text, union_all
from sqlmodel import Session

from marketplace.search.database import (
    DISPLAY,
    RANK_WINDOW,
    DatabaseSearch,
    TextMatch,
    count_up_to_limit,
    counts_of,
    doc,
    facet_union,
    filter_clauses,
    visible,
)
from marketplace.search.query import Audience, SearchQuery
from marketplace.search.terms import Terms

CONFIG: ColumnElement[Any] = literal_column("'hue_search'::regconfig")
TSV: ColumnElement[Any] = literal_column("search_document.tsv")
MARKED: ColumnElement[Any] = literal_column("search_document.tsv_marked")  # title and keywords, marks kept
SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
# ts_rank's weight of each part (D, C, B, A): labels, then summary, organisation and body, keywords, title.
RANK_WEIGHTS: ColumnElement[Any] = literal_column("'{0.02, 0.2, 0.4, 1.0}'::float4[]")
TEXT = "ABC"  # the document's own words: all but the labels (D)


class PostgresSearch(DatabaseSearch):
    """Search through PostgreSQL full-text search, ranked by ts_rank."""

    name = "postgresql"

    def text_match(self, terms: Terms, scored: bool = True) -> TextMatch:
        match = TSV.op("@@")(tsquery(terms.tsquery()))
        return TextMatch(doc, [match], score(terms, TSV, MARKED) if scored else None)

    def results(
        self, session: Session, query: SearchQuery, terms: Terms, audience: Audience
    ) -> tuple[list[Any], int, dict[str, dict[str, int]]]:
        """By relevance, as on SQLite: the RANK_WINDOW newest matches (by id: the documents written last)
        ranked by score, older ones following, newest first; the facet counts come in the same statement.

        The matches are found once (`hits`) for both: counted apart, they were found a second time,
        ~50 ms for a one-word query matching 11,000 of 100,000 listings. ts_rank reads each ranked
        document's tsvector, about 5 µs a match, hence the window."""
        if query.order != "relevance" or not terms:
            return super().results(session, query, terms, audience)
        applied = query.applied_filters()
        hits = self.hits(terms, audience)
        counted = facet_union(hits, applied).subquery("counted")
        facets = select(func.json_agg(func.json_build_array(*counted.c))).scalar_subquery()
        matches = (
            select(
                hits.c.id,
                hits.c.published_ts,
                func.count().over().label("total"),
                func.row_number().over(order_by=hits.c.id.desc()).label("recency"),
            )
            .where(*filter_clauses(applied, hits.c))
            .cte("matches")
        )
        m = matches.c
        by_score = score(terms, TSV, MARKED) * self.stale_weight()
        ranked = (
            select(m.id, m.total, m.recency, by_score.label("by_score"), m.published_ts)
            .join_from(matches, doc, doc.c.id == m.id)
            .where(m.recency <= RANK_WINDOW)
        )
        older = select(m.id, m.total, m.recency, null(), null()).where(m.recency > RANK_WINDOW)
        o = union_all(ranked, older).subquery("ordered").c
        chosen = select(o.id, o.total, o.by_score, o.published_ts, o.recency).order_by(*best_first(o))
        p = chosen.limit(query.per_page).offset(query.offset).subquery("page").c
        statement = (  # the shown columns of the page's documents only
            select(*DISPLAY, p.total, facets.label("facets"))
            .join_from(p.id.table, doc, doc.c.id == p.id)
            .order_by(*best_first(p))
        )
        # The matches are read through the tsvector index, never by testing every document: for a word
        # in a tenth of the documents the planner costs both alike, but testing means reading each
        # document's tsvector out of line (300 ms against 60 at 100,000 listings). For this statement only.
        session.execute(text("SET LOCAL enable_seqscan = off"))
        try:
            rows = list(session.execute(statement).mappings().all())
        finally:
            session.execute(text("SET LOCAL enable_seqscan TO DEFAULT"))
        if not rows:  # past the last page
            where = [visible(audience), *filter_clauses(applied)]
            total = count_up_to_limit(session, self.matching(terms, where))
            return rows, total, self.facet_counts(session, query, audience)
        return rows, int(rows[0]["total"]), counts_of(rows[0]["facets"] or [])


def best_first(c: Any) -> list[Any]:
    """The ranked matches by score, ties by publication, then the older ones newest first."""
    return [c.by_score.desc().nulls_last(), c.published_ts.desc().nulls_last(), c.recency]


def score(terms: Terms, tsv: ColumnElement[Any], marked: ColumnElement[Any]) -> ColumnElement[float]:
    """ts_rank of `terms` in a document's `tsv`, once more for each boost it holds, as on SQLite
    (`boost_queries`): typed words side by side where the author wrote them, not in a sector's name,
    and each word typed with its marks found as typed in `marked`, the title and keywords ("cà" is not "cá")."""
    pairs = [tsv.op("@@")(tsquery(p.tsquery(TEXT))) for p in terms.adjacent_pairs()]
    written = [marked.op("@@")(func.to_tsquery(SIMPLE, literal(as_written(w, p)))) for w, p in terms.marked_words()]
    held = [cast(boost, Integer) for boost in [*pairs, *written]]
    return func.ts_rank(RANK_WEIGHTS, tsv, tsquery(terms.tsquery())) * sum(held, literal(1))


def tsquery(expression: str) -> ColumnElement[str]:
    """A `to_tsquery` expression (from `Terms.tsquery` or `Term.tsquery`) read with the `hue_search` configuration."""
    return func.to_tsquery(CONFIG, literal(expression))


def as_written(spellings: tuple[str, ...], prefix: bool) -> str:
    """A `to_tsquery` expression of a typed word's spellings (`Terms.marked_words`; letters and digits only,
    so quoting is safe), marks kept: any of them."""
    return " | ".join(f"'{word}'" + (":*" if prefix else "") for word in spellings)
