"""Events pages: the calendar, an event's page (exhibits, B2B meetings, the staff report), staff forms, CSV
downloads (`marketplace.events` and `marketplace.event_meetings` say who may do what)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import event_meetings, event_report, events, exports, labels
from marketplace.errors import Conflict, Invalid
from marketplace.i18n import Msg, current_locale
from marketplace.models import Event, EventStatus, User
from marketplace.web.deps import Csrf, CurrentUser, FormData, OptionalUser, RecordId, SessionDep, StaffUser
from marketplace.web.templating import is_htmx, render
from marketplace.web.workspace import mark_seen

router = APIRouter(include_in_schema=False)
SHOWN = ("offer", "need")


@router.get("/events", name="events")
def calendar(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    upcoming, past = events.calendar(session, user)
    return render(request, "events.html", {"upcoming": upcoming, "past": past})


def _form_page(request: Request, event: Event | None, form: dict[str, Any], *, errors: dict[str, Msg] | None = None,
               message: Msg | None = None, status: int = 200, conflict: bool = False) -> Response:  # fmt: skip
    context = {"event": event, "form": form, "errors": errors or {}, "message": message, "conflict": conflict,
               "kinds": labels.options("event_kind")}  # fmt: skip
    return render(request, "event_edit.html", context, status_code=status)


@router.get("/events/new", name="event_new")
def new_form(request: Request, user: StaffUser) -> Response:
    return _form_page(request, None, {"kind": "fair"})


@router.post("/events/new", name="event_create", dependencies=[Csrf])
def create(request: Request, session: SessionDep, user: StaffUser, form: FormData) -> Response:
    try:
        event = events.create(session, actor=user, data=form)
    except Invalid as exc:
        return _form_page(request, None, form, errors=exc.errors, message=exc.message, status=422)
    return RedirectResponse(request.url_for("event_detail", event_id=event.id), status_code=303)


@router.get("/events/{event_id}/edit", name="event_edit")
def edit_form(request: Request, session: SessionDep, user: StaffUser, event_id: RecordId) -> Response:
    event = events.get_visible(session, event_id, user)
    return _form_page(request, event, events.form_values(event))


@router.post("/events/{event_id}/edit", name="event_update", dependencies=[Csrf])
def update(request: Request, session: SessionDep, user: StaffUser, event_id: RecordId, form: FormData) -> Response:
    event = events.get_visible(session, event_id, user)
    try:
        events.edit(session, event, actor=user, data=form)
    except Invalid as exc:
        return _form_page(request, event, form, errors=exc.errors, message=exc.message, status=422)
    except Conflict as exc:
        session.refresh(event)
        return _form_page(request, event, form | {"version": event.version}, message=exc.message, status=409,
                          conflict=True)  # fmt: skip
    return _back(request, event, Msg("The event has been saved."))


@router.post("/events/{event_id}/publish", name="event_publish", dependencies=[Csrf])
def publish(request: Request, session: SessionDep, user: StaffUser, event_id: RecordId) -> Response:
    event = events.publish(session, events.get_visible(session, event_id, user), actor=user)
    return _back(request, event, Msg("The event is published."))


@router.post("/events/{event_id}/cancel", name="event_cancel", dependencies=[Csrf])
def cancel(request: Request, session: SessionDep, user: StaffUser, event_id: RecordId) -> Response:
    event = events.cancel(session, events.get_visible(session, event_id, user), actor=user)
    return _back(request, event, Msg("The event has been cancelled."))


def _back(request: Request, event: Event, flash: Msg, anchor: str = "") -> Response:
    request.session["event_flash"] = str(flash)
    url = request.url_for("event_detail", event_id=event.id)
    return RedirectResponse(f"{url.path}{anchor}", status_code=303)


def event_page(request: Request, session: Session, user: User | None, event: Event, *, status: int = 200,
               **state: Any) -> Response:  # fmt: skip
    """The event's page: details, exhibits by sector (filtered to offers or needs), the reader's meetings, the
    forms they may use, and for staff the report."""
    shown = request.query_params.get("show")
    exhibits = events.exhibits_of(session, event)
    listed = [x for x in exhibits if shown not in SHOWN or x.exhibit.kind == shown]
    sectors: dict[str, list[Any]] = {}
    for x in listed:
        sectors.setdefault(labels.sector_name(x.listing.sector_code), []).append(x)
    context: dict[str, Any] = {
        "event": event, "show": shown if shown in SHOWN else None, "sectors": sectors, "exhibit_count": len(exhibits),
        "orgs": {x.listing.organization_id: x.organization for x in exhibits if x.organization},
        "registration_open": events.registration_open(event), "over": event_meetings.is_over(event),
        "listing_choices": [(f"{k}:{x.id}", f"{labels.label('listing_kind', k)} — {x.title}")
                         for k, x in (events.listings_to_show(session, user, event) if user else [])],
        "found": _found(request, session, user, event, state.get("exhibit_form")),
        "my_meetings": event_meetings.mine_at(session, user, event),
        "may_request": user is not None and user.organization_id is not None and not event_meetings.is_over(event)
        and event.status == "published",
        "requestable": [(str(x.exhibit.id), _exhibit_text(x)) for x in exhibits
                        if user is None or user.organization_id != x.exhibit.organization_id],
        "event_days": event_meetings.slot_choices(event),
        "meeting_form": {}, "meeting_errors": {}, "meeting_message": None, "exhibit_errors": {},
        "exhibit_form": {}, "answer_open": None, "answer_form": {}, "answer_errors": {},
        "flash": request.session.pop("event_flash", None), "cancelled_at": None,
    }  # fmt: skip
    if user is not None and user.is_staff:
        context["report"] = event_report.report(session, event, exhibits)
    return render(request, "event.html", context | state, status_code=status)


def _found(request: Request, session: Session, user: User | None, event: Event,
           form: dict[str, Any] | None = None) -> events.Found | None:  # fmt: skip
    """Staff's search for a listing to show: the words in the URL, or those sent back with a refused add form."""
    if user is None or not user.is_staff:
        return None
    text = (form or {}).get("find") or request.query_params.get("find", "")
    return events.find_listings(session, user, event, text)


