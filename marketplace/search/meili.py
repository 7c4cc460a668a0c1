"""Meilisearch backend (official client): the documents of `search_document` sent as JSON, searched with facets.

Meilisearch folds Vietnamese marks and đ itself, so documents keep their original text. The outbox
(`SearchOutbox`) carries every change to it; `push_outbox` sends what is waiting.
"""

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any, TypeVar

import meilisearch
import requests
from meilisearch.errors import MeilisearchError
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.engine import Engine

from marketplace.models import SearchOutbox
from marketplace.models._base import utcnow
from marketplace.search.documents import LISTING_KINDS, MARK_END, MARK_START, search_document
from marketplace.search.query import COUNT_LIMIT, FACET_BY_NAME, FACETS, Audience, SearchQuery
from marketplace.search.results import SearchPage, facet_values, hit_from

log = logging.getLogger("marketplace.search")
T = TypeVar("T")
outbox = SearchOutbox.__table__  # type: ignore[attr-defined]
SEARCHABLE = ["title", "keywords", "summary", "org_name", "body", "labels"]  # in order of importance
FILTERABLE = ["id", "kind", "status", "organization_id", *[f.field for f in FACETS if f.field != "kind"]]
SORTABLE = ["published_ts", "confirmed_ts"]
# "sort" first so that newest/freshness orders are strict; freshness breaks ties between equal matches.
RANKING = ["sort", "words", "typo", "proximity", "attribute", "exactness", "confirmed_ts:desc"]
TEXT_SHOWN = ["title", "summary", "body", "keywords"]
BATCH = 500
KEEP_DONE = timedelta(days=7)


class SearchUnavailable(Exception):
    """Meilisearch did not answer, or refused the request."""


def meili_document(row: Mapping[str, Any]) -> dict[str, Any]:
    """A `search_document` row as the JSON document Meilisearch stores."""
    doc = {k: v for k, v in row.items() if k not in ("id", "tsv")}
    doc["id"] = f"{row['kind']}-{row['entity_id']}"
    doc["collaboration_types"] = [v for v in (row.get("collaboration_types") or "").split("|") if v]
    return doc


def quote(value: object) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def visibility(audience: Audience) -> str | None:
    """The filter that keeps what this audience may see (see `database.visible`)."""
    if audience.everything:
        return None
    if audience.organization_id is None:
        return 'status = "published"'
    kinds = ", ".join(quote(k) for k in LISTING_KINDS)
    return f'(status = "published" OR (organization_id = {int(audience.organization_id)} AND kind IN [{kinds}]))'


def filters(audience: Audience, applied: Mapping[str, Sequence[str]]) -> list[str]:
    found = [
        f"{FACET_BY_NAME[name].field} IN [{', '.join(quote(v) for v in values)}]" for name, values in applied.items()
    ]
    shown = visibility(audience)
    return ([shown] if shown else []) + found


