"""Owners answer match proposals: accept with a message (an inquiry goes out) or dismiss with a reason.

Every step is a card that replaces itself (htmx) and also a page of its own (/proposals/{id}) for
plain forms and for researchers proposed as experts, who have no listing page to answer from.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import form_tokens
from marketplace import proposal_answers as answers
from marketplace.errors import Conflict, Invalid
from marketplace.models import Inquiry, ProposalStatus, User
from marketplace.web.deps import Csrf, CurrentUser, FormData, RecordId, SessionDep
from marketplace.web.proposal_context import accept_step, accepted_message, answered_context, back_path
from marketplace.web.templating import is_htmx, render
from marketplace.web.workspace import mark_seen

router = APIRouter()


def _card(
    request: Request, session: Session, user: User, proposal_id: int, *, status_code: int = 200, **extra: Any
) -> Response:
    """The proposal's card (htmx) or its page; an answered proposal shows its answer instead."""
    view = answers.view_for(session, proposal_id, user)
    context = {"view": view, "back": back_path(request, view)} | extra
    if view.proposal.status != ProposalStatus.NEW:
        context |= answered_context(session, view.proposal) | {"done": True}
        template = "_partials/_proposal_done.html"
    else:
        template = "_partials/_proposal.html"
    return render(request, template if is_htmx(request) else "proposal.html", context, status_code=status_code)


@router.get("/proposals/{proposal_id}", name="proposal_page")
def proposal_page(request: Request, session: SessionDep, user: CurrentUser, proposal_id: RecordId) -> Response:
    answers.view_for(session, proposal_id, user)  # NotFound for those who may not see it
    mark_seen(request, session, user)
    return _card(request, session, user, proposal_id)


@router.get("/proposals/{proposal_id}/accept", name="accept_proposal_form")
def accept_proposal_form(request: Request, session: SessionDep, user: CurrentUser, proposal_id: RecordId) -> Response:
    view = answers.view_for(session, proposal_id, user)
    return _card(request, session, user, proposal_id, **accept_step(session, view))


@router.post("/proposals/{proposal_id}/accept", name="accept_proposal", dependencies=[Csrf])
def accept_proposal(
    request: Request, session: SessionDep, user: CurrentUser, proposal_id: RecordId, form: FormData
) -> Response:
    if "message" not in form:  # a page from before the message step: open it rather than send blind
        return accept_proposal_form(request, session, user, proposal_id)
    try:
        inquiry = answers.accept(session, proposal_id, user, form["message"], token=form.get(form_tokens.FIELD))
    except Invalid as exc:
        view = answers.view_for(session, proposal_id, user)
        step = accept_step(session, view, form) | {"accept_errors": exc.errors}
        return _card(request, session, user, proposal_id, status_code=422, **step)
    except Conflict as exc:  # answered already (a second send), or the organization asked about it already
        session.rollback()
        waiting = exc.current if isinstance(exc.current, Inquiry) else None
        return _card(request, session, user, proposal_id, status_code=409, notice=exc.message, notice_inquiry=waiting)
    proposal = answers.view_for(session, proposal_id, user).proposal
    if is_htmx(request):
        return render(request, "_partials/_proposal_done.html", answered_context(session, proposal))
    request.session["flash"] = str(accepted_message(answered_context(session, proposal)))
    return RedirectResponse(str(request.url_for("inquiry_detail", inquiry_id=inquiry.id)), status_code=303)


@router.post("/proposals/{proposal_id}/dismiss", name="dismiss_proposal", dependencies=[Csrf])
def dismiss_proposal(
    request: Request, session: SessionDep, user: CurrentUser, proposal_id: RecordId, form: FormData
) -> Response:
    try:
        answers.dismiss(session, proposal_id, user, form.get("reason", ""))
    except Invalid as exc:
        failure = {
            "dismiss_failed_id": proposal_id,
            "dismiss_reason": form.get("reason", ""),
            "dismiss_error": exc.errors.get("reason"),
        }
        return _card(request, session, user, proposal_id, status_code=422, **failure)
    except Conflict as exc:
        session.rollback()
        return _card(request, session, user, proposal_id, status_code=409, notice=exc.message)
    if is_htmx(request):
        return _card(request, session, user, proposal_id)
    return RedirectResponse(back_path(request, answers.view_for(session, proposal_id, user)), status_code=303)
