"""Meetings of a collaboration on its page: scheduling, changing, marking held, cancelling (htmx in place, or
plain forms), and each meeting's calendar file (`marketplace.meetings` says who may do what)."""

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import collaborations, meetings
from marketplace.errors import Conflict, Invalid
from marketplace.i18n import Msg
from marketplace.models import Collaboration, CollaborationMeeting, User
from marketplace.web import pipeline
from marketplace.web.deps import Csrf, CurrentUser, FormData, OptionalUser, RecordId, SessionDep
from marketplace.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
ACTIONS = ("edit", "held", "cancel")  # the form a meeting opens in place
SECTION = "_partials/_meetings.html"


def section_context(session: Session, user: User, collab: Collaboration, params: Mapping[str, Any] | None = None,
                    **state: Any) -> dict[str, Any]:  # fmt: skip
    """What the meetings section shows: the lists, the scheduling form, and the one meeting whose form is open
    (`?meeting=ID&do=edit|held|cancel` on the page, or `state` after a refused form)."""
    upcoming, past = meetings.of_collaboration(session, collab)
    context: dict[str, Any] = {
        "collab": collab, "meetings_upcoming": upcoming, "meetings_past": past,
        "meeting_form": {"duration_minutes": meetings.DURATION_DEFAULT}, "meeting_errors": {},
        "meeting_open": None, "meeting_do": None, "meeting_open_form": {}, "meeting_open_errors": {},
        "meeting_flash": None, "meeting_message": None,
    }  # fmt: skip
    params = params or {}
    opened, action = str(params.get("meeting", "")), params.get("do")
    if opened.isdigit() and action in ACTIONS:
        chosen = next((x.meeting for x in upcoming + past if x.meeting.id == int(opened)), None)
        if chosen is not None:
            context |= {
                "meeting_open": chosen.id,
                "meeting_do": action,
                "meeting_open_form": meetings.form_values(chosen),
            }
    return context | state


def _answer(request: Request, session: Session, user: User, collab: Collaboration, *, status: int = 200,
            **state: Any) -> Response:  # fmt: skip
    """The section alone for htmx, else the whole page."""
    if is_htmx(request):
        return render(request, SECTION, section_context(session, user, collab, **state), status_code=status)
    context = section_context(session, user, collab, **state)
    del context["collab"]
    return pipeline.detail_page(request, session, user, collab, status=status, **context)


def _done(request: Request, session: Session, user: User, collab: Collaboration, flash: Msg) -> Response:
    if is_htmx(request):
        return render(request, SECTION, section_context(session, user, collab, meeting_flash=str(flash)))
    request.session["meeting_flash"] = str(flash)
    url = request.url_for("collaboration_detail", collab_id=collab.id)
    return RedirectResponse(f"{url.path}#meetings", status_code=303)


@router.get("/collaborations/{collab_id}/meetings", name="collaboration_meetings")
def section(request: Request, session: SessionDep, user: CurrentUser, collab_id: RecordId) -> Response:
    """The section with one meeting's form open (htmx); a plain request goes to the page with the same choice."""
    collab = collaborations.get_visible(session, collab_id, user)
    if not is_htmx(request):
        url = request.url_for("collaboration_detail", collab_id=collab_id).include_query_params(**request.query_params)
        return RedirectResponse(f"{url.path}?{url.query}#meetings", status_code=303)
    return render(request, SECTION, section_context(session, user, collab, request.query_params))


@router.post("/collaborations/{collab_id}/meetings", name="meeting_schedule", dependencies=[Csrf])
def schedule(request: Request, session: SessionDep, user: CurrentUser, collab_id: RecordId, form: FormData) -> Response:
    collab = collaborations.get_visible(session, collab_id, user)
    try:
        meetings.schedule(session, collab, actor=user, data=form)
    except Invalid as exc:
        return _answer(request, session, user, collab, status=422, meeting_form=form, meeting_errors=exc.errors,
                       meeting_message=exc.message)  # fmt: skip
    return _done(request, session, user, collab, Msg("The meeting has been scheduled; the others have been told."))


def _change(request: Request, session: Session, user: User, collab_id: int, meeting_id: int, action: str,
            form: dict[str, Any]) -> Response:  # fmt: skip
    collab = collaborations.get_visible(session, collab_id, user)
    meeting = meetings.get_visible(session, collab, meeting_id, user)
    use_case, flash = {
        "edit": (meetings.edit, Msg("The meeting has been changed; the others have been told.")),
        "held": (meetings.mark_held, Msg("The meeting's outcome has been recorded.")),
        "cancel": (meetings.cancel, Msg("The meeting has been cancelled; the others have been told.")),
    }[action]
    opened = {"meeting_open": meeting.id, "meeting_do": action}
    try:
        use_case(session, meeting, actor=user, data=form)
    except Invalid as exc:
        return _answer(request, session, user, collab, status=422, meeting_open_form=form,
                       meeting_open_errors=exc.errors, meeting_message=exc.message, **opened)  # fmt: skip
    except Conflict as exc:
        session.refresh(meeting)
        return _answer(request, session, user, collab, status=409, meeting_open_form=form | {"version": meeting.version},
                       meeting_message=exc.message, meeting_conflict=True, **opened)  # fmt: skip
    return _done(request, session, user, collab, flash)


@router.post("/collaborations/{collab_id}/meetings/{meeting_id}/edit", name="meeting_edit", dependencies=[Csrf])
def edit(request: Request, session: SessionDep, user: CurrentUser, collab_id: RecordId, meeting_id: RecordId,
         form: FormData) -> Response:  # fmt: skip
    return _change(request, session, user, collab_id, meeting_id, "edit", form)


@router.post("/collaborations/{collab_id}/meetings/{meeting_id}/held", name="meeting_held", dependencies=[Csrf])
def held(request: Request, session: SessionDep, user: CurrentUser, collab_id: RecordId, meeting_id: RecordId,
         form: FormData) -> Response:  # fmt: skip
    return _change(request, session, user, collab_id, meeting_id, "held", form)


@router.post("/collaborations/{collab_id}/meetings/{meeting_id}/cancel", name="meeting_cancel", dependencies=[Csrf])
def cancel(request: Request, session: SessionDep, user: CurrentUser, collab_id: RecordId, meeting_id: RecordId,
           form: FormData) -> Response:  # fmt: skip
    return _change(request, session, user, collab_id, meeting_id, "cancel", form)


@router.get("/collaborations/{collab_id}/meetings/{meeting_id}.ics", name="meeting_calendar")
def calendar(session: SessionDep, user: OptionalUser, collab_id: RecordId, meeting_id: RecordId) -> Response:
    """The meeting's calendar file, for whoever may see the collaboration (404 for anyone else)."""
    collab = collaborations.get_visible(session, collab_id, user)
    meeting: CollaborationMeeting = meetings.get_visible(session, collab, meeting_id, user)
    return Response(
        meetings.calendar_file(meeting, collab),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"',
            "Cache-Control": "no-store",
        },
    )
