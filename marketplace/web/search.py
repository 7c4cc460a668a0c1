"""The search page: active search with facets; the results block alone answers htmx requests.
Members follow a search from it, and manage the searches they follow on /saved-searches."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from marketplace import attachments, saved_searches, search
from marketplace.i18n import Msg
from marketplace.search import labels
from marketplace.web.deps import Csrf, CurrentUser, FormData, OptionalUser, RecordId, SessionDep
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
        "followed": saved_searches.following(session, user, query),
        "can_follow": saved_searches.can_follow(query),
        "follow_url": f"{request.url_for('follow_search')}?{saved_searches.params_of(query)}",
        "file_counts": attachments.shown_counts(session, [(h.kind, h.entity_id) for h in results.hits]),
    }
    fragment = request.headers.get("hx-target") == "search-results" and not request.headers.get(
        "hx-history-restore-request"
    )
    return render(request, "search.html", context, block="results" if fragment else None)


@router.post("/saved-searches", name="follow_search", dependencies=[Csrf])
def follow_search(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Follow the search in this address's parameters (the search page's); htmx gets the control back."""
    query, _ = search.read_query(query_lists(request))
    saved, _ = saved_searches.follow(session, user, query)
    if request.headers.get("hx-request"):
        context = {"query": query, "followed": saved, "can_follow": True, "just_followed": True}
        return render(request, "search.html", context, block="follow")
    request.session["flash"] = str(
        Msg(
            "You follow %(search)s: new offers and needs that match reach you daily.",
            search=saved_searches.describe(saved),
        )
    )
    return RedirectResponse(request.url_for("saved_searches_page"), status_code=303)


@router.get("/saved-searches", name="saved_searches_page")
def saved_searches_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    context = {
        "saved": saved_searches.saved_of(session, user),
        "describe": saved_searches.describe,
        "search_link": saved_searches.search_url,
        "frequency_options": saved_searches.frequency_options(),
        "flash": request.session.pop("flash", None),
        "max_saved": saved_searches.MAX_PER_USER,
    }
    return render(request, "saved_searches.html", context)


@router.post("/saved-searches/{saved_id}", name="saved_search_frequency", dependencies=[Csrf])
def saved_search_frequency(
    request: Request, session: SessionDep, user: CurrentUser, saved_id: RecordId, data: FormData
) -> Response:
    saved = saved_searches.set_frequency(session, user, saved_id, data)
    request.session["flash"] = str(
        Msg("Saved: %(search)s, %(frequency)s.", search=saved_searches.describe(saved),
            frequency=saved_searches.frequency_label(saved.frequency).lower())
    )  # fmt: skip
    return RedirectResponse(request.url_for("saved_searches_page"), status_code=303)


@router.post("/saved-searches/{saved_id}/delete", name="unfollow_search", dependencies=[Csrf])
def unfollow_search(request: Request, session: SessionDep, user: CurrentUser, saved_id: RecordId) -> Response:
    described = saved_searches.unfollow(session, user, saved_id)
    request.session["flash"] = str(Msg("You no longer follow %(search)s.", search=described))
    return RedirectResponse(request.url_for("saved_searches_page"), status_code=303)


@router.get("/saved-searches/stop/{token}", name="stop_search_page")
def stop_search_page(request: Request, session: SessionDep, token: str) -> Response:
    """The page an alert's stop link opens: a button, as mail scanners open links without meaning to stop anything."""
    saved = saved_searches.by_stop_token(session, token)
    return render(request, "saved_search_stop.html", {"described": saved_searches.describe(saved), "token": token})


@router.post("/saved-searches/stop/{token}", name="stop_search", dependencies=[Csrf])
def stop_search(request: Request, session: SessionDep, token: str) -> Response:
    described = saved_searches.stop_by_token(session, token)
    context = {"described": described, "stopped": True, "token": token}
    return render(request, "saved_search_stop.html", context)
