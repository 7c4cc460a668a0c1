"""SQLite FTS5 backend: an external-content FTS5 table over `search_document`, fed by triggers.

The triggers index text with đ → d (the unicode61 tokenizer folds every other mark itself); the
documents keep the original accented text, which `marking` marks for display.
"""

from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, column, func, literal, literal_column, select, table
from sqlmodel import Session

from marketplace.search.database import DISPLAY, DatabaseSearch, TextMatch, count_up_to_limit, doc
from marketplace.search.query import SearchQuery
from marketplace.search.terms import Term, Terms

fts = table("search_fts", column("rowid"))
FTS: ColumnElement[Any] = literal_column("search_fts")
WEIGHTS = (10.0, 4.0, 6.0, 2.0, 1.0)  # title, summary, keywords, org_name, body
CANDIDATES = 400  # documents ranked by text score before the visibility, filters and staleness apply


class Fts5Search(DatabaseSearch):
    """Search through SQLite's FTS5 full-text index, ranked by bm25."""

    name = "sqlite-fts5"

    def text_match(self, terms: Terms, scored: bool = True) -> TextMatch:
        # Ranked inside a subquery: bm25() only works next to its MATCH, not under the window count.
        columns = [fts.c.rowid.label("id"), *([self.score(terms).label("score")] if scored else [])]
        matches = select(*columns).where(self.match(terms)).subquery("matches")
        return TextMatch(doc.join(matches, matches.c.id == doc.c.id), [], matches.c.score if scored else None)

    def score(self, terms: Terms) -> ColumnElement[float]:
        """bm25 with field weights, doubled for each pair of typed words found side by side."""
        pairs = [
            cast(fts.c.rowid.in_(select(fts.c.rowid).where(self.match(p)).correlate(None)), Integer)
            for p in terms.adjacent_pairs()
        ]
        return -func.bm25(FTS, *WEIGHTS) * sum(pairs, literal(1))

    def ranked_page(
        self, session: Session, query: SearchQuery, terms: Terms, where: list[ColumnElement[bool]]
    ) -> tuple[list[Any], int]:
        """By relevance, rank only the best candidates by text score, and check the page is exact.

        Joining every match to its document costs far more than scoring it in FTS5 alone. The stale
        weight only ever lowers a score, so a page whose last row still scores above the weakest
        candidate cannot miss any document left out; otherwise the full ranking runs.
        """
        if query.order != "relevance" or not terms:
            return super().ranked_page(session, query, terms, where)
        wanted = query.offset + query.per_page
        limit = CANDIDATES + wanted
        scored = select(fts.c.rowid.label("id"), self.score(terms).label("score")).where(self.match(terms))
        best = scored.order_by(literal_column("score").desc()).limit(limit).subquery("best")
        ranked = select(
            best.c.id, best.c.score, func.min(best.c.score).over().label("floor"), func.count().over().label("found")
        ).subquery("ranked")
        weighted = (ranked.c.score * self.stale_weight()).label("weighted")
        statement = (
            select(*DISPLAY, weighted, ranked.c.floor, ranked.c.found)
            .select_from(doc.join(ranked, ranked.c.id == doc.c.id))
            .where(*where)
            .order_by(weighted.desc(), doc.c.published_ts.desc().nulls_last(), doc.c.id.desc())
            .limit(query.per_page)
            .offset(query.offset)
        )
        rows = list(session.execute(statement).mappings().all())
        complete = bool(rows) and rows[0]["found"] < limit
        exact = complete or (len(rows) == query.per_page and rows[-1]["weighted"] > rows[-1]["floor"])
        if not exact:
            return super().ranked_page(session, query, terms, where)
        inside = doc.c.id.in_(select(fts.c.rowid).where(self.match(terms)))
        return rows, count_up_to_limit(session, select(literal(1)).select_from(doc).where(*where, inside))

    def match(self, terms: Terms | Term) -> ColumnElement[bool]:
        return FTS.op("MATCH")(literal(terms.fts5()))


TEXT_COLUMNS = ("title", "summary", "keywords", "org_name", "body")
_FOLDED = ", ".join(f"replace(replace({c}, 'đ', 'd'), 'Đ', 'D')" for c in TEXT_COLUMNS)
# FTS5's own 'rebuild' would re-read the unfolded text: empty the index and refill it with đ folded.
REFILL = [
    "INSERT INTO search_fts(search_fts) VALUES ('delete-all')",
    f"INSERT INTO search_fts(rowid, {', '.join(TEXT_COLUMNS)}) SELECT id, {_FOLDED} FROM search_document",  # noqa: S608  (constant names)
]
