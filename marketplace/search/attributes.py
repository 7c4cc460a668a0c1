"""Each search document's filterable fields, held in memory as numpy arrays indexed by document id.

Used by the SQLite backend. FTS5 finds the ids matching a query in a few milliseconds, but reading
the visibility and facet fields of each match from its row costs about 0.7 µs a match: 15-80 ms for a
one-word query matching 20,000 listings of 100,000. Looked up here, filters, facet counts, totals and
the newest-first order of all matches take about a millisecond (what Meilisearch does with its bitmaps).

Staying in step with the database costs one indexed read per search: a document row is never changed
in place (a change deletes it and inserts a new one), so copies only need adding for ids above the
highest one seen, and dropping for ids the `search_removal` log names (its triggers log every id that
stops holding its document, including ids SQLite hands out again).
"""

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import column, func, select, table
from sqlmodel import Session

from marketplace.db import SqlitePrepared
from marketplace.search.documents import LISTING_KINDS, search_document
from marketplace.search.query import FACET_BY_NAME, FACETS, Audience

doc = search_document.c
removal = table("search_removal", column("position"), column("document_id"))
sequence = table("sqlite_sequence", column("name"), column("seq"))
CODED = ("status", "kind", *[f.field for f in FACETS if not f.multi_valued])  # text fields, numbered
MULTI = [f.field for f in FACETS if f.multi_valued]  # "|a|b|" fields, one bit a value
NUMBERS = ("organization_id", "published_ts", "confirmed_ts")  # missing values are NaN
FIELDS = [*dict.fromkeys([*CODED, *MULTI, *NUMBERS])]
# Where the database stands: its highest document id, and how far the removal log has gone.
STATE = SqlitePrepared.of(
    select(
        select(func.max(doc.id)).scalar_subquery(),
        select(sequence.c.seq).where(sequence.c.name == "search_removal").scalar_subquery(),
    )
)
LOAD_BATCH = 900  # ids per IN (…) when reloading ids named in the log


@dataclass
class Selection:
    """Matching documents that `where` lets through: ids (newest first) and their facet counts."""

    ids: np.ndarray
    counts: dict[str, dict[str, int]]


