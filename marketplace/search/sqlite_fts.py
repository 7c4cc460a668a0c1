"""SQLite FTS5 backend: an external-content FTS5 table over `search_document`, fed by triggers.

The triggers index text with đ → d (the unicode61 tokenizer folds every other mark itself); the
documents keep the original accented text, which `marking` marks for display. A second, contentless
index, `search_pairs`, holds each document's pairs of adjacent words and its words written with a mark
(see `boost_terms`).
"""

import json
import math
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Integer,
    bindparam,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session

from marketplace.db import SqlitePrepared
from marketplace.search.attributes import AttributeTable
from marketplace.search.database import DISPLAY, RANK_WINDOW, STALE_WEIGHT, DatabaseSearch, TextMatch, doc
from marketplace.search.indexing import engine_of
from marketplace.search.query import Audience, SearchQuery
from marketplace.search.synonyms import Synonyms
from marketplace.search.terms import Term, Terms
from matching.text import fold, has_diacritics

fts = table("search_fts", column("rowid"))
FTS: ColumnElement[Any] = literal_column("search_fts")
pairs_fts = table("search_pairs", column("rowid"))
PAIRS: ColumnElement[Any] = literal_column("search_pairs")
WEIGHTS = (10.0, 4.0, 6.0, 2.0, 1.0, 0.2)  # title, summary, keywords, org_name, body, labels
NO_ID_LIMIT = 2**63 - 1  # above every document id
COMMON_SHARE = 0.6  # a short prefix in more of the documents than this weighs nothing in a score (`weighed`)


