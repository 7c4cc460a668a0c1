"""Owners answer match proposals: accept (an inquiry goes out) or dismiss with a reason."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import proposals
from marketplace.errors import Invalid
from marketplace.models import MatchProposal, Need, Offer, User
from marketplace.web.deps import Csrf, CurrentUser, FormData, SessionDep
from marketplace.web.pages import listing_page
from marketplace.web.templating import render

router = APIRouter()


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
        return listing_page(request, session, user, listing, status_code=422, extra=failure)
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
