"""The search page: active search with facets; the results block alone answers htmx requests."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from marketplace import search
from marketplace.search import labels
from marketplace.web.deps import OptionalUser, SessionDep
from marketplace.web.templating import render, route_names

router = APIRouter()


def query_lists(request: Request) -> dict[str, list[str]]:
    """Every value of every URL parameter (facets take several)."""
    return {key: request.query_params.getlist(key) for key in request.query_params.keys()}


@router.get("/search", name="search_page")
def search_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """Search offers, needs, organizations and experts; parts of the URL that cannot be used are left out."""
    query, problems = search.read_query(query_lists(request))
    results = search.find(session, query, user)
    base = request.url_for("search_page")
    names = route_names(request.app)
    context = {
        "query": query,
        "results": results,
        "problems": problems,
        "facet_title": labels.facet_title,
        "facet_label": labels.facet_label,
        "kind_badge": labels.kind_badge,
        "sort_options": labels.sort_options(),
        "search_url": lambda **changes: labels.search_url(base, query, **changes),
        "hit_link": lambda hit: labels.hit_link(request.url_for, hit, names),
        "stale_after_days": request.app.state.settings.LISTING_FRESHNESS_DAYS,
    }
    fragment = request.headers.get("hx-target") == "search-results" and not request.headers.get(
        "hx-history-restore-request"
    )
    return render(request, "search.html", context, block="results" if fragment else None)
