"""GET /api/v1/search: the search page's results, facet counts and total as JSON."""

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from marketplace import search
from marketplace.errors import Invalid
from marketplace.labels import sector_name
from marketplace.listing_translations import other_language
from marketplace.search import labels
from marketplace.search.results import Hit, SearchPage
from marketplace.web.deps import OptionalUser, SessionDep
from marketplace.web.search import query_lists
from marketplace.web.templating import days_since, route_names

router = APIRouter(prefix="/api/v1", tags=["search"])
Many = list[str] | None


@router.get("/search", name="api_search")
def api_search(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    q: str = Query("", description='Words to find, with or without accents; "quoted words" side by side.'),
    kind: Many = Query(None, description="offer, need, organization, expert (repeat for several)."),
    sector: Many = Query(None, description="Sector codes, e.g. medicinal."),
    trl: Many = Query(None, description="TRL bands: 1-3, 4-6, 7-9."),
    ip_status: Many = Query(None),
    collaboration: Many = Query(None),
    org_kind: Many = Query(None),
    ward: Many = Query(None),
    sort: str = Query("relevance", description="relevance, newest or freshness."),
    page: str = Query("1", description="Page number, from 1."),
) -> JSONResponse:
    """Search published offers, needs, organizations and experts (signed-in owners and staff see more)."""
    query, problems = search.read_query(query_lists(request))
    if problems:
        raise Invalid(problems)
    return JSONResponse(page_json(request, search.find(session, query, user)))


def page_json(request: Request, results: SearchPage) -> dict[str, Any]:
    """The results as the API returns them; *_html fields hold escaped text with <mark> around matches."""
    query, names = results.query, route_names(request.app)
    return {
        "query": query.text,
        "sort": query.sort,
        "page": query.page,
        "per_page": query.per_page,
        "pages": results.pages,
        "total": results.total,
        "more": results.more,
        "backend": results.backend,
        "degraded": results.degraded,
        "results": [hit_json(hit, labels.hit_link(request.url_for, hit, names)) for hit in results.hits],
        "facets": {
            name: [
                {"value": v.value, "label": labels.facet_label(name, v.value), "count": v.count, "selected": v.selected}
                for v in values
            ]
            for name, values in results.facets.items()
        },
    }


def hit_json(hit: Hit, url: str | None) -> dict[str, Any]:
    """One found record as JSON."""
    organization = {"id": hit.organization_id, "name": hit.org_name_vi, "name_en": hit.org_name_en}
    return {
        "kind": hit.kind,
        "id": hit.entity_id,
        "title": hit.title.striptags(),
        "title_html": str(hit.title),
        "snippet_html": str(hit.snippet),
        "translation": _translation(hit),
        "url": url,
        "status": hit.status,
        "sector": {"code": hit.sector_code, "name": sector_name(hit.sector_code)} if hit.sector_code else None,
        "organization": organization if hit.organization_id and hit.org_name_vi else None,
        "trl": hit.trl,
        "published_at": hit.published_at.isoformat() if hit.published_at else None,
        "confirmed_at": hit.confirmed_at.isoformat() if hit.confirmed_at else None,
        "confirmed_days_ago": days_since(hit.confirmed_at) if hit.confirmed_at else None,
    }


def _translation(hit: Hit) -> dict[str, Any] | None:
    """The owner's translation of a found listing, as the listing API gives it (the summary may be a snippet)."""
    if hit.translated_title is None:
        return None
    summary = hit.translated_summary.striptags() if hit.translated_summary else None
    return {"language": other_language(hit.language), "title": hit.translated_title.striptags(), "summary": summary}
