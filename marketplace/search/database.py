"""Search answered by the database itself: visibility, filters, facets, sort and pages shared by both dialects.

A dialect (SQLite FTS5, PostgreSQL full-text) supplies only the text match, its score and the highlighting.
"""

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    CompoundSelect,
    FromClause,
    Select,
    String,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.sql.elements import UnaryExpression
from sqlmodel import Session

from marketplace.search import marking
from marketplace.search.documents import LISTING_KINDS, search_document
from marketplace.search.query import COUNT_LIMIT, FACET_BY_NAME, FACETS, Audience, SearchQuery
from marketplace.search.results import SearchPage, facet_values, hit_from
from marketplace.search.synonyms import Synonyms
from marketplace.search.terms import Terms

doc = search_document
DISPLAY = [
    doc.c[name]
    for name in (
        "id",
        "kind",
        "entity_id",
        "status",
        "language",
        "translated_title",
        "translated_summary",
        "organization_id",
        "title",
        "summary",
        "org_name_vi",
        "org_name_en",
        "sector_code",
        "trl",
        "org_kind",
        "ward",
        "published_ts",
        "confirmed_ts",
    )
]
TEXTS = [doc.c[name] for name in ("id", "title", "summary", "body", "keywords")]  # what `highlights` marks
STALE_WEIGHT = 0.5  # a listing not confirmed within the freshness period counts half as relevant
RANK_WINDOW = 1000  # matches ranked by relevance at most: the newest the reader may see; older ones follow


def visible(audience: Audience, c: Any = doc.c) -> ColumnElement[bool]:
    """Published records for everyone; an organization's own listings for its members; all for staff."""
    if audience.everything:
        return true()
    public = c.status == "published"
    if audience.organization_id is None:
        return public
    return or_(public, and_(c.organization_id == audience.organization_id, c.kind.in_(LISTING_KINDS)))


def filter_clauses(applied: Mapping[str, Sequence[str]], c: Any = doc.c) -> list[ColumnElement[bool]]:
    """One condition per facet: any of its chosen values matches."""
    clauses: list[ColumnElement[bool]] = []
    for name, values in applied.items():
        facet = FACET_BY_NAME[name]
        column = c[facet.field]
        if facet.multi_valued:  # values come from a fixed vocabulary, so they hold no LIKE wildcards
            clauses.append(or_(*[column.like(f"%|{v}|%") for v in values]))
        else:
            clauses.append(column.in_(values))
    return clauses


def count_up_to_limit(session: Session, matching: Select[Any]) -> int:
    """How many rows `matching` gives, counting no further than one past COUNT_LIMIT."""
    capped = matching.limit(COUNT_LIMIT + 1).subquery("capped")
    return int(session.execute(select(func.count()).select_from(capped)).scalar_one())


@dataclass(frozen=True)
class TextMatch:
    """How a dialect finds the documents matching some terms: what to select from, and their score."""

    source: FromClause
    conditions: list[ColumnElement[bool]] = field(default_factory=list)
    score: ColumnElement[float] | None = None  # higher is better