class AttributeTable:
    """One process's copy of the filterable fields of every document, kept in step with the database."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.size = 0
        self.known = np.zeros(0, dtype=bool)
        self.coded: dict[str, np.ndarray] = {name: np.zeros(0, dtype=np.int32) for name in CODED}
        self.codes: dict[str, dict[str | None, int]] = {name: {None: 0, "": 0} for name in CODED}
        self.bits: dict[str, np.ndarray] = {name: np.zeros(0, dtype=np.int64) for name in MULTI}
        self.bit_of: dict[str, dict[str, int]] = {name: {} for name in MULTI}
        self.numbers: dict[str, np.ndarray] = {name: np.zeros(0, dtype=np.float64) for name in NUMBERS}
        self.highest_id = 0
        self.log_position: int | None = None
        # How many documents hold a short prefix, and of how many, as `Fts5Search.weighed` counted them.
        self.prefix_counts: dict[tuple[str, ...], tuple[int, int]] = {}
        # The share of the documents each audience sees, and where the database stood when it was counted.
        self.shares: dict[Audience, tuple[tuple[int, int | None], float]] = {}

    # -- keeping in step ---------------------------------------------------------------------------

    def prepare(self, session: Session) -> None:
        """Take in the documents added and removed since the last call: at a server's start (every
        document, so that the first search need not), and at the start of each search."""
        with self._lock:
            self.refresh(session)

    def refresh(self, session: Session) -> None:
        """Take in the documents added and removed since the last call."""
        highest, position = tuple(STATE.execute(session).one())
        highest, position = int(highest or 0), int(position or 0)
        if self.log_position is None or position < self.log_position:  # first use, or a new database
            self._reload(session)
        elif position > self.log_position:
            removed = session.execute(
                select(removal.c.document_id).where(removal.c.position > self.log_position)
            ).scalars()
            ids = [int(i) for i in removed]
            if len(ids) < position - self.log_position:  # emptied (`reindex`) before this copy read it
                self._reload(session)
            else:
                self._forget(ids)
                self._load_ids(session, sorted(set(ids)))  # ids given out again hold new documents
        if highest > self.highest_id:
            self._load(session, doc.id > self.highest_id)
        self.log_position = position

    def ensure(self, session: Session, ids: np.ndarray) -> np.ndarray:
        """`ids` whose documents exist, after loading those written since the last refresh."""
        inside = ids < self.size
        self._load_ids(session, [*ids[~inside].tolist(), *ids[inside][~self.known[ids[inside]]].tolist()])
        ids = ids[ids < self.size]
        return ids[self.known[ids]]

    def _reload(self, session: Session) -> None:
        self._reset()
        self._load(session, doc.id > 0)

    def _load_ids(self, session: Session, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), LOAD_BATCH):
            self._load(session, doc.id.in_(ids[start : start + LOAD_BATCH]))

    def _forget(self, ids: Sequence[int]) -> None:
        inside = [i for i in ids if i < self.size]
        self.known[inside] = False

    def _load(self, session: Session, condition: Any) -> None:
        rows = session.execute(select(doc.id, *[doc[name] for name in FIELDS]).where(condition)).all()
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        ids = np.fromiter(columns[0], dtype=np.int64, count=len(rows))
        self._grow(int(ids.max()) + 1)
        values = dict(zip(FIELDS, columns[1:], strict=True))
        for name in CODED:
            codes = self.codes[name]
            self.coded[name][ids] = [codes.setdefault(v, len(codes) - 1) for v in values[name]]
        for name in MULTI:
            bit_of = self.bit_of[name]
            self.bits[name][ids] = [self._bitmask(bit_of, v) for v in values[name]]
        for name in NUMBERS:
            self.numbers[name][ids] = [np.nan if v is None else float(v) for v in values[name]]
        self.known[ids] = True
        self.highest_id = max(self.highest_id, int(ids.max()))

    @staticmethod
    def _bitmask(bit_of: dict[str, int], piped: str | None) -> int:
        mask = 0
        for value in (piped or "").strip("|").split("|"):
            if value:
                mask |= 1 << bit_of.setdefault(value, len(bit_of))
        return mask

    def _grow(self, needed: int) -> None:
        if needed <= self.size:
            return
        size = max(needed, self.size * 2, 1024)

        def grown(array: np.ndarray, fill: Any = 0) -> np.ndarray:
            bigger = np.full(size, fill, dtype=array.dtype)
            bigger[: self.size] = array
            return bigger

        self.known = grown(self.known, False)
        self.coded = {k: grown(v) for k, v in self.coded.items()}
        self.bits = {k: grown(v) for k, v in self.bits.items()}
        self.numbers = {k: grown(v, np.nan) for k, v in self.numbers.items()}
        self.size = size

    # -- answering ---------------------------------------------------------------------------------

    def filtered(
        self,
        session: Session,
        ids: np.ndarray | None,
        audience: Audience,
        applied: Mapping[str, Sequence[str]],
    ) -> Selection:
        """Of `ids` (every document when None), those `audience` sees and `applied` lets through,
        newest first, with each facet's counts under every filter but its own. The caller has brought
        this copy up to date (`prepare`) before reading the ids; documents written since are loaded here."""
        with self._lock:
            if ids is None:
                ids = np.flatnonzero(self.known)
            else:
                ids = self.ensure(session, ids)
            ids = ids[self._visible(ids, audience)]
            passes = {name: self._passes(name, ids, values) for name, values in applied.items()}
            everything = np.logical_and.reduce([*passes.values(), np.ones(len(ids), dtype=bool)])
            counts = {}
            for facet in FACETS:
                others = [p for name, p in passes.items() if name != facet.name]
                among = ids[np.logical_and.reduce(others)] if others else ids
                counts[facet.name] = self._count(facet.field, among)
            chosen = ids[everything]
            if len(chosen) > 1 and not (chosen[1:] > chosen[:-1]).all():  # FTS5 gives ascending ids
                chosen = np.sort(chosen)
            return Selection(chosen[::-1], counts)

    def _visible(self, ids: np.ndarray, audience: Audience) -> np.ndarray:
        if audience.everything:
            return np.ones(len(ids), dtype=bool)
        public = self._equal("status", ids, ["published"])
        if audience.organization_id is None:
            return public
        own = (self.numbers["organization_id"][ids] == audience.organization_id) & self._equal(
            "kind", ids, LISTING_KINDS
        )
        return public | own

    def _passes(self, facet_name: str, ids: np.ndarray, values: Sequence[str]) -> np.ndarray:
        field = FACET_BY_NAME[facet_name].field
        if field in self.bits:
            wanted = sum(1 << self.bit_of[field][v] for v in values if v in self.bit_of[field])
            return (self.bits[field][ids] & wanted) != 0
        return self._equal(field, ids, values)

    def _equal(self, field: str, ids: np.ndarray, values: Iterable[str]) -> np.ndarray:
        codes = [self.codes[field][v] for v in values if v and v in self.codes[field]]
        if len(codes) == 1:
            return self.coded[field][ids] == codes[0]
        return np.isin(self.coded[field][ids], codes)

    def _count(self, field: str, ids: np.ndarray) -> dict[str, int]:
        if field in self.bits:
            masks = self.bits[field][ids]
            found = {v: int(np.count_nonzero(masks & (1 << bit))) for v, bit in self.bit_of[field].items()}
        else:
            tally = np.bincount(self.coded[field][ids], minlength=len(self.codes[field]))
            found = {v: int(tally[code]) for v, code in self.codes[field].items() if v}
        return {v: n for v, n in found.items() if n}

    def ordered(self, ids: np.ndarray, order: str) -> np.ndarray:
        """`ids` by newest publication (or latest confirmation, for "freshness"), missing dates last."""
        keys = [-ids, -self.published(ids)]
        if order == "freshness":
            keys.append(-np.nan_to_num(self.numbers["confirmed_ts"][ids], nan=-np.inf))
        return ids[np.lexsort(keys)]

    def count(self) -> int:
        """How many documents this copy holds."""
        return int(np.count_nonzero(self.known))

    def visible_share(self, audience: Audience) -> float:
        """How many of the documents `audience` may see, as a share of all (1 while none are held);
        counted again once documents have been added or removed since."""
        state = (self.highest_id, self.log_position)
        with self._lock:
            counted = self.shares.get(audience)
            if counted is None or counted[0] != state:
                ids = np.flatnonzero(self.known)
                share = np.count_nonzero(self._visible(ids, audience)) / len(ids) if len(ids) else 1.0
                counted = self.shares[audience] = (state, float(share))
            return counted[1]

    def weights(self, ids: np.ndarray, stale_before: int, stale_weight: float) -> np.ndarray:
        """Each document's weight: `stale_weight` when not confirmed since `stale_before`, else 1."""
        return np.where(self.numbers["confirmed_ts"][ids] < stale_before, stale_weight, 1.0)

    def published(self, ids: np.ndarray) -> np.ndarray:
        """Publication times, missing ones as -inf (last when sorted newest first)."""
        return np.nan_to_num(self.numbers["published_ts"][ids], nan=-np.inf)
