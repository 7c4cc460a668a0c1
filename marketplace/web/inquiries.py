"""Inquiries on the web: express interest, accept, decline, withdraw — inline with htmx or as plain forms."""

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import inquiries, inquiry_answers, inquiry_board, inquiry_messages, workspace
from marketplace.errors import Conflict, Invalid
from marketplace.i18n import N_, Msg
from marketplace.models import Inquiry, User
from marketplace.web.deps import Csrf, CurrentUser, FormData, PageNumber, RecordId, SessionDep
from marketplace.web.templating import env, is_htmx, render
from marketplace.web.workspace import mark_seen

router = APIRouter()
# Ids beyond a 32-bit integer would make PostgreSQL fail: they are refused as invalid (422) instead.
ID_MAX = 2**31 - 1
SENT = Msg("Your inquiry has been sent. You will be notified when the owner answers.")
ACCEPTED = Msg("Inquiry accepted. You can now see each other's contact details; the collaboration is in the pipeline.")
DECLINED = Msg("Inquiry declined. The sender will see your reason.")
WITHDRAWN = Msg("Inquiry withdrawn.")


def _target_id(raw: str | None) -> int:
    """A submitted id, or 0 (which no record has) when it is not a usable number."""
    return int(raw) if raw and raw.isdigit() and int(raw) <= ID_MAX else 0


def _box(subject: inquiries.Subject, **extra: Any) -> dict[str, Any]:
    """The context of the "express interest" box for a listing or an expert."""
    return {
        "interest_kind": subject.kind,
        "interest_id": subject.id,
        "interest_org_id": subject.organization_id,
        "interest_open": True,
        "interest_form": {},
        "interest_errors": {},
    } | extra


@router.get("/inquiries", name="inquiry_list")
def inquiry_list(request: Request, session: SessionDep, user: CurrentUser, page: PageNumber = 1) -> Response:
    """Staff find every inquiry here, the stuck ones first; a member's inquiries live in My exchange (also where
    a log-in interrupted by a POST lands)."""
    if not user.is_staff:
        return RedirectResponse(str(request.url_for("my_exchange")) + "#sent", status_code=303)
    filters, errors = inquiry_board.read_filters(request.query_params)
    found = inquiry_board.board_page(session, user, filters, page)
    context = {
        "found": found,
        "page": found.paging.number,
        "pages": found.paging.pages,
        "filters": filters,
        "query": filters.params(),
        "form": dict(request.query_params),
        "errors": errors,
        "state_options": [(s, Msg(BOARD_STATES[s])) for s in inquiry_board.STATES],
        "age_options": [(str(a), Msg("more than %(num)d days ago", num=a)) for a in inquiry_board.AGES],
    }
    block = "results" if is_htmx(request) and not request.headers.get("hx-boosted") else None
    return render(request, "inquiries.html", context, block=block, status_code=422 if errors else 200)


BOARD_STATES = {
    "pending": N_("Waiting for an answer"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
    "all": N_("All inquiries"),
}


def inquiries_stuck_count(request: Request) -> int | None:
    """How many inquiries have waited for an answer more than a week (staff only; else None)."""
    user = getattr(request.state, "user", None)
    if user is None or not user.is_staff:
        return None
    if not hasattr(request.state, "inquiries_stuck"):
        with Session(request.app.state.engine) as session:
            request.state.inquiries_stuck = inquiry_board.stuck_count(session)
    return request.state.inquiries_stuck  # type: ignore[no-any-return]


env.globals.update(inquiries_stuck_count=inquiries_stuck_count, inquiry_stuck_days=inquiry_board.STUCK_DAYS)


@router.get("/inquiries/new", name="inquiry_new_page")
def inquiry_new_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    listing_kind: str = Query("", max_length=10),
    listing_id: int = Query(0, ge=0, le=ID_MAX),
) -> Response:
    subject = inquiries.subject_of(session, listing_kind, listing_id)
    return render(request, "inquiry_new.html", {"subject": subject} | _box(subject))


