"""Readable names for what search shows: facets, their values, sort orders, kinds; links to each hit."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from marketplace.i18n import N_, gettext
from marketplace.labels import label, sector_name
from marketplace.search.query import FACETS, SearchQuery
from marketplace.search.results import Hit

FACET_TITLES = {
    "kind": N_("Type"),
    "sector": N_("Sector"),
    "trl": N_("Technology readiness (TRL)"),
    "ip_status": N_("Intellectual property"),
    "collaboration": N_("Collaboration sought"),
    "org_kind": N_("Kind of organization"),
    "ward": N_("Ward or commune"),
}
KIND_LABELS = {
    "offer": N_("Technology offers"),
    "need": N_("Technology needs"),
    "organization": N_("Organizations"),
    "expert": N_("Experts"),
}
KIND_BADGES = {
    "offer": N_("Technology offer"),
    "need": N_("Technology need"),
    "organization": N_("Organization"),
    "expert": N_("Expert"),
}
TRL_LABELS = {"1-3": N_("TRL 1–3: research"), "4-6": N_("TRL 4–6: development"), "7-9": N_("TRL 7–9: ready to deploy")}
SORT_LABELS = {"relevance": N_("Most relevant"), "newest": N_("Newest"), "freshness": N_("Recently confirmed")}
VOCABULARY = {"ip_status": "ip_status", "collaboration": "collaboration_type", "org_kind": "org_kind"}
DETAIL_ROUTES = {
    "offer": ("offer_detail", "offer_id"),
    "need": ("need_detail", "need_id"),
    "organization": ("organization_detail", "organization_id"),
    "expert": ("expert_detail", "expert_id"),
}


def facet_title(name: str) -> str:
    return gettext(FACET_TITLES[name])


def facet_label(name: str, value: str) -> str:
    """The translated name of one facet value (wards are names already)."""
    if name == "kind":
        return gettext(KIND_LABELS.get(value, value))
    if name == "trl":
        return gettext(TRL_LABELS.get(value, value))
    if name == "sector":
        return sector_name(value)
    if name in VOCABULARY:
        return label(VOCABULARY[name], value)
    return value


def kind_badge(kind: str) -> str:
    return gettext(KIND_BADGES.get(kind, kind))


def sort_options() -> list[tuple[str, str]]:
    return [(value, gettext(text)) for value, text in SORT_LABELS.items()]


def hit_link(url_for: Callable[..., Any], hit: Hit, route_names: Sequence[str] | frozenset[str]) -> str | None:
    """The page of a hit's record (None when that page does not exist in this app)."""
    route, parameter = DETAIL_ROUTES[hit.kind]
    return str(url_for(route, **{parameter: hit.entity_id})) if route in route_names else None


def query_params(query: SearchQuery, **changes: Any) -> list[tuple[str, str]]:
    """The URL parameters that reproduce `query`, with `changes` (page, sort, a facet's values) applied."""
    values: dict[str, Any] = {
        "q": query.text,
        **{f.name: list(query.filters.get(f.name, ())) for f in FACETS},
        "sort": query.sort,
        "page": query.page,
    } | changes
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if (
                item not in ("", None)
                and not (name == "sort" and item == "relevance")
                and not (name == "page" and item == 1)
            ):
                pairs.append((name, str(item)))
    return pairs


def search_url(base: object, query: SearchQuery, **changes: Any) -> str:
    """The search page URL for `query` with `changes` applied (base from url_for('search_page'))."""
    params = urlencode(query_params(query, **changes))
    return f"{base}?{params}" if params else str(base)


def filter_chips(query: SearchQuery) -> Mapping[str, Sequence[str]]:
    """The chosen filter values, for the "remove this filter" links."""
    return {name: values for name, values in query.filters.items() if values}