class Fts5Search(DatabaseSearch):
    """Search through SQLite's FTS5 full-text index, ranked by bm25; filters, facets and totals are
    worked out from each document's fields held in memory (`AttributeTable`)."""

    name = "sqlite-fts5"

    def __init__(self, freshness_days: int = 180, synonyms: Synonyms | None = None) -> None:
        super().__init__(freshness_days, synonyms)
        self._tables: WeakKeyDictionary[Engine, AttributeTable] = WeakKeyDictionary()
        self._tables_lock = threading.Lock()

    def attributes(self, session: Session) -> AttributeTable:
        """This process's copy of the documents' fields, one per database."""
        engine = engine_of(session)
        with self._tables_lock:
            return self._tables.setdefault(engine, AttributeTable())

    def prepare(self, session: Session) -> None:
        self.attributes(session).prepare(session)

    def results(
        self, session: Session, query: SearchQuery, terms: Terms, audience: Audience
    ) -> tuple[list[Any], int, dict[str, dict[str, int]]]:
        """FTS5 gives the matching ids (and the scores of the newest); their fields in memory give the
        filters, counts and total."""
        table = self.attributes(session)
        table.prepare(session)  # the documents as they stand, for `weighed`, the visible share and the filters
        ranked = query.order == "relevance" and bool(terms)
        weighed = self.weighed(session, terms, table) if ranked else terms
        scored: Scores | None = None
        ids: np.ndarray | None = None
        if ranked and weighed is terms:
            scored, ids = self.newest_scored(session, terms, table.visible_share(audience))
        elif terms:
            ids = self.matching_ids(session, terms)
        chosen = table.filtered(session, ids, audience, query.applied_filters())
        if ranked:
            ordered = self.by_relevance(session, terms, weighed, chosen.ids, table, scored)
        else:
            ordered = table.ordered(chosen.ids, query.order)
        page = [int(i) for i in ordered[query.offset : query.offset + query.per_page]]
        return self.rows(session, page), len(chosen.ids), chosen.counts

    def rows(self, session: Session, ids: list[int]) -> list[Any]:
        """The shown columns of documents `ids`, in that order, with the texts that `highlights` marks."""
        found = {row["id"]: row for row in PAGE_ROWS.execute(session, ids=json.dumps(ids)).mappings()}
        return [found[i] for i in ids if i in found]

    def matching_ids(self, session: Session, terms: Terms, below: int = NO_ID_LIMIT) -> np.ndarray:
        """Every document matching `terms` (with an id below `below`), ascending, read from the index
        alone (one string: 20,000 ids in ~3 ms)."""
        listed = MATCHING_IDS.execute(session, query=terms.fts5(), below=below).scalar_one()
        return np.fromstring(listed, dtype=np.int64, sep=",") if listed else np.zeros(0, dtype=np.int64)

    def newest_scored(self, session: Session, terms: Terms, visible_share: float) -> tuple["Scores", np.ndarray]:
        """The scores of the newest matches, as many as a window of RANK_WINDOW the reader may see needs
        (`visible_share`: how many of all the documents they see), and the ids of every match, ascending.

        Read newest first, the index stops after them: a query with fewer matches (half the two-word
        queries at 100,000 listings, most of three words) needs no other statement, where the ids and
        then the window's scores took two (about 0.5 ms less for three words); one with more matches
        reads the ids of the older ones apart."""
        wanted = min(2 * RANK_WINDOW, math.ceil(RANK_WINDOW / max(visible_share, 0.01) * 1.05)) + 1
        scores = Scores.read(NEWEST_SCORED.execute(session, query=terms.fts5(), wanted=wanted))
        scores = self.boosted(session, terms, scores)
        if len(scores.ids) < wanted:
            return scores, scores.ids
        return scores, np.concatenate([self.matching_ids(session, terms, scores.lowest), scores.ids])

    def by_relevance(
        self,
        session: Session,
        terms: Terms,
        weighed: Terms,
        ids: np.ndarray,
        table: AttributeTable,
        scored: "Scores | None" = None,
    ) -> np.ndarray:
        """`ids` (newest first) with the RANK_WINDOW newest ranked by score, the older ones following, newest first.

        FTS5 computes bm25 at about 2 µs a match, on top of a pass over each word's whole postings
        list (3 ms for a two-letter prefix), so a one-word query matching a tenth of 100,000 listings
        would take 20-60 ms to rank in full; its window takes 2-6 ms. Documents get growing ids each
        time they are written (`rebuild` writes them oldest first), so the window holds the listings
        published or edited last. Queries with fewer matches, after the reader's filters, are ranked in full.
        The scores already `scored` (from `newest_scored`) are used; those of older ids in the window
        are read by the `weighed` terms.
        """
        window = ids[:RANK_WINDOW]
        if not len(window):
            return ids
        oldest = int(window[-1])
        if scored is None or oldest < scored.lowest:
            below = NO_ID_LIMIT if scored is None else scored.lowest
            result = SCORED_WINDOW.execute(session, query=weighed.fts5(), oldest=oldest, below=below)
            scored = self.boosted(session, terms, Scores.read(result)).followed_by(scored)
        weighted = scored.of(window) * table.weights(window, self.stale_before(), STALE_WEIGHT)
        ranked = window[np.lexsort((-window, -table.published(window), -weighted))]
        return np.concatenate([ranked, ids[RANK_WINDOW:]])

    def boosted(self, session: Session, terms: Terms, scores: "Scores") -> "Scores":
        """`scores` times one more for each of the `boost_queries` of `terms` that a document holds.

        Each boost's whole list of ids is read from `search_pairs` (a detail=none index: about 0.1 ms;
        bounded below by the lowest scored id it took three times as long) and the scored ids looked
        up in it here; as a subquery of the scoring statement each cost 0.3-0.6 ms more, SQLite
        probing its own copy of the list once per scored row."""
        held = np.ones(len(scores.ids))
        for boost in boost_queries(terms) if len(scores.ids) else ():
            listed = BOOST_IDS.execute(session, query=boost).scalar_one()
            if listed:
                held += contains(np.fromstring(listed, dtype=np.int64, sep=","), scores.ids)
        return Scores(scores.ids, scores.scores * held)

    def weighed(self, session: Session, terms: Terms, table: AttributeTable) -> Terms:
        """The terms that weigh in the score: all but a short prefix found in most documents (alone,
        it weighs as the word typed: "cà" ranks cà gai leo before "cao", "các", "cây").

        Such a prefix ("thuy la…": "la…" starts a word in 95% of 100,000 synthetic listings) has an
        inverse document frequency, and so a share of the bm25 score, near nil; yet FTS5 reads its
        whole list of matches again to weigh it, 1-3 ms. It still has to match, and still counts in
        the pairs of adjacent words. A rarer one ("ly…", 17%; "go…", 54%) is kept: left out, the
        window's query would find several times more rows. How common a prefix is gets counted once,
        and again when the number of documents has changed by a tenth."""
        short = terms.short_prefix()
        if short is None:
            return terms
        documents = table.count()
        counted = table.prefix_counts.get(short.folded)
        if counted is None or abs(counted[1] - documents) > documents / 10:
            found = PREFIX_COUNT.execute(session, query=short.fts5()).scalar_one()
            counted = table.prefix_counts[short.folded] = (int(found), documents)
        return terms.without(short) if counted[0] > COMMON_SHARE * documents else terms

    def text_match(self, terms: Terms, scored: bool = True) -> TextMatch:
        """The SQL form of the match, for `DatabaseSearch.matching` (the benchmark counts with it)."""
        if not scored:  # read in the index's order, joined as it goes: a LIMIT stops the reading early
            return TextMatch(fts.join(doc, doc.c.id == fts.c.rowid), [self.match(terms)])
        boosts = [literal(query) for query in boost_queries(terms)]
        ranked = select(fts.c.rowid.label("id"), score(boosts).label("score")).where(self.match(terms))
        sub = ranked.subquery("matches")
        return TextMatch(doc.join(sub, sub.c.id == doc.c.id), [], sub.c.score)

    def match(self, terms: Terms | Term) -> ColumnElement[bool]:
        return matches(literal(terms.fts5()))