@router.post("/inquiries", name="inquiry_send", dependencies=[Csrf])
def inquiry_send(request: Request, session: SessionDep, user: CurrentUser, form: FormData) -> Response:
    kind, target = form.get("listing_kind", ""), _target_id(form.get("listing_id"))
    try:
        inquiry = inquiries.express_interest(
            session, sender=user, listing_kind=kind, listing_id=target, message=form.get("message", "")
        )
    except Invalid as exc:
        subject = inquiries.subject_of(session, kind, target)
        box = _box(subject, interest_form={"message": form.get("message", "")}, interest_errors=exc.errors)
        template = "_partials/_listing_actions.html" if is_htmx(request) else "inquiry_new.html"
        return render(request, template, {"subject": subject} | box, status_code=422)
    except Conflict as exc:  # the form sent twice, or a colleague asked already: show the one that waits
        current = exc.current if isinstance(exc.current, Inquiry) else None
        if is_htmx(request) or current is None:
            subject = inquiries.subject_of(session, kind, target)
            box = _box(subject, interest_sent=current, interest_notice=exc.message, interest_tone="warning")
            return render(request, "_partials/_listing_actions.html", box, status_code=409)
        return _go_to(request, current, exc.message)
    if is_htmx(request):
        subject = inquiries.subject_of(session, kind, target)
        return render(
            request, "_partials/_listing_actions.html", _box(subject, interest_sent=inquiry, interest_notice=SENT)
        )
    return _go_to(request, inquiry, SENT)


def _go_to(request: Request, inquiry: Inquiry, flash: Msg) -> Response:
    request.session["flash"] = str(flash)
    return RedirectResponse(str(request.url_for("inquiry_detail", inquiry_id=inquiry.id)), status_code=303)


@router.get("/inquiries/{inquiry_id}", name="inquiry_detail")
def inquiry_detail(request: Request, session: SessionDep, user: CurrentUser, inquiry_id: RecordId) -> Response:
    """The inquiry and its thread: its two sides act on it, Department staff read it and may write as broker."""
    inquiry = inquiry_messages.get_readable(session, inquiry_id, user)
    row = workspace.inquiry_row(session, inquiry, user)
    mark_seen(request, session, user)
    context = {"row": row, "flash": request.session.pop("flash", None)} | _thread(session, inquiry, user)
    return render(request, "inquiry.html", context)


def _thread(session: Session, inquiry: Inquiry, user: User, **extra: Any) -> dict[str, Any]:
    """What the thread block shows: the messages, whether this reader may write, the form kept on an error."""
    return {
        "thread_inquiry": inquiry,
        "thread": inquiry_messages.thread(session, inquiry),
        "thread_deal": inquiry_messages.collaboration_of(session, inquiry),
        "may_write": inquiry_messages.may_write(user, inquiry),
        "thread_form": {},
        "thread_errors": {},
        "thread_max": inquiry_messages.BODY_MAX,
    } | extra


@router.post("/inquiries/{inquiry_id}/messages", name="inquiry_message_post", dependencies=[Csrf])
def inquiry_message_post(
    request: Request, session: SessionDep, user: CurrentUser, inquiry_id: RecordId, form: FormData
) -> Response:
    """Add a message to the thread: the thread again (htmx) or back to the page at the new message."""
    try:
        message = inquiry_messages.post_message(session, inquiry_id=inquiry_id, user=user, data=form)
    except Invalid as exc:
        return _thread_again(request, session, user, inquiry_id, 422, thread_form=form, thread_errors=exc.errors)
    except Conflict as exc:
        return _thread_again(request, session, user, inquiry_id, 409, thread_notice=exc.message)
    if is_htmx(request):
        return _thread_again(request, session, user, inquiry_id, 200, thread_new=message.id)
    url = str(request.url_for("inquiry_detail", inquiry_id=inquiry_id))
    return RedirectResponse(f"{url}#message-{message.id}", status_code=303)