class MeiliSearch:
    """One Meilisearch index holding every kind of document."""

    name = "meilisearch"

    def __init__(
        self,
        url: str,
        api_key: str | None,
        index_prefix: str,
        timeout: float,
        synonyms: Callable[[], dict[str, list[str]]] = dict,
    ) -> None:
        self.client = meilisearch.Client(url, api_key, timeout=timeout)  # type: ignore[arg-type]
        self.uid = f"{index_prefix}_documents"
        self.synonyms = synonyms
        self.prepared = False

    def call(self, action: Callable[[], T]) -> T:
        """Run one client call; any failure becomes SearchUnavailable."""
        try:
            return action()
        except (MeilisearchError, requests.RequestException) as exc:
            raise SearchUnavailable(str(exc)) from exc

    def ping(self) -> bool:
        try:
            return self.call(self.client.health).get("status") == "available"
        except SearchUnavailable:
            return False

    def prepare(self, wait_ms: int = 5000) -> None:
        """Create the index if needed and apply its settings (once per process)."""
        if self.prepared:
            return
        settings = {
            "searchableAttributes": SEARCHABLE,
            "filterableAttributes": FILTERABLE,
            "sortableAttributes": SORTABLE,
            "rankingRules": RANKING,
            "synonyms": self.synonyms(),
            "pagination": {"maxTotalHits": COUNT_LIMIT + 1},  # so that "more than COUNT_LIMIT" shows
            "localizedAttributes": [{"attributePatterns": ["*"], "locales": ["vie", "eng"]}],
        }
        index = self.client.index(self.uid)
        if not self._exists():
            self.call(
                lambda: self.client.wait_for_task(self.client.create_index(self.uid, {"primaryKey": "id"}).task_uid)
            )
        task = self.call(lambda: index.update_settings(settings))
        self.call(lambda: self.client.wait_for_task(task.task_uid, timeout_in_ms=wait_ms))
        self.prepared = True

    def _exists(self) -> bool:
        try:
            self.client.get_raw_index(self.uid)
            return True
        except meilisearch.errors.MeilisearchApiError as exc:
            if exc.code == "index_not_found":
                return False
            raise SearchUnavailable(str(exc)) from exc
        except (MeilisearchError, requests.RequestException) as exc:
            raise SearchUnavailable(str(exc)) from exc

    def put(self, rows: Sequence[Mapping[str, Any]], removed: list[str]) -> int | None:
        """Send current documents and remove deleted ones; returns the last task's id."""
        index = self.client.index(self.uid)
        task = None
        if rows:
            task = self.call(lambda: index.add_documents([meili_document(r) for r in rows], primary_key="id")).task_uid
        if removed:
            expression = f"id IN [{', '.join(quote(i) for i in removed)}]"
            task = self.call(lambda: index.delete_documents(filter=expression)).task_uid
        return task

    def clear(self) -> None:
        index = self.client.index(self.uid)
        self.call(lambda: self.client.wait_for_task(index.delete_all_documents().task_uid, timeout_in_ms=60_000))

    def push_outbox(self, engine: Engine) -> int:
        """Send every waiting change, oldest first; returns how many outbox rows were done."""
        done = 0
        while rows := self._waiting(engine):
            keys = {(r.entity, r.entity_id) for r in rows}
            try:
                current = _documents(engine, keys)
                removed = sorted(f"{k}-{i}" for k, i in keys - {(d["kind"], d["entity_id"]) for d in current})
                self.put(current, removed)
            except SearchUnavailable:
                with engine.begin() as conn:
                    conn.execute(
                        update(outbox)
                        .where(outbox.c.id.in_([r.id for r in rows]))
                        .values(attempts=outbox.c.attempts + 1)
                    )
                raise
            with engine.begin() as conn:
                conn.execute(update(outbox).where(outbox.c.id.in_([r.id for r in rows])).values(done_at=utcnow()))
                conn.execute(delete(outbox).where(outbox.c.done_at < utcnow() - KEEP_DONE))
            done += len(rows)
        return done

    @staticmethod
    def _waiting(engine: Engine) -> list[Any]:
        with engine.connect() as conn:
            statement = (
                select(outbox.c.id, outbox.c.entity, outbox.c.entity_id)
                .where(outbox.c.done_at.is_(None))
                .order_by(outbox.c.id)
                .limit(BATCH)
            )
            return list(conn.execute(statement).all())

    def search(self, query: SearchQuery, audience: Audience) -> SearchPage:
        """One page of results with facet counts; facets with a chosen value are counted without it."""
        applied = query.applied_filters()
        results = self.call(lambda: self.client.multi_search(self.requests(query, audience)))["results"]
        counts: dict[str, dict[str, int]] = {}
        for result in results:
            for field, values in (result.get("facetDistribution") or {}).items():
                facet = next(f for f in FACETS if f.field == field)
                if facet.name not in applied or result is not results[0]:
                    counts[facet.name] = dict(values)
        hits = [
            hit_from(
                h,
                formatted(h, "title"),
                first_marked(
                    [formatted(h, "summary") or "", formatted(h, "body") or "", formatted(h, "keywords") or ""]
                ),
            )
            for h in results[0]["hits"]
        ]
        total = int(results[0].get("totalHits", 0))
        return SearchPage(query, hits, total, facet_values(query, counts), backend=self.name)

    def requests(self, query: SearchQuery, audience: Audience) -> list[dict[str, Any]]:
        """The page's search, then one facet-only search per facet that has chosen values."""
        applied = query.applied_filters()
        base = {"indexUid": self.uid, "q": query.terms.meilisearch(), "matchingStrategy": "all"}
        main = base | {
            "filter": filters(audience, applied),
            "facets": [f.field for f in FACETS if f.name not in applied],
            "page": query.page,
            "hitsPerPage": query.per_page,
            "attributesToHighlight": TEXT_SHOWN,
            "attributesToCrop": TEXT_SHOWN[1:],
            "cropLength": 24,
            "cropMarker": "…",
            "highlightPreTag": MARK_START,
            "highlightPostTag": MARK_END,
        }
        if query.order != "relevance":
            main["sort"] = (
                ["published_ts:desc"] if query.order == "newest" else ["confirmed_ts:desc", "published_ts:desc"]
            )
        others = [
            base
            | {
                "filter": filters(audience, {k: v for k, v in applied.items() if k != name}),
                "facets": [FACET_BY_NAME[name].field],
                "limit": 0,
            }
            for name in applied
        ]
        return [main, *others]


def formatted(hit: Mapping[str, Any], field: str) -> str | None:
    return (hit.get("_formatted") or {}).get(field)


def first_marked(candidates: list[str]) -> str:
    """The first text that shows a match (summary, then body, then keywords), else the first non-empty one."""
    for text in candidates:
        if MARK_START in text:
            return text
    return next((text for text in candidates if text), "")


def _documents(engine: Engine, keys: set[tuple[str, int]]) -> list[dict[str, Any]]:
    doc = search_document.c
    by_kind: dict[str, list[int]] = {}
    for kind, entity_id in keys:
        by_kind.setdefault(kind, []).append(entity_id)
    condition = or_(*[and_(doc.kind == kind, doc.entity_id.in_(ids)) for kind, ids in by_kind.items()])
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(*search_document.c).where(condition)).mappings().all()]
