"""The Department's review queue: approve a submitted listing or a published one's changes, or send it back."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import attachments, listing_forms, listing_review, listings, publishing, quality
from marketplace.errors import Conflict, Invalid, NotFound
from marketplace.i18n import Msg
from marketplace.listing_forms import Kind
from marketplace.models import ListingRevision, Need, Offer, User
from marketplace.web.deps import Csrf, FormData, RecordId, SessionDep, StaffUser
from marketplace.web.templating import env, is_htmx, render

router = APIRouter()


def _entry(
    session: Session,
    listing: publishing.Listing,
    orgs: dict[int, Any] | None = None,
    revision: ListingRevision | None = None,
    files: dict[tuple[str, int], list[Any]] | None = None,
) -> dict[str, Any]:
    """One item of the queue, with its owner organization, its quality score, its files (those of the whole queue
    in `files`, read at once) and, for a revision, what it changes."""
    kind = publishing.kind_of(listing)
    orgs = orgs if orgs is not None else listings.organizations_by_id(session, {listing.organization_id})
    if files is None:
        files = attachments.files_by_listing(session, [(kind, publishing.id_of(listing))])
    as_proposed = publishing.proposed(listing, revision) if revision is not None else listing
    return {
        "kind": kind,
        "item": listing,
        "revision": revision,
        "changes": listing_forms.differences(listing, listing_forms.from_stored(revision.values)) if revision else [],
        "org": orgs.get(listing.organization_id),
        "coach": quality.assess(kind, listing_forms.form_of(as_proposed)),
        "key": f"{kind}-{listing.id}" + ("-changes" if revision is not None else ""),
        "files": files.get((kind, publishing.id_of(listing)), []) if revision is None else [],
    }


@router.get("/review", name="review_queue")
def review_queue(request: Request, session: SessionDep, staff: StaffUser) -> Response:
    return _queue_page(request, session)


def _queue_page(
    request: Request, session: Session, *, failed: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    waiting = listing_review.review_queue(session)
    orgs = listings.organizations_by_id(session, {w.listing.organization_id for w in waiting})
    reviewed = [(publishing.kind_of(w.listing), publishing.id_of(w.listing)) for w in waiting if w.revision is None]
    files = attachments.files_by_listing(session, reviewed)
    context = {
        "entries": [_entry(session, w.listing, orgs, w.revision, files) for w in waiting],
        "waiting_count": len(waiting),
        "files_waiting": attachments.waiting_for_review(session),
        "files_flash": request.session.pop("files_flash", None),
        "files_error": request.session.pop("files_error", None),
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


@dataclass(frozen=True)
class Decision:
    """What a reviewer's button does: the use case it runs and what it tells the reviewer when done."""

    use_case: Callable[..., object]
    done: Msg
    changes: bool = False  # about a published listing's changes rather than a listing awaiting review
    with_reason: bool = False  # sends back, so the form's reason goes with it


APPROVE = Decision(listing_review.approve_listing, Msg("Published: it is now visible to everyone."))
APPROVE_CHANGES = Decision(
    listing_review.approve_revision, Msg("Changes published: the public page shows them now."), changes=True
)
REJECT = Decision(listing_review.reject_listing, Msg("Sent back to its owner with your reason."), with_reason=True)
REJECT_CHANGES = Decision(
    listing_review.reject_revision,
    Msg("Changes sent back to the owner with your reason; the public version is unchanged."),
    changes=True,
    with_reason=True,
)


@router.post("/review/{kind}/{listing_id}/approve", name="review_approve", dependencies=[Csrf])
def approve(
    request: Request, session: SessionDep, staff: StaffUser, kind: Kind, listing_id: RecordId, form: FormData
) -> Response:
    return _decide(request, session, staff, kind, listing_id, form, APPROVE)


@router.post("/review/{kind}/{listing_id}/changes/approve", name="review_approve_changes", dependencies=[Csrf])
def approve_changes(
    request: Request, session: SessionDep, staff: StaffUser, kind: Kind, listing_id: RecordId, form: FormData
) -> Response:
    return _decide(request, session, staff, kind, listing_id, form, APPROVE_CHANGES)


@router.post("/review/{kind}/{listing_id}/changes/reject", name="review_reject_changes", dependencies=[Csrf])
def reject_changes(
    request: Request, session: SessionDep, staff: StaffUser, kind: Kind, listing_id: RecordId, form: FormData
) -> Response:
    return _decide(request, session, staff, kind, listing_id, form, REJECT_CHANGES)


@router.post("/review/{kind}/{listing_id}/reject", name="review_reject", dependencies=[Csrf])
def reject(
    request: Request, session: SessionDep, staff: StaffUser, kind: Kind, listing_id: RecordId, form: FormData
) -> Response:
    return _decide(request, session, staff, kind, listing_id, form, REJECT)


def _decide(
    request: Request,
    session: Session,
    staff: User,
    kind: Kind,
    listing_id: int,
    form: dict[str, str],
    decision: Decision,
) -> Response:
    """Run the reviewer's decision on the listing, then show the outcome (or the row again for an unusable reason)."""
    listing = _load(session, kind, listing_id)
    reason = form.get("reason", "")
    given = {"reason": reason} if decision.with_reason else {}
    try:
        decision.use_case(session, staff, listing, version=form.get("version"), **given)
    except Invalid as exc:  # only a reason is checked, so only sending back meets this
        key = f"{kind}-{listing_id}" + ("-changes" if decision.changes else "")
        return _refused(request, session, listing, key=key, errors=exc.errors, reason=reason)
    except Conflict as exc:
        return _decided(request, session, exc.current, exc.message, ok=False, changes=decision.changes)
    return _decided(request, session, listing, decision.done, ok=True, changes=decision.changes)


def _refused(
    request: Request, session: Session, listing: publishing.Listing, *, key: str, errors: dict[str, Msg], reason: str
) -> Response:
    """A reason that does not do: the row again with the error beside the field (htmx), or the whole queue."""
    failed = {"key": key, "errors": errors, "reason": reason}
    if is_htmx(request):  # htmx swaps only 2xx answers: the row shows the error
        revision = publishing.pending_revision(session, listing) if key.endswith("-changes") else None
        return render(
            request, "review.html", _entry(session, listing, None, revision) | {"failed": failed}, block="entry"
        )
    return _queue_page(request, session, failed=failed, status_code=422)


def _decided(
    request: Request, session: Session, listing: object, message: Msg, *, ok: bool, changes: bool = False
) -> Response:
    """The queue row replaced by the outcome and the count brought up to date (htmx), or back to the queue."""
    assert isinstance(listing, Offer | Need)
    if is_htmx(request):
        context = _entry(session, listing) | {"message": message, "ok": ok}
        if changes:
            context["key"] += "-changes"
        context |= {"waiting_count": listing_review.queue_size(session), "count_oob": True}
        return render(request, "review.html", context, block="decided")
    request.session["flash" if ok else "flash_error"] = str(message)
    return RedirectResponse(request.url_for("review_queue"), status_code=303)


def review_waiting_count(request: Request) -> int | None:
    """How many listings, changes and files wait for the Department's check (staff only; else None)."""
    user = getattr(request.state, "user", None)
    if user is None or not user.is_staff:
        return None
    if not hasattr(request.state, "review_waiting"):
        with Session(request.app.state.engine) as session:
            waiting = listing_review.queue_size(session) + len(attachments.waiting_for_review(session))
            request.state.review_waiting = waiting
    return request.state.review_waiting  # type: ignore[no-any-return]


env.globals.update(review_waiting_count=review_waiting_count)