def _exhibit_text(x: events.Exhibit) -> str:
    org = x.organization
    name = (org.name_en if current_locale.get() == "en" and org.name_en else org.name_vi) if org else ""
    return f"{x.listing.title} — {name}" if name else x.listing.title


@router.get("/events/{event_id}", name="event_detail")
def detail(request: Request, session: SessionDep, user: OptionalUser, event_id: RecordId) -> Response:
    event, cancelled_at = events.get_for_page(session, event_id, user)
    mark_seen(request, session, user)
    if event.status == EventStatus.CANCELLED and not (user and user.is_staff):  # what the link's holder needs to know
        return render(request, "event_cancelled.html", {"event": event, "cancelled_at": cancelled_at})
    return event_page(request, session, user, event, cancelled_at=cancelled_at)


@router.get("/events/{event_id}/listing-choices", name="event_listing_choices")
def listing_choices(request: Request, session: SessionDep, user: StaffUser, event_id: RecordId) -> Response:
    """Staff's search for a listing to show, as the add form's list of choices (htmx; the plain form asks the
    event's page with the same `find`)."""
    event = events.get_visible(session, event_id, user)
    if not is_htmx(request):
        url = request.url_for("event_detail", event_id=event.id).include_query_params(
            find=request.query_params.get("find", "")
        )
        return RedirectResponse(f"{url.path}?{url.query}#add-exhibit", status_code=303)
    context: dict[str, Any] = {
        "event": event,
        "found": _found(request, session, user, event),
        "exhibit_errors": {},
        "exhibit_form": {},
    }
    return render(request, "event.html", context, block="listing_choices")


@router.post("/events/{event_id}/exhibits", name="event_exhibit_add", dependencies=[Csrf])
def add_exhibit(
    request: Request, session: SessionDep, user: CurrentUser, event_id: RecordId, form: FormData
) -> Response:
    event = events.get_visible(session, event_id, user)
    kind, _, listing_id = form.get("listing", "").strip().partition(":")
    if kind not in SHOWN or not listing_id.isdigit() or len(listing_id) > 9:
        return event_page(request, session, user, event, status=422, exhibit_form=form,
                          exhibit_errors={"listing": Msg("Please choose one of the options offered.")})  # fmt: skip
    try:
        events.add_exhibit(
            session, event, actor=user, kind=kind, listing_id=int(listing_id), booth=form.get("booth", "")
        )
    except Invalid as exc:
        return event_page(request, session, user, event, status=422, exhibit_errors=exc.errors, exhibit_form=form)
    return _back(request, event, Msg("The listing is on show at this event."), "#exhibits")