def matches(expression: ColumnElement[str]) -> ColumnElement[bool]:
    return FTS.op("MATCH")(expression)


def score(boosts: Sequence[ColumnElement[str]]) -> ColumnElement[float]:
    """bm25 with field weights, times one more for each of the `boosts` (`boost_queries` of
    `search_pairs`) that a document holds, all in SQL: `text_match`'s score, which `DatabaseSearch.ranked_page`
    ranks every match by. The search itself ranks a window and boosts in numpy (`boosted`); tests compare the
    two (tests/search/test_attributes.py)."""
    held = [
        cast(
            fts.c.rowid.in_(select(pairs_fts.c.rowid).where(PAIRS.op("MATCH")(p)).correlate(None)),
            Integer,
        )
        for p in boosts
    ]
    return -func.bm25(FTS, *WEIGHTS) * sum(held, literal(1))


def boost_queries(terms: Terms) -> list[str]:
    """The `search_pairs` queries a document scores higher for holding: each two typed words side by
    side ("cong_nghe"), and each word typed with its marks, as typed, in its title or keywords ("cà"
    is not "cá"), the last one starred while it is being typed."""
    marked = [
        " OR ".join(f'"{w}"' + ("*" if prefix else "") for w in spellings) for spellings, prefix in terms.marked_words()
    ]
    return [*(pair_query(pair) for pair in terms.adjacent_pairs()), *marked]


PAGE_ROWS = SqlitePrepared.of(  # documents :ids (a JSON list)
    select(*DISPLAY, doc.c.body, doc.c.keywords).where(
        doc.c.id.in_(select(column("value", Integer)).select_from(func.json_each(bindparam("ids"))))
    )
)
PAIR_WORDS = re.compile(r"[^\W_]+")  # the words FTS5's unicode61 tokenizer reads: letters and digits
PAIRS_OF = "search_pairs_of"  # the SQL name of `boost_terms` on every SQLite connection (`register`)


def pair_terms(*columns: str | None) -> str:
    """What `search_pairs` indexes for a document: each two words side by side in one of its text
    columns but the labels, folded and joined by "_" ("Công nghệ sinh học" → "cong_nghe nghe_sinh sinh_hoc"), once.

    Whether a document holds two typed words side by side is then one list of ids to read, where
    the phrase "cong nghe" has FTS5 compare both words' positions in every document holding both
    (1-2 ms a query at 100,000 listings). The delete triggers hand FTS5 the terms of the stored text
    again, so a change to how they are made needs a `reindex`."""
    found: dict[str, None] = {}
    for written in columns:
        words = PAIR_WORDS.findall(fold((written or "").lower()))
        found.update(dict.fromkeys(f"{first}_{second}" for first, second in zip(words, words[1:], strict=False)))
    return " ".join(found)