class DatabaseSearch:
    """The shared part of the SQLite and PostgreSQL backends."""

    name = "database"

    def __init__(self, freshness_days: int = 180, synonyms: Synonyms | None = None) -> None:
        self.freshness_days = freshness_days
        self.synonyms = synonyms or Synonyms()

    def text_match(self, terms: Terms, scored: bool = True) -> TextMatch:
        """The dialect's full-text match of `terms` (never called without terms); documents that hold
        the typed words side by side (`terms.adjacent_pairs()`) score higher."""
        raise NotImplementedError

    def prepare(self, session: Session) -> None:
        """Load what the backend keeps in memory, if anything, before the first search."""

    def highlights(self, session: Session, terms: Terms, rows: list[Any]) -> dict[int, tuple[str, str]]:
        """Title and best snippet of each row's document, matches wrapped in the marker characters
        (the texts are read unless the rows hold them)."""
        found = marking.pattern(terms)
        if "body" not in rows[0]:
            rows = list(session.execute(select(*TEXTS).where(doc.c.id.in_([r["id"] for r in rows]))).mappings())
        shown = marking.highlighted(
            found, [(row["title"], row["summary"], row["body"], row["keywords"]) for row in rows]
        )
        return {row["id"]: marks for row, marks in zip(rows, shown, strict=True)}

    def search(self, session: Session, query: SearchQuery, audience: Audience) -> SearchPage:
        """One page of results with its total and facet counts."""
        terms = self.synonyms.expand(query.terms)
        rows, total, counts = self.results(session, query, terms, audience)
        marks = self.highlights(session, terms, rows) if terms and rows else {}
        found = marking.pattern(terms) if terms else None
        hits = []
        for row in rows:
            title, snippet = marks.get(row["id"], (None, None))
            hits.append(hit_from(dict(row), title, snippet, found=found))
        return SearchPage(query, hits, total, facet_values(query, counts), backend=self.name)

    def results(
        self, session: Session, query: SearchQuery, terms: Terms, audience: Audience
    ) -> tuple[list[Any], int, dict[str, dict[str, int]]]:
        """The rows of the asked page in order, how many documents match in all, and the facet counts."""
        where = [visible(audience), *filter_clauses(query.applied_filters())]
        rows, total = self.ranked_page(session, query, terms, where)
        return rows, total, self.facet_counts(session, query, audience)

    def ranked_page(
        self, session: Session, query: SearchQuery, terms: Terms, where: list[ColumnElement[bool]]
    ) -> tuple[list[Any], int]:
        """The rows of the asked page, in order, and how many documents match in all."""
        match = self.text_match(terms) if terms else TextMatch(doc)
        statement = (
            select(*DISPLAY, func.count().over().label("total"))
            .select_from(match.source)
            .where(*where, *match.conditions)
            .order_by(*self.ordering(query, match))
            .limit(query.per_page)
            .offset(query.offset)
        )
        rows = list(session.execute(statement).mappings().all())
        if rows:
            return rows, int(rows[0]["total"])
        # past the last page: count separately
        return rows, count_up_to_limit(session, self.matching(terms, where))

    def matching(self, terms: Terms, where: list[ColumnElement[bool]]) -> Select[Any]:
        """The documents that match `terms` (all documents without terms) and `where`."""
        match = self.text_match(terms, scored=False) if terms else TextMatch(doc)
        return select(literal(1)).select_from(match.source).where(*where, *match.conditions)

    def stale_before(self) -> int:
        """Listings last confirmed before this moment (seconds) are stale."""
        return int(time.time()) - self.freshness_days * 86400

    def stale_weight(self) -> ColumnElement[float]:
        return case((doc.c.confirmed_ts < self.stale_before(), STALE_WEIGHT), else_=1.0)

    def ordering(self, query: SearchQuery, match: TextMatch) -> list[UnaryExpression[Any]]:
        newest = [doc.c.published_ts.desc().nulls_last(), doc.c.id.desc()]
        if query.order == "relevance" and match.score is not None:
            return [(match.score * self.stale_weight()).desc(), *newest]
        if query.order == "freshness":
            return [doc.c.confirmed_ts.desc().nulls_last(), *newest]
        return newest

    def facet_counts(self, session: Session, query: SearchQuery, audience: Audience) -> dict[str, dict[str, int]]:
        """Counts of each facet's values among the matches, under every filter but the facet's own."""
        terms = self.synonyms.expand(query.terms)
        return counts_of(session.execute(facet_union(self.hits(terms, audience), query.applied_filters())).all())

    def hits(self, terms: Terms, audience: Audience) -> CTE:
        """The documents the reader may see that match `terms`, with their facet fields: computed once
        for all the counts (MATERIALIZED) and, on PostgreSQL, for the ranked page too."""
        match = self.text_match(terms, scored=False) if terms else TextMatch(doc)
        hits = (
            select(doc.c.id, doc.c.published_ts, *[doc.c[f.field] for f in FACETS])
            .select_from(match.source)
            .where(visible(audience), *match.conditions)
            .cte("hits")
        )
        return hits.prefix_with("MATERIALIZED")


def facet_union(hits: CTE, applied: Mapping[str, Sequence[str]]) -> CompoundSelect:
    """(facet name, value, count) of every facet's values among `hits`, under every filter but the facet's own."""
    parts = []
    for facet in FACETS:
        others = filter_clauses({k: v for k, v in applied.items() if k != facet.name}, hits.c)
        name = literal(facet.name, String)
        if facet.multi_valued and facet.vocabulary:
            parts += [
                select(name, literal(value, String), func.count())
                .select_from(hits)
                .where(*others, hits.c[facet.field].like(f"%|{value}|%"))
                for value in facet.vocabulary()
            ]
        else:
            column = hits.c[facet.field]
            parts.append(select(name, column, func.count()).select_from(hits).where(*others).group_by(column))
    return union_all(*parts)


def counts_of(rows: Iterable[Sequence[Any]]) -> dict[str, dict[str, int]]:
    """The facet counts of `facet_union`'s rows: {facet name: {value: count}}, empty values left out."""
    counts: dict[str, dict[str, int]] = {}
    for facet_name, value, count in rows:
        if value:
            counts.setdefault(facet_name, {})[value] = int(count)
    return counts