def _thread_again(
    request: Request, session: SessionDep, user: User, inquiry_id: int, status_code: int, **extra: Any
) -> Response:
    """The thread block (htmx) or the whole page (plain form), after a message or an error."""
    inquiry = inquiry_messages.get_readable(session, inquiry_id, user)
    context = _thread(session, inquiry, user, **extra)
    if is_htmx(request):
        return render(request, "inquiry.html", context, block="thread", status_code=status_code)
    row = workspace.inquiry_row(session, inquiry, user)
    return render(request, "inquiry.html", {"row": row} | context, status_code=status_code)


def _answered(
    request: Request,
    session: SessionDep,
    user: User,
    inquiry_id: int,
    *,
    notice: Msg | None = None,
    flash: Msg | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """After an answer: the card again (htmx), a redirect to the inquiry (done), or its page (error)."""
    row = workspace.row_for(session, inquiry_id, user)
    row = replace(row, messages=inquiry_messages.counts(session, [inquiry_id]).get(inquiry_id, 0))  # as /me shows it
    mark_seen(request, session, user, inquiries.path_of(row.inquiry))  # answering it from a list handles its notices
    tone = "success" if flash is not None else "warning"
    if is_htmx(request):
        on_own_page = "/inquiries/" in request.headers.get("hx-current-url", "")
        context = {"row": row, "notice": notice or flash, "tone": tone, "on_own_page": on_own_page} | extra
        context |= {"card_heading": 2} if on_own_page else {}  # right under the page's h1 there
        # an answer given changes what /me counts and may open a collaboration: its sections refresh
        changed = {"HX-Trigger": "exchange-changed"} if flash is not None else None
        return render(request, "_partials/_inquiry.html", context, status_code=status_code, headers=changed)
    if flash is not None:
        return _go_to(request, row.inquiry, flash)
    context = {"row": row, "notice": notice, "tone": tone} | _thread(session, row.inquiry, user) | extra
    return render(request, "inquiry.html", context, status_code=status_code)


@router.post("/inquiries/{inquiry_id}/accept", name="inquiry_accept", dependencies=[Csrf])
def inquiry_accept(request: Request, session: SessionDep, user: CurrentUser, inquiry_id: RecordId) -> Response:
    try:
        inquiry_answers.accept_inquiry(session, inquiry_id=inquiry_id, user=user)
    except Conflict as exc:
        return _answered(request, session, user, inquiry_id, notice=exc.message, status_code=409)
    return _answered(request, session, user, inquiry_id, flash=ACCEPTED)


@router.post("/inquiries/{inquiry_id}/decline", name="inquiry_decline", dependencies=[Csrf])
def inquiry_decline(
    request: Request, session: SessionDep, user: CurrentUser, inquiry_id: RecordId, form: FormData
) -> Response:
    try:
        inquiry_answers.decline_inquiry(session, inquiry_id=inquiry_id, user=user, data=form)
    except Invalid as exc:
        return _answered(
            request, session, user, inquiry_id, status_code=422, errors=exc.errors, form=form, decline_open=True
        )
    except Conflict as exc:
        return _answered(request, session, user, inquiry_id, notice=exc.message, status_code=409)
    return _answered(request, session, user, inquiry_id, flash=DECLINED)


@router.post("/inquiries/{inquiry_id}/withdraw", name="inquiry_withdraw", dependencies=[Csrf])
def inquiry_withdraw(request: Request, session: SessionDep, user: CurrentUser, inquiry_id: RecordId) -> Response:
    try:
        inquiry_answers.withdraw_inquiry(session, inquiry_id=inquiry_id, user=user)
    except Conflict as exc:
        return _answered(request, session, user, inquiry_id, notice=exc.message, status_code=409)
    return _answered(request, session, user, inquiry_id, flash=WITHDRAWN)


def my_inquiry_about(request: Request, kind: str, target_id: int) -> Inquiry | None:
    """For the "express interest" box: the reader's organization's open inquiry about this, if any."""
    user = getattr(request.state, "user", None)
    if user is None:
        return None
    with Session(request.app.state.engine) as session:
        return workspace.latest_about(session, user, kind, target_id)


env.globals.update(my_inquiry_about=my_inquiry_about)
