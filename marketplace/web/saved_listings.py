"""Saved listings ("Tin đã lưu"): the save button on offer and need pages, and the member's list on /saved.

Every control works in place with htmx (the button, a row of the list replace themselves) and as a plain form
that comes back to the page it was sent from.
"""

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import listings, saved_listings
from marketplace.errors import Invalid
from marketplace.i18n import Msg
from marketplace.models import Offer, User
from marketplace.web.deps import Csrf, CurrentUser, FormData, PageNumber, RecordId, SessionDep
from marketplace.web.templating import is_htmx, render

router = APIRouter()
Kind = Literal["offer", "need"]
BUTTON = "_partials/_save_listing.html"
ROW = "_partials/_saved_listing.html"


def listing_context(session: Session, user: User | None, listing: saved_listings.Listing) -> dict[str, Any]:
    """What an offer's or need's page needs for the save button, and for its managers how many keep it."""
    kind = "offer" if isinstance(listing, Offer) else "need"
    listing_id = listing.id or 0
    context: dict[str, Any] = {"saved_listing": saved_listings.saved_row(session, user, kind, listing_id)}
    if listings.can_manage(user, listing):
        context["saved_count"] = saved_listings.count_for(session, kind, listing_id)
    return context


@router.get("/saved", name="saved_listings_page")
def saved_listings_page(request: Request, session: SessionDep, user: CurrentUser, page: PageNumber = 1) -> Response:
    """The member's saved listings, the latest first; only the list when the pager asks with htmx."""
    block = "results" if request.headers.get("hx-target") == "saved-list" else None
    return _page(request, session, user, page, block=block)


def _page(
    request: Request, session: Session, user: User, page: int, *, block: str | None = None, **extra: Any
) -> Response:
    shown = saved_listings.page_of(session, user, page)
    context = {
        "entries": shown.entries,
        "total": shown.total,
        "page": shown.paging.number,
        "pages": shown.paging.pages,
        "max_saved": saved_listings.MAX_PER_USER,
        "note_max": saved_listings.NOTE_MAX,
        "flash": request.session.pop("flash", None),
    } | extra
    status_code = 422 if extra.get("editing") else 200
    return render(request, "saved_listings.html", context, block=block, status_code=status_code)


@router.post("/saved/{kind}/{listing_id}", name="save_listing", dependencies=[Csrf])
def save_listing(
    request: Request, session: SessionDep, user: CurrentUser, kind: Kind, listing_id: RecordId
) -> Response:
    saved, _ = saved_listings.save(session, user, kind, listing_id)
    if is_htmx(request):
        return _button(request, kind, listing_id, saved)
    request.session["flash"] = str(Msg("Saved. You find it again in Saved listings."))
    return RedirectResponse(request.url_for(f"{kind}_detail", **{f"{kind}_id": listing_id}), status_code=303)


@router.post("/saved/{kind}/{listing_id}/delete", name="unsave_listing", dependencies=[Csrf])
def unsave_listing(
    request: Request, session: SessionDep, user: CurrentUser, kind: Kind, listing_id: RecordId, form: FormData
) -> Response:
    """Take a listing off the list, from its page or from /saved (`from=saved`, with the page it was on)."""
    listing = saved_listings.unsave(session, user, kind, listing_id)
    title = listing.title if listing else ""
    from_list = form.get("from") == "saved"
    if is_htmx(request):
        if from_list:
            return render(request, ROW, {"removed": {"title": title}})
        return _button(request, kind, listing_id, None)
    request.session["flash"] = str(Msg("“%(title)s” is no longer on your saved list.", title=title))
    if from_list or listing is None or not listings.can_view(user, listing):
        return RedirectResponse(_list_url(request, form), status_code=303)
    return RedirectResponse(request.url_for(f"{kind}_detail", **{f"{kind}_id": listing_id}), status_code=303)


@router.post("/saved/{kind}/{listing_id}/note", name="saved_listing_note", dependencies=[Csrf])
def saved_listing_note(
    request: Request, session: SessionDep, user: CurrentUser, kind: Kind, listing_id: RecordId, form: FormData
) -> Response:
    """Write the private note of a saved listing; a note too long comes back with what was typed."""
    try:
        saved_listings.set_note(session, user, kind, listing_id, form)
    except Invalid as exc:
        editing = {"key": f"{kind}-{listing_id}", "note": form.get("note", ""), "errors": exc.errors}
        if is_htmx(request):
            entry = saved_listings.entry_of(session, user, kind, listing_id)
            return render(request, ROW, {"entry": entry, "editing": editing, **_list_context(form)}, status_code=422)
        return _page(request, session, user, _page_number(form), editing=editing)
    if is_htmx(request):
        entry = saved_listings.entry_of(session, user, kind, listing_id)
        return render(request, ROW, {"entry": entry, "noted": True, **_list_context(form)})
    request.session["flash"] = str(Msg("Your note is saved."))
    return RedirectResponse(f"{_list_url(request, form)}#saved-{kind}-{listing_id}", status_code=303)


def _button(request: Request, kind: str, listing_id: int, saved: Any) -> Response:
    context = {"listing_kind": kind, "item": {"id": listing_id}, "saved_listing": saved, "just_changed": True}
    return render(request, BUTTON, context)


def _page_number(form: dict[str, str]) -> int:
    page = form.get("page", "")
    return int(page) if page.isdigit() and 0 < int(page) <= 100_000 else 1


def _list_context(form: dict[str, str]) -> dict[str, Any]:
    return {"page": _page_number(form), "note_max": saved_listings.NOTE_MAX}


def _list_url(request: Request, form: dict[str, str]) -> str:
    """/saved at the page the form was sent from."""
    page = _page_number(form)
    url = request.url_for("saved_listings_page")
    return str(url.include_query_params(page=page) if page > 1 else url)