def marked_words(*columns: str | None) -> str:
    """The words of these texts written with a mark (a tone, a vowel mark or đ), as written, in lower
    case, once: "Cà gai leo sấy" → "cà sấy".

    The index folds every mark, so "ca" finds cá (fish), cà (cà gai leo) and ca; a reader who typed
    "cà" finds all three, and those whose title or keywords hold cà itself rank higher (see `boost_queries`)."""
    found: dict[str, None] = {}
    for written in columns:
        found.update(dict.fromkeys(w for w in PAIR_WORDS.findall((written or "").lower()) if has_diacritics(w)))
    return " ".join(found)


def boost_terms(title: str | None, summary: str | None, keywords: str | None, *rest: str | None) -> str:
    """What `search_pairs` indexes for a document (its text columns but the labels, PAIRED_COLUMNS): the
    `pair_terms` of them all, and the `marked_words` of its title and keywords (a pair always holds "_",
    which no word does). Marked words are only taken where a listing names what it is about: from the
    whole text, each typed marked word made the ranking read a list of ids as long as a common
    syllable's (2-5 ms a query at 100,000 listings, against 0.3-0.6 ms from titles and keywords)."""
    pairs = pair_terms(title, summary, keywords, *rest)
    return " ".join(filter(None, (pairs, marked_words(title, keywords))))


def pair_query(pair: Term) -> str:
    """The `search_pairs` query of a two-word phrase: one term, starred while its second word is typed."""
    return '"' + "_".join(pair.folded) + '"' + ("*" if pair.prefix else "")


def register(connection: sqlite3.Connection) -> None:
    """Make `boost_terms` callable from SQL (the triggers that keep `search_pairs` call it)."""
    connection.create_function(PAIRS_OF, len(PAIRED_COLUMNS), boost_terms, deterministic=True)


PREFIX_COUNT = SqlitePrepared.of(select(func.count()).select_from(fts).where(matches(bindparam("query"))))
MATCHING_IDS = SqlitePrepared.of(  # the ids matching :query below id :below, ascending
    select(func.group_concat(fts.c.rowid)).where(matches(bindparam("query")), fts.c.rowid < bindparam("below"))
)


SCORED = select(fts.c.rowid, -func.bm25(FTS, *WEIGHTS)).where(
    matches(bindparam("query"))
)  # (id, score) of :query's matches
SCORED_WINDOW = SqlitePrepared.of(  # from id :oldest to below :below, ascending
    SCORED.where(fts.c.rowid >= bindparam("oldest", type_=Integer), fts.c.rowid < bindparam("below"))
)
NEWEST_SCORED = SqlitePrepared.of(SCORED.order_by(fts.c.rowid.desc()).limit(bindparam("wanted")))  # the :wanted newest
BOOST_IDS = SqlitePrepared.of(  # the ids holding the `boost_queries` :query, ascending
    select(func.group_concat(pairs_fts.c.rowid)).where(PAIRS.op("MATCH")(bindparam("query")))
)


