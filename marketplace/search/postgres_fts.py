"""PostgreSQL backend: a generated tsvector column on `search_document` with a GIN index.

The `hue_search` text search configuration (a copy of `simple` that runs `unaccent` first, created by
the migration) folds every Vietnamese mark including đ.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    String,
    and_,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    text,
    union_all,
)
from sqlmodel import Session

from marketplace.search.database import (
    DISPLAY,
    RANK_WINDOW,
    DatabaseSearch,
    TextMatch,
    count_up_to_limit,
    counts_of,
    doc,
    filter_clauses,
    visible,
)
from marketplace.search.query import FACETS, Audience, Facet, SearchQuery
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

    def facet_counts(self, session: Session, query: SearchQuery, audience: Audience) -> dict[str, dict[str, int]]:
        terms = self.synonyms.expand(query.terms)
        return counts_of(session.execute(facet_passes(self.hits(terms, audience), query.applied_filters())).all())

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
        counted = facet_passes(hits, applied).subquery("counted")
        facets = select(func.json_agg(func.json_build_array(*counted.c))).scalar_subquery()
        h = hits.c
        chosen = filter_clauses(applied, h)
        how_many = select(func.count()).select_from(hits).where(*chosen).scalar_subquery()
        # The window: the newest matches by id, a top-N sort rather than numbering every match.
        newest = select(h.id, h.published_ts).where(*chosen).order_by(h.id.desc()).limit(RANK_WINDOW).cte("newest")
        by_score = score(terms, TSV, MARKED) * self.stale_weight()
        parts = [
            select(newest.c.id, newest.c.published_ts, by_score.label("by_score")).join_from(
                newest, doc, doc.c.id == newest.c.id
            )
        ]
        if query.offset + query.per_page > RANK_WINDOW:  # the page reaches past the window: the older matches follow
            oldest = select(func.min(newest.c.id)).scalar_subquery()
            parts.append(select(h.id, h.published_ts, null()).where(*chosen, h.id < oldest))
        o = union_all(*parts).subquery("ordered").c
        p = (
            select(o.id, o.by_score, o.published_ts)
            .order_by(*best_first(o))
            .limit(query.per_page)
            .offset(query.offset)
            .subquery("page")
            .c
        )
        statement = (  # the shown columns of the page's documents only
            select(*DISPLAY, how_many.label("total"), facets.label("facets"))
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


def facet_passes(hits: CTE, applied: Mapping[str, Sequence[str]]) -> CompoundSelect:
    """(facet name, value, count) of every facet's values among `hits`, under every filter but the facet's own.

    What `database.facet_union` counts, in two passes over the matches instead of one per facet and
    per value: one grouping the single-valued facets by GROUPING SETS, one counting each value of the
    "|a|b|" fields with FILTER. For a word in 13,500 of 100,000 listings, 12 ms instead of 23."""
    single = [f for f in FACETS if not (f.multi_valued and f.vocabulary)]
    multi = [f for f in FACETS if f.multi_valued and f.vocabulary]

    def count_under(facet: Facet, extra: ColumnElement[bool] | None = None) -> Any:
        others = {k: v for k, v in applied.items() if k != facet.name}
        conditions = [*filter_clauses(others, hits.c), *([extra] if extra is not None else [])]
        counted = func.count()
        return counted.filter(and_(*conditions)) if conditions else counted

    columns = [hits.c[f.field] for f in single]
    # One count a set of filters the single-valued facets are counted under (one without filters), and
    # the label each facet reads its count from.
    counts: dict[frozenset[str], Any] = {}
    label_of: dict[str, str] = {}
    for facet in single:
        under = frozenset(applied) - {facet.name}
        if under not in counts:
            counts[under] = count_under(facet).label(f"n{len(counts)}")
        label_of[facet.name] = counts[under].name
    grouped = (
        select(*columns, *counts.values(), func.grouping(*columns).label("g"))
        .group_by(func.grouping_sets(*columns))
        .cte("grouped")
    )
    every = (1 << len(columns)) - 1
    parts: list[Select[Any]] = [
        select(literal(facet.name, String), grouped.c[facet.field], grouped.c[label_of[facet.name]]).where(
            grouped.c.g == every & ~(1 << (len(columns) - 1 - i))  # this facet's grouping set
        )
        for i, facet in enumerate(single)
    ]
    values = [(facet, value) for facet in multi for value in facet.vocabulary()]  # type: ignore[misc]
    if values:
        tallied = (
            select(
                *[
                    count_under(facet, hits.c[facet.field].like(f"%|{value}|%")).label(f"v{i}")
                    for i, (facet, value) in enumerate(values)
                ]
            )
            .select_from(hits)
            .cte("tallied")
        )
        parts += [
            select(literal(facet.name, String), literal(value, String), tallied.c[f"v{i}"])
            for i, (facet, value) in enumerate(values)
        ]
    return union_all(*parts)


def best_first(c: Any) -> list[Any]:
    """The ranked matches by score, ties by publication, then the older ones newest first."""
    return [c.by_score.desc().nulls_last(), c.published_ts.desc().nulls_last(), c.id.desc()]


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
