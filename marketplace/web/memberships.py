"""Requests to join an organization: asking (after registration), the queue of staff and managers, answers;
staff choose an organization's managers and remove members; the notice shown to accounts without one."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import labels, membership_review, memberships, notifications, organizations
from marketplace.errors import Conflict, Invalid, NotFound
from marketplace.i18n import N_, Msg
from marketplace.web.deps import Csrf, CurrentUser, FormData, RecordId, SessionDep, StaffUser
from marketplace.web.templating import env, render

router = APIRouter()


def organization_choices(session: Session) -> dict[str, Any]:
    """The lists of the "my organization" fields (registration and the join page)."""
    return {
        "org_choices": [(o.id, o.name_vi) for o in organizations.directory(session)],
        "org_kind_choices": [(v, t) for v, t in labels.options("org_kind") if v in memberships.NEW_ORGANIZATION_KINDS],
    }


@router.get("/account/organization", name="organization_join_page")
def organization_join_page(
    request: Request, session: SessionDep, user: CurrentUser, organization_id: int | None = None
) -> Response:
    form = {"organization_mode": "existing", "organization_id": str(organization_id or "")}
    return _join_page(request, session, form, {})


def _join_page(
    request: Request, session: Session, form: dict[str, str], errors: dict[str, Msg], **extra: Any
) -> Response:
    user = request.state.user
    context = organization_choices(session) | {
        "form": form,
        "errors": errors,
        "organization": organizations.get_organization(session, user.organization_id) if user.organization_id else None,
        "waiting": memberships.pending_request(session, user),
        **extra,
    }
    return render(request, "organization_join.html", context, status_code=422 if errors else 200)


@router.post("/account/organization", name="organization_join", dependencies=[Csrf])
def organization_join(request: Request, session: SessionDep, user: CurrentUser, form: FormData) -> Response:
    try:
        membership = memberships.ask_to_join(session, user, form)
    except Invalid as exc:
        return _join_page(request, session, form, exc.errors, message=exc.message)
    if membership.status == "approved":  # a new organization, registered by this person
        request.session["flash"] = str(Msg("Your organization is registered; you manage it on the exchange."))
    else:
        request.session["flash"] = str(Msg("Your request has been sent."))
    return RedirectResponse(request.url_for("my_exchange").path, status_code=303)


@router.get("/memberships", name="membership_queue")
def membership_queue(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    notifications.mark_read_at(session, user=user, link=memberships.QUEUE_PATH)  # the requests told of are in view
    context = {
        "waiting": membership_review.queue(session, user),
        "flash": request.session.pop("flash", None),
        "flash_error": request.session.pop("flash_error", None),
    }
    return render(request, "memberships.html", context)


def _back_to_queue(request: Request) -> Response:
    return RedirectResponse(request.url_for("membership_queue").path, status_code=303)


@router.post("/memberships/{membership_id}/approve", name="membership_approve", dependencies=[Csrf])
def membership_approve(
    request: Request, session: SessionDep, user: CurrentUser, membership_id: RecordId, form: FormData
) -> Response:
    try:
        membership = membership_review.approve(session, user, membership_id, manager=form.get("manager") == "1")
    except Conflict as exc:
        request.session["flash_error"] = str(exc.message)
        return _back_to_queue(request)
    person = memberships.person_and_organization(session, membership)
    request.session["flash"] = str(Msg("Approved: %(name)s is now a member of %(organization)s.", **person))
    return _back_to_queue(request)


@router.post("/memberships/{membership_id}/refuse", name="membership_refuse", dependencies=[Csrf])
def membership_refuse(
    request: Request, session: SessionDep, user: CurrentUser, membership_id: RecordId, form: FormData
) -> Response:
    try:
        membership = membership_review.refuse(session, user, membership_id, reason=form.get("reason", ""))
    except (Invalid, Conflict) as exc:
        errors = exc.errors if isinstance(exc, Invalid) else {}
        request.session["flash_error"] = str(errors.get("reason", exc.message))
        return _back_to_queue(request)
    person = memberships.person_and_organization(session, membership)
    request.session["flash"] = str(Msg("Refused: %(name)s will not join %(organization)s and has been told.", **person))
    return _back_to_queue(request)


@router.post("/memberships/{membership_id}/withdraw", name="membership_withdraw", dependencies=[Csrf])
def membership_withdraw(request: Request, session: SessionDep, user: CurrentUser, membership_id: RecordId) -> Response:
    try:
        membership_review.withdraw(session, user, membership_id)
    except Conflict as exc:
        request.session["flash"] = str(exc.message)
    else:
        request.session["flash"] = str(Msg("Your request is withdrawn. You may ask to join another organization."))
    return RedirectResponse(request.url_for("organization_join_page").path, status_code=303)


def _to_people(request: Request, organization_id: int) -> Response:
    target = request.url_for("organization_detail", organization_id=organization_id).path + "#people"
    return RedirectResponse(target, status_code=303)


def _member_of(session: Session, organization_id: int, user_id: int) -> None:
    """NotFound unless the person is a member of that organization (the page the form was on)."""
    if not any(person.id == user_id for person, _ in membership_review.people_of(session, organization_id)):
        raise NotFound()


MADE_MANAGER = N_("%(name)s now answers requests to join %(organization)s and edits its profile.")
NO_LONGER_MANAGER = N_("%(name)s no longer answers requests to join %(organization)s or edits its profile.")


@router.post("/organizations/{organization_id}/people/{user_id}/manager", name="member_manager", dependencies=[Csrf])
def member_manager(
    request: Request, session: SessionDep, staff: StaffUser, organization_id: RecordId, user_id: RecordId,
    form: FormData,
) -> Response:  # fmt: skip
    _member_of(session, organization_id, user_id)
    membership = membership_review.set_manager(session, staff, user_id, manager=form.get("manager") == "1")
    person = memberships.person_and_organization(session, membership)
    done = MADE_MANAGER if membership.manager else NO_LONGER_MANAGER
    request.session["flash"] = str(Msg(done, **person))
    return _to_people(request, organization_id)


@router.post("/organizations/{organization_id}/people/{user_id}/remove", name="member_remove", dependencies=[Csrf])
def member_remove(
    request: Request, session: SessionDep, staff: StaffUser, organization_id: RecordId, user_id: RecordId,
    form: FormData,
) -> Response:  # fmt: skip
    _member_of(session, organization_id, user_id)
    try:
        membership = membership_review.remove_member(session, staff, user_id, reason=form.get("reason", ""))
    except Invalid as exc:
        request.session["flash"] = str(exc.errors.get("reason", exc.message))
        return _to_people(request, organization_id)
    person = memberships.person_and_organization(session, membership)
    request.session["flash"] = str(Msg("%(name)s is no longer a member of %(organization)s.", **person))
    return _to_people(request, organization_id)


def standing(request: Request) -> memberships.Standing | None:
    """The reader's standing when they have no organization, worked out once per request (shown on every page)."""
    user = getattr(request.state, "user", None)
    if user is None or user.is_staff or user.organization_id is not None:
        return None
    if not hasattr(request.state, "membership_standing"):
        with Session(request.app.state.engine) as session:
            request.state.membership_standing = memberships.standing_of(session, user)
    return request.state.membership_standing  # type: ignore[no-any-return]


def join_requests_count(request: Request) -> int | None:
    """How many requests to join wait for the reader; None when they answer none (the header hides the link)."""
    user = getattr(request.state, "user", None)
    if user is None or not (user.is_staff or user.organization_id is not None):
        return None
    if not hasattr(request.state, "join_requests"):
        with Session(request.app.state.engine) as session:
            request.state.join_requests = membership_review.waiting_count(session, user)
    return request.state.join_requests  # type: ignore[no-any-return]


env.globals.update(membership_standing=standing, join_requests_count=join_requests_count)
