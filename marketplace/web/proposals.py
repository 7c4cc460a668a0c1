"""Owners answer match proposals: accept (an inquiry goes out) or dismiss with a reason."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import matchmaking, organizations, proposals
from marketplace.errors import Invalid
from marketplace.listings import organizations_by_id
from marketplace.models import MatchProposal, Need, Offer, User
from marketplace.web.deps import Csrf, CurrentUser, FormData, SessionDep
from marketplace.web.templating import render

router = APIRouter()


def listing_context(session: Session, listing: Offer | Need, user: User | None) -> dict[str, object]:
    """What a listing page shows about proposals: owners' proposals, similar offers for enterprises."""
    views = proposals.for_listing(session, listing, user)
    owner = user is not None and (user.is_staff or user.organization_id == listing.organization_id)
    context: dict[str, object] = {
        "proposals": views,
        "no_terms": owner and listing.status == "published" and not matchmaking.has_usable_terms(listing),
    }
    if isinstance(listing, Offer) and user is not None and user.role in ("enterprise", "staff", "admin"):
        similar = proposals.similar_offers(session, listing)
        context |= {
            "similar": similar,
            "similar_orgs": organizations_by_id(session, {o.organization_id for o in similar}),
        }
    return context


def _back_to_listing(session: Session, proposal_id: int, user: User) -> str:
    proposal = session.get(MatchProposal, proposal_id)
    if proposal is not None and proposal.offer_id:
        offer = session.get(Offer, proposal.offer_id)
        if offer is not None and offer.organization_id == user.organization_id:
            return f"/offers/{offer.id}#proposals"
    return f"/needs/{proposal.need_id}#proposals" if proposal else "/"


@router.post("/proposals/{proposal_id}/accept", name="accept_proposal", dependencies=[Csrf])
def accept_proposal(
    request: Request, session: SessionDep, user: CurrentUser, proposal_id: int, form: FormData
) -> Response:
    back = _back_to_listing(session, proposal_id, user)
    proposals.accept(session, proposal_id, user, form.get("message", ""))
    if request.headers.get("hx-request") == "true":
        return render(request, "_partials/_proposal_done.html", {"proposal": session.get(MatchProposal, proposal_id)})
    return RedirectResponse(back, status_code=303)


@router.post("/proposals/{proposal_id}/dismiss", name="dismiss_proposal", dependencies=[Csrf])
def dismiss_proposal(
    request: Request, session: SessionDep, user: CurrentUser, proposal_id: int, form: FormData
) -> Response:
    back = _back_to_listing(session, proposal_id, user)
    try:
        proposal = proposals.dismiss(session, proposal_id, user, form.get("reason", ""))
    except Invalid as exc:
        failure = {
            "dismiss_failed_id": proposal_id,
            "dismiss_reason": form.get("reason", ""),
            "dismiss_error": exc.errors.get("reason"),
        }
        listing = _owned_listing(session, proposal_id, user)
        if request.headers.get("hx-request") == "true":
            view = next(
                (v for v in proposals.for_listing(session, listing, user) if v.proposal.id == proposal_id), None
            )
            return render(request, "_partials/_proposal.html", failure | {"view": view}, status_code=422)
        return _listing_page(request, session, user, listing, failure)
    if request.headers.get("hx-request") == "true":
        return render(request, "_partials/_proposal_done.html", {"proposal": proposal})
    return RedirectResponse(back, status_code=303)


def _owned_listing(session: Session, proposal_id: int, user: User) -> Offer | Need:
    proposal = session.get(MatchProposal, proposal_id)
    assert proposal is not None  # dismiss() raised NotFound before any Invalid
    offer = session.get(Offer, proposal.offer_id) if proposal.offer_id else None
    if offer is not None and offer.organization_id == user.organization_id:
        return offer
    need = session.get(Need, proposal.need_id)
    assert need is not None
    return need


def _listing_page(
    request: Request, session: Session, user: User, listing: Offer | Need, failure: dict[str, object]
) -> Response:
    """The listing page again, the failed dismissal open with what the user typed."""
    kind = "offer" if isinstance(listing, Offer) else "need"
    context = (
        {
            kind: listing,
            "organization": organizations.get_organization(session, listing.organization_id),
            "can_manage": True,
        }
        | listing_context(session, listing, user)
        | failure
    )
    return render(request, f"{kind}.html", context, status_code=422)
