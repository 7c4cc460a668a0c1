"""The Department's review queue: approve a submitted listing, or send it back with a reason."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import listing_forms, listing_review, listings, publishing, quality
from marketplace.errors import Conflict, Invalid, NotFound
from marketplace.i18n import Msg
from marketplace.listing_forms import Kind
from marketplace.models import Need, Offer
from marketplace.web.deps import Csrf, FormData, SessionDep, StaffUser
from marketplace.web.templating import render

router = APIRouter()
ListingId = Annotated[int, Path(ge=1, le=2_147_483_647)]


def _entry(session: Session, listing: publishing.Listing, orgs: dict[int, Any] | None = None) -> dict[str, Any]:
    """One listing in the queue, with its owner organization and its quality score."""
    kind = publishing.kind_of(listing)
    orgs = orgs if orgs is not None else listings.organizations_by_id(session, {listing.organization_id})
    return {
        "kind": kind,
        "item": listing,
        "org": orgs.get(listing.organization_id),
        "coach": quality.assess(kind, listing_forms.form_of(listing)),
        "key": f"{kind}-{listing.id}",
    }


@router.get("/review", name="review_queue")
def review_queue(request: Request, session: SessionDep, staff: StaffUser) -> Response:
    return _queue_page(request, session)


def _queue_page(
    request: Request, session: Session, *, failed: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    waiting = listing_review.review_queue(session)
    orgs = listings.organizations_by_id(session, {x.organization_id for x in waiting})
    context = {
        "entries": [_entry(session, x, orgs) for x in waiting],
        "failed": failed or {},
        "flash": request.session.pop("flash", None),
        "flash_error": request.session.pop("flash_error", None),
    }
    return render(request, "review.html", context, status_code=status_code)


def _load(session: Session, kind: Kind, listing_id: int) -> publishing.Listing:
    listing = publishing.load(session, kind, listing_id)
    if listing is None:
        raise NotFound()
    return listing


@router.post("/review/{kind}/{listing_id}/approve", name="review_approve", dependencies=[Csrf])
def approve(
    request: Request, session: SessionDep, staff: StaffUser, kind: Kind, listing_id: ListingId, form: FormData
) -> Response:
    listing = _load(session, kind, listing_id)
    try:
        listing_review.approve_listing(session, staff, listing, version=form.get("version"))
    except Conflict as exc:
        return _decided(request, session, exc.current, exc.message, ok=False)
    return _decided(request, session, listing, Msg("Published: it is now visible to everyone."), ok=True)


@router.post("/review/{kind}/{listing_id}/reject", name="review_reject", dependencies=[Csrf])
def reject(
    request: Request, session: SessionDep, staff: StaffUser, kind: Kind, listing_id: ListingId, form: FormData
) -> Response:
    listing = _load(session, kind, listing_id)
    try:
        listing_review.reject_listing(
            session, staff, listing, reason=form.get("reason", ""), version=form.get("version")
        )
    except Invalid as exc:
        failed = {"key": f"{kind}-{listing_id}", "errors": exc.errors, "reason": form.get("reason", "")}
        if request.headers.get("hx-request") == "true":  # htmx swaps only 2xx answers: the row shows the error
            return render(request, "review.html", _entry(session, listing) | {"failed": failed}, block="entry")
        return _queue_page(request, session, failed=failed, status_code=422)
    except Conflict as exc:
        return _decided(request, session, exc.current, exc.message, ok=False)
    return _decided(request, session, listing, Msg("Sent back to its owner with your reason."), ok=True)


def _decided(request: Request, session: Session, listing: object, message: Msg, *, ok: bool) -> Response:
    """The queue row replaced by the outcome (htmx), or back to the queue with a notice."""
    assert isinstance(listing, Offer | Need)
    if request.headers.get("hx-request") == "true":
        context = _entry(session, listing) | {"message": message, "ok": ok}
        return render(request, "review.html", context, block="decided")
    request.session["flash" if ok else "flash_error"] = str(message)
    return RedirectResponse(request.url_for("review_queue"), status_code=303)
