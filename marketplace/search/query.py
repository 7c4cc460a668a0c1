"""A search request (text, facet filters, sort, page) read from a URL with every value checked, and who asks."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from marketplace.i18n import Msg
from marketplace.labels import sector_options
from marketplace.models import CollaborationType, IPStatus, OrgKind, User
from marketplace.search.documents import KINDS, LISTING_KINDS
from marketplace.search.terms import Terms, parse
from marketplace.validation import nfc

SORTS = ("relevance", "newest", "freshness")
TRL_RANGES = ("1-3", "4-6", "7-9")
PER_PAGE = 20
MAX_QUERY_CHARS = 200
COUNT_LIMIT = 1000  # totals are exact up to here, then "more than 1,000" (as Meilisearch's maxTotalHits)
MAX_PAGE = COUNT_LIMIT // PER_PAGE
MAX_FREE_VALUE = 80


@dataclass(frozen=True)
class Facet:
    """A filter shown with counts: its URL parameter, the document field, and its fixed values (if any)."""

    name: str
    field: str
    vocabulary: Callable[[], Iterable[str]] | None = None
    multi_valued: bool = False


FACETS = (
    Facet("kind", "kind", lambda: KINDS),
    Facet("sector", "sector_code", lambda: [code for code, _ in sector_options()]),
    Facet("trl", "trl_range", lambda: TRL_RANGES),
    Facet("ip_status", "ip_status", lambda: [v.value for v in IPStatus]),
    Facet("collaboration", "collaboration_types", lambda: [v.value for v in CollaborationType], multi_valued=True),
    Facet("org_kind", "org_kind", lambda: [v.value for v in OrgKind]),
    Facet("ward", "ward"),
)
FACET_BY_NAME = {f.name: f for f in FACETS}


@dataclass(frozen=True)
class SearchQuery:
    """What to search for; `filters` maps a facet name to the values chosen (any of them matches)."""

    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE

    @cached_property
    def terms(self) -> Terms:
        return parse(self.text)

    @property
    def order(self) -> str:
        """The sort applied: relevance needs words to rank by, so an empty search lists the newest."""
        return "newest" if self.sort == "relevance" and not self.terms else self.sort

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def applied_filters(self) -> dict[str, tuple[str, ...]]:
        """The filters in force: an empty search without a chosen kind lists recent offers and needs."""
        applied = {name: values for name, values in self.filters.items() if values}
        if not self.terms and "kind" not in applied:
            applied["kind"] = LISTING_KINDS
        return applied


@dataclass(frozen=True)
class Audience:
    """Who searches: the public sees published records; an organization's members and staff see more."""

    organization_id: int | None = None
    everything: bool = False

    @classmethod
    def of(cls, user: User | None) -> "Audience":
        if user is None:
            return cls()
        return cls(organization_id=user.organization_id, everything=user.is_staff)


def read_query(params: Mapping[str, Sequence[str]]) -> tuple[SearchQuery, dict[str, Msg]]:
    """The query the URL asks for, and a message for each part that could not be used (left out)."""
    problems: dict[str, Msg] = {}
    text = nfc(_first(params, "q"))
    if len(text) > MAX_QUERY_CHARS:
        problems["q"] = Msg("Searches are limited to %(max)d characters.", max=MAX_QUERY_CHARS)
        text = text[:MAX_QUERY_CHARS]
    filters = {facet.name: _facet_values(facet, params.get(facet.name, ()), problems) for facet in FACETS}
    sort = _first(params, "sort") or "relevance"
    if sort not in SORTS:
        problems["sort"] = Msg("This sort order is not known.")
        sort = "relevance"
    return SearchQuery(
        text=text,
        filters={k: v for k, v in filters.items() if v},
        sort=sort,
        page=_page(_first(params, "page"), problems),
    ), problems


def _first(params: Mapping[str, Sequence[str]], name: str) -> str:
    values = params.get(name) or ()
    return values[0] if values else ""


def _facet_values(facet: Facet, raw: Sequence[str], problems: dict[str, Msg]) -> tuple[str, ...]:
    values = list(dict.fromkeys(nfc(v) for v in raw if nfc(v)))
    allowed = set(facet.vocabulary()) if facet.vocabulary else None
    kept = [v for v in values if (v in allowed if allowed is not None else len(v) <= MAX_FREE_VALUE)]
    if len(kept) < len(values):
        problems[facet.name] = Msg("Some of the chosen filters are not known.")
    return tuple(kept)


def _page(raw: str, problems: dict[str, Msg]) -> int:
    if not raw:
        return 1
    try:
        page = int(raw.strip())
    except ValueError:
        page = 0
    if not 1 <= page <= MAX_PAGE:
        problems["page"] = Msg("Page numbers run from 1 to %(max)d.", max=MAX_PAGE)
        return 1 if page < 1 else MAX_PAGE
    return page