def contains(listed: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Whether each of `ids` is in `listed` (ascending); `np.isin` sorts both first, ten times as long for a window."""
    if not len(listed):
        return np.zeros(len(ids), dtype=bool)
    at = np.searchsorted(listed, ids).clip(0, len(listed) - 1)
    return listed[at] == ids


@dataclass(frozen=True)
class Scores:
    """Scores of some matches: their ids ascending, and each one's score."""

    ids: np.ndarray
    scores: np.ndarray

    @classmethod
    def read(cls, result: Any) -> "Scores":
        """The (id, score) rows of a statement, in whichever order it gives them; read from the
        driver's cursor without making Row objects (up to two thousand)."""
        rows = result.cursor.fetchall()
        pairs = np.fromiter(chain.from_iterable(rows), dtype=np.float64, count=2 * len(rows)).reshape(-1, 2)
        order = np.argsort(pairs[:, 0], kind="stable")
        return cls(pairs[order, 0].astype(np.int64), pairs[order, 1])

    @property
    def lowest(self) -> int:
        """The lowest id scored: every match from it on is scored (no id for none)."""
        return int(self.ids[0]) if len(self.ids) else NO_ID_LIMIT

    def followed_by(self, newer: "Scores | None") -> "Scores":
        """These scores and `newer` ones, all of whose ids are higher."""
        if newer is None:
            return self
        return Scores(np.concatenate([self.ids, newer.ids]), np.concatenate([self.scores, newer.scores]))

    def of(self, ids: np.ndarray) -> np.ndarray:
        """The score of each of `ids`; 0 for a document not scored (deleted while it was searched for)."""
        if not len(self.ids):
            return np.zeros(len(ids))
        at = np.searchsorted(self.ids, ids).clip(0, len(self.ids) - 1)
        return np.where(self.ids[at] == ids, self.scores[at], 0.0)


TEXT_COLUMNS = ("title", "summary", "keywords", "org_name", "body", "labels")  # the columns of search_fts
PAIRED_COLUMNS = TEXT_COLUMNS[:-1]  # a sector's name holding the typed words says little: no boosts
_FOLDED = ", ".join(f"replace(replace({c}, 'đ', 'd'), 'Đ', 'D')" for c in TEXT_COLUMNS)
_ALL = ", ".join(c.name for c in doc.c if c.name != "id")


@contextmanager
def indexing_set_aside(session: Session) -> Iterator[None]:
    """For a rewrite of every document (`rebuild`): the triggers that index each document as it is
    written are dropped, and made again once REFILL has indexed them all in one pass. Otherwise each
    document was indexed five times (written, deleted, written again when renumbered, refilled).

    All in the session's transaction: a first write opens it (Python's sqlite3 opens one only for
    writes), so DROP TRIGGER joins it and a failure rolls back to the triggers as they were."""
    session.execute(text("DELETE FROM search_removal"))  # emptied by REFILL anyway
    found = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'search_document'")
    ).all()
    for name, _ in found:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _, sql in found:
        session.execute(text(sql))
    # The copies in memory learn of the rewrite from the removal log: one entry they never read, gone.
    session.execute(text("INSERT INTO search_removal(document_id) VALUES (0)"))
    session.execute(text("DELETE FROM search_removal"))


# After a full rewrite: documents renumbered oldest first (the newest then sit in the ranking window),
# the removal log emptied, and, as FTS5's own 'rebuild' would re-read the unfolded text, the index emptied and refilled
# with đ folded, then merged into one segment; the pairs index likewise (a reindex puts right any change of `boost_terms`).
REFILL = [
    f"CREATE TEMP TABLE search_document_order AS SELECT {_ALL} FROM search_document"  # noqa: S608  (constant names)
    " ORDER BY coalesce(published_ts, 0), kind, entity_id",
    "DELETE FROM search_document",
    f"INSERT INTO search_document ({_ALL}) SELECT {_ALL} FROM search_document_order ORDER BY rowid",  # noqa: S608
    "DROP TABLE search_document_order",
    "INSERT INTO search_fts(search_fts) VALUES ('delete-all')",
    "DELETE FROM search_removal",  # every copy in memory starts again (it finds entries it never read gone)
    f"INSERT INTO search_fts(rowid, {', '.join(TEXT_COLUMNS)}) SELECT id, {_FOLDED} FROM search_document",  # noqa: S608  (constant names)
    "INSERT INTO search_fts(search_fts) VALUES ('optimize')",  # one b-tree segment: each word's postings in one place
    "INSERT INTO search_pairs(search_pairs) VALUES ('delete-all')",
    f"INSERT INTO search_pairs(rowid, pairs) SELECT id, {PAIRS_OF}({', '.join(PAIRED_COLUMNS)}) FROM search_document",  # noqa: S608
    "INSERT INTO search_pairs(search_pairs) VALUES ('optimize')",
]
