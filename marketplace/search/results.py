"""What a search returns, whichever backend answered: hits with highlighted text, facet counts, the total."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup

from marketplace.db import page_count
from marketplace.search import marking
from marketplace.search.query import COUNT_LIMIT, FACETS, SearchQuery
from marketplace.search.terms import marked


@dataclass(frozen=True)
class Hit:
    """One found record; `title` and `snippet` are the original text with matches in <mark>."""

    kind: str
    entity_id: int
    title: Markup
    snippet: Markup
    status: str
    language: str | None = None  # of a listing's text
    translated_title: Markup | None = None  # the owner's translation into the other language, matches marked
    translated_summary: Markup | None = None
    organization_id: int | None = None
    org_name_vi: str | None = None
    org_name_en: str | None = None
    sector_code: str | None = None
    trl: int | None = None
    org_kind: str | None = None
    ward: str | None = None
    published_at: datetime | None = None
    confirmed_at: datetime | None = None

    def org_name(self, locale: str) -> str | None:
        """The organization's name in the reader's language."""
        return self.org_name_en if locale == "en" and self.org_name_en else self.org_name_vi


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class SearchPage:
    """One page of results, the total, facet counts, and whether a fallback answered (results may lag)."""

    query: SearchQuery
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    backend: str
    degraded: bool = False
    more: bool = False  # more than COUNT_LIMIT documents match; `total` is then COUNT_LIMIT

    def __post_init__(self) -> None:
        if self.total > COUNT_LIMIT:
            self.total, self.more = COUNT_LIMIT, True

    @property
    def pages(self) -> int:
        return page_count(self.total, self.query.per_page)


def moment(ts: int | None) -> datetime | None:
    return datetime.fromtimestamp(ts, UTC) if ts is not None else None


def hit_from(
    doc: Mapping[str, Any], title: str | None, snippet: str | None, found: re.Pattern[str] | None = None
) -> Hit:
    """A hit from a document's fields and the engine's marked title and snippet (`found`: the query's pattern,
    which marks the matches in a listing's translation too)."""
    translated_title, translated_summary = doc.get("translated_title"), doc.get("translated_summary")
    return Hit(
        kind=doc["kind"],
        entity_id=int(doc["entity_id"]),
        title=marked(title if title is not None else doc["title"]),
        snippet=marked(snippet if snippet is not None else _shorten(doc.get("summary") or "")),
        status=doc["status"],
        language=doc.get("language"),
        translated_title=marked(marking.mark(translated_title, found)) if translated_title else None,
        translated_summary=marked(marking.snippet(translated_summary, found) or _shorten(translated_summary))
        if translated_summary
        else None,
        organization_id=doc.get("organization_id"),
        org_name_vi=doc.get("org_name_vi"),
        org_name_en=doc.get("org_name_en"),
        sector_code=doc.get("sector_code"),
        trl=doc.get("trl"),
        org_kind=doc.get("org_kind"),
        ward=doc.get("ward"),
        published_at=moment(doc.get("published_ts")),
        confirmed_at=moment(doc.get("confirmed_ts")),
    )


def _shorten(text: str, limit: int = 220) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def facet_values(query: SearchQuery, counts: Mapping[str, Mapping[str, int]]) -> dict[str, list[FacetValue]]:
    """Counts per facet, most frequent first; chosen values stay listed even when nothing matches them."""
    applied = query.filters
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        found = {v: n for v, n in counts.get(facet.name, {}).items() if v and n}
        chosen = applied.get(facet.name, ())
        for value in chosen:
            found.setdefault(value, 0)
        ordered = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        if facet.name in ("kind", "trl"):  # a fixed, meaningful order
            order = list(facet.vocabulary() if facet.vocabulary else [])
            ordered.sort(key=lambda item: order.index(item[0]) if item[0] in order else len(order))
        out[facet.name] = [FacetValue(v, n, v in chosen) for v, n in ordered]
    return out
