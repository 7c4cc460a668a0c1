"""SQLite FTS5 backend: an external-content FTS5 table over `search_document`, fed by triggers.

The triggers index text with đ → d (the unicode61 tokenizer folds every other mark itself); the
documents keep the original accented text, which `marking` marks for display.
"""

from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, cast, column, func, literal, literal_column, select, table
from sqlmodel import Session

from marketplace.search.database import DatabaseSearch, TextMatch, count_up_to_limit, doc
from marketplace.search.query import SearchQuery
from marketplace.search.terms import Term, Terms

fts = table("search_fts", column("rowid"))
FTS: ColumnElement[Any] = literal_column("search_fts")
WEIGHTS = (10.0, 4.0, 6.0, 2.0, 1.0)  # title, summary, keywords, org_name, body
RANK_WINDOW = 2000  # matches ranked by bm25 at most: the most recently indexed ones


class Fts5Search(DatabaseSearch):
    """Search through SQLite's FTS5 full-text index, ranked by bm25."""

    name = "sqlite-fts5"

    def text_match(self, terms: Terms, scored: bool = True) -> TextMatch:
        if not scored:  # read in the index's order, joined as it goes: a LIMIT stops the reading early
            return TextMatch(fts.join(doc, doc.c.id == fts.c.rowid), [self.match(terms)])
        matches = self.scored(terms).subquery("matches")
        return TextMatch(doc.join(matches, matches.c.id == doc.c.id), [], matches.c.score)

    def scored(self, terms: Terms) -> Select[Any]:
        """Each match's id and text score, in a statement of their own: bm25() only works next to its MATCH."""
        return select(fts.c.rowid.label("id"), self.score(terms).label("score")).where(self.match(terms))

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
        """By relevance: bm25 ranks the RANK_WINDOW most recently indexed matches, then older ones follow, newest first.

        FTS5 scores about one match per microsecond, so a one-word query matching a tenth of 100,000
        listings would take 10-100 ms to rank in full; its window takes 3-6 ms. Documents get growing
        ids each time they are written (`rebuild` writes them oldest first), so the window holds the
        listings published or edited last. Queries with fewer matches are ranked in full.
        """
        if query.order != "relevance" or not terms:
            return super().ranked_page(session, query, terms, where)
        window = self.scored(terms).order_by(fts.c.rowid.desc()).limit(RANK_WINDOW).subquery("window")
        weighted = (window.c.score * self.stale_weight()).label("weighted")
        # Ranked on the covering index alone (the rows hold long texts); the page's rows are read after.
        statement = (
            select(doc.c.id)
            .select_from(window.join(doc, doc.c.id == window.c.id))
            .where(*where)
            .order_by(weighted.desc(), doc.c.published_ts.desc().nulls_last(), doc.c.id.desc())
            .limit(query.per_page)
            .offset(query.offset)
        )
        ids = list(session.execute(statement).scalars().all())
        total = count_up_to_limit(session, self.matching(terms, where))
        if len(ids) < query.per_page and total > len(ids) + query.offset:
            # The page runs past the window: the older matches follow, newest first.
            size, oldest, shown = self._window(session, window, where)
            if size == RANK_WINDOW:
                older = (
                    self.matching(terms, where)
                    .with_only_columns(doc.c.id)
                    .where(fts.c.rowid < oldest)
                    .order_by(fts.c.rowid.desc())
                    .limit(query.per_page - len(ids))
                    .offset(max(0, query.offset - shown))
                )
                ids += session.execute(older).scalars().all()
        return self.rows(session, ids), total

    def _window(self, session: Session, window: Any, where: list[ColumnElement[bool]]) -> tuple[int, int, int]:
        """The window's size, its oldest id, and how many of its documents pass `where`."""
        statement = select(func.count(), func.min(window.c.id), func.count(doc.c.id)).select_from(
            window.outerjoin(doc, and_(doc.c.id == window.c.id, *where))
        )
        size, oldest, shown = session.execute(statement).one()
        return int(size or 0), int(oldest or 0), int(shown)

    def match(self, terms: Terms | Term) -> ColumnElement[bool]:
        return FTS.op("MATCH")(literal(terms.fts5()))


TEXT_COLUMNS = ("title", "summary", "keywords", "org_name", "body")
_FOLDED = ", ".join(f"replace(replace({c}, 'đ', 'd'), 'Đ', 'D')" for c in TEXT_COLUMNS)
_ALL = ", ".join(c.name for c in doc.c if c.name != "id")
# After a full rewrite: documents renumbered oldest first (the newest then sit in the ranking window),
# and, as FTS5's own 'rebuild' would re-read the unfolded text, the index emptied and refilled with đ folded.
REFILL = [
    f"CREATE TEMP TABLE search_document_order AS SELECT {_ALL} FROM search_document"  # noqa: S608  (constant names)
    " ORDER BY coalesce(published_ts, 0), kind, entity_id",
    "DELETE FROM search_document",
    f"INSERT INTO search_document ({_ALL}) SELECT {_ALL} FROM search_document_order ORDER BY rowid",  # noqa: S608
    "DROP TABLE search_document_order",
    "INSERT INTO search_fts(search_fts) VALUES ('delete-all')",
    f"INSERT INTO search_fts(rowid, {', '.join(TEXT_COLUMNS)}) SELECT id, {_FOLDED} FROM search_document",  # noqa: S608  (constant names)
]