@router.post("/events/{event_id}/exhibits/{exhibit_id}/remove", name="event_exhibit_remove", dependencies=[Csrf])
def remove_exhibit(request: Request, session: SessionDep, user: CurrentUser, event_id: RecordId,
                   exhibit_id: RecordId) -> Response:  # fmt: skip
    event = events.get_visible(session, event_id, user)
    events.remove_exhibit(session, event, exhibit_id, actor=user)
    return _back(request, event, Msg("The exhibit has been removed."), "#exhibits")


@router.post("/events/{event_id}/meetings", name="event_meeting_request", dependencies=[Csrf])
def request_meeting(request: Request, session: SessionDep, user: CurrentUser, event_id: RecordId,
                    form: FormData) -> Response:  # fmt: skip
    event = events.get_visible(session, event_id, user)
    try:
        event_meetings.request_meeting(session, event, actor=user, data=form)
    except Invalid as exc:
        return event_page(request, session, user, event, status=422, meeting_form=form, meeting_errors=exc.errors,
                          meeting_message=exc.message)  # fmt: skip
    except Conflict as exc:  # already asked: the form stays filled in, with the reason above it
        return event_page(request, session, user, event, status=409, meeting_form=form,
                          meeting_errors={"exhibit_id": exc.message}, meeting_message=exc.message)  # fmt: skip
    return _back(request, event, Msg("Your request has been sent; the exhibitor has been told."), "#my-meetings")


def _answer(request: Request, session: Session, user: User, event_id: int, request_id: int, action: str,
            form: dict[str, str]) -> Response:  # fmt: skip
    event = events.get_visible(session, event_id, user)
    found = event_meetings.get_for_side(session, event, request_id, user)
    try:
        if action == "withdraw":
            event_meetings.withdraw(session, event, found, actor=user)
        else:
            event_meetings.answer(session, event, found, actor=user, accept=action == "accept", data=form)
    except Invalid as exc:
        return event_page(request, session, user, event, status=422, answer_open=found.id, answer_form=form,
                          answer_errors=exc.errors)  # fmt: skip
    flash = {
        "accept": Msg("The meeting is accepted; the requester has been told and sees your contact details."),
        "decline": Msg("The meeting is declined; the requester has been told."),
        "withdraw": Msg("Your request has been withdrawn."),
    }[action]
    return _back(request, event, flash, "#my-meetings")


@router.post("/events/{event_id}/meetings/{request_id}/accept", name="event_meeting_accept", dependencies=[Csrf])
def accept(request: Request, session: SessionDep, user: CurrentUser, event_id: RecordId, request_id: RecordId,
           form: FormData) -> Response:  # fmt: skip
    return _answer(request, session, user, event_id, request_id, "accept", form)


@router.post("/events/{event_id}/meetings/{request_id}/decline", name="event_meeting_decline", dependencies=[Csrf])
def decline(request: Request, session: SessionDep, user: CurrentUser, event_id: RecordId, request_id: RecordId,
            form: FormData) -> Response:  # fmt: skip
    return _answer(request, session, user, event_id, request_id, "decline", form)


@router.post("/events/{event_id}/meetings/{request_id}/withdraw", name="event_meeting_withdraw", dependencies=[Csrf])
def withdraw(request: Request, session: SessionDep, user: CurrentUser, event_id: RecordId, request_id: RecordId,
             form: FormData) -> Response:  # fmt: skip
    return _answer(request, session, user, event_id, request_id, "withdraw", form)


@router.get("/events/{event_id}/{what}.csv", name="event_csv")
def download(session: SessionDep, user: StaffUser, event_id: RecordId, what: str) -> Response:
    """The exhibit list or the meetings as CSV (staff)."""
    event = events.get_visible(session, event_id, user)
    if what == "exhibits":
        sheet = event_report.exhibits_sheet(events.exhibits_of(session, event), current_locale.get())
    elif what == "meetings":
        sheet = event_report.meetings_sheet(session, event, current_locale.get())
    else:
        return Response(status_code=404)
    return Response(
        exports.to_csv([sheet]), media_type=exports.MEDIA_TYPES["csv"],
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}-{what}.csv"', "Cache-Control": "no-store"},
    )  # fmt: skip
