"""B2B meetings at an event: a member of one organization asks to meet an exhibitor at a time on one of the
event's days; the exhibitor's members accept or decline with a note (the report is in `event_report`).

Who may do what: a logged-in member of an organization asks (never about its own organization's exhibit), while
the published event has not ended; the exhibitor organization's members hear of it (notice + mail in their
language) and answer; the requester hears of the answer, and may withdraw a request not yet answered. Only the
two sides see a request; contact details of both are shown to them once it is accepted (DESIGN §6), as for
inquiries.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlmodel import Session, col, or_, select

from marketplace import audit, validation
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.events import LISTING_KINDS, days_of, today
from marketplace.i18n import N_, TIMEZONE, Msg, format_datetime
from marketplace.inquiries import Contact, org_name
from marketplace.mail import in_language
from marketplace.models import (
    Event,
    EventExhibit,
    EventMeetingRequest,
    EventMeetingStatus,
    EventStatus,
    Need,
    Offer,
    Organization,
    User,
)
from marketplace.models._base import utcnow
from marketplace.notifications import tell

MESSAGE_MIN, MESSAGE_MAX, NOTE_MAX, MINE_LIMIT = 10, 1000, 1000, 10
OPEN = (EventMeetingStatus.REQUESTED.value, EventMeetingStatus.ACCEPTED.value)
ASKED, ACCEPTED, DECLINED, WITHDRAWN = (
    "event.meeting_request", "event.meeting_accept", "event.meeting_decline", "event.meeting_cancel",
)  # fmt: skip
ASKED_NOTICE = N_("%(org)s asks to meet you about “%(title)s” at %(event)s, %(when)s.")
ASKED_SUBJECT = N_("Meeting request at %(event)s: “%(title)s”")
ASKED_BODY = N_(
    "%(org)s asks to meet your organization about “%(title)s” at %(event)s.\n\nWhen: %(when)s (Huế time)\n"
    "Message: %(message)s\n\nAccept it to share contact details, or decline it with a note, on the event's page."
)
ANSWER_NOTICES = {
    ACCEPTED: (
        N_("%(org)s accepted your meeting about “%(title)s” at %(event)s, %(when)s."),
        N_("Meeting accepted at %(event)s: “%(title)s”"),
        N_("%(org)s accepted your meeting about “%(title)s” at %(event)s.\n\nWhen: %(when)s (Huế time)\nNote: "
           "%(note)s\n\nTheir contact details are on the event's page."),
    ),
    DECLINED: (
        N_("%(org)s declined your meeting about “%(title)s” at %(event)s."),
        N_("Meeting declined at %(event)s: “%(title)s”"),
        N_("%(org)s declined your meeting about “%(title)s” at %(event)s, %(when)s.\n\nNote: %(note)s"),
    ),
}  # fmt: skip
ONLY_REQUESTED = Msg("This meeting request has already been answered or withdrawn.")


@dataclass(frozen=True)
class Row:
    """A meeting request as one of its sides sees it."""

    request: EventMeetingRequest
    event: Event
    kind: str  # the exhibit's: "offer" or "need"
    listing: Offer | Need | None
    requester_org: Organization | None
    exhibitor_org: Organization | None
    answering: bool  # the reader is on the exhibitor's side and the request waits for an answer
    contacts: list[Contact]


def exhibit_listing(session: Session, exhibit: EventExhibit) -> Offer | Need | None:
    model = LISTING_KINDS[exhibit.kind]
    return cast(
        Offer | Need | None, session.get(model, exhibit.offer_id if exhibit.kind == "offer" else exhibit.need_id)
    )


def is_exhibitor_side(user: User | None, exhibit: EventExhibit) -> bool:
    return user is not None and user.organization_id is not None and user.organization_id == exhibit.organization_id


def is_requester_side(user: User | None, request: EventMeetingRequest) -> bool:
    return user is not None and user.organization_id is not None and user.organization_id == request.requester_org_id


def _slot(errors: validation.Errors, data: Mapping[str, Any], event: Event, now: datetime) -> datetime | None:
    """The slot typed in Huế time: later than now and on one of the event's days."""
    slot = validation.moment(errors, data, "slot_at", zone=TIMEZONE, after=now)
    if slot is not None and "slot_at" not in errors and slot.astimezone(TIMEZONE).date() not in days_of(event):
        errors["slot_at"] = Msg("Please choose a time on one of the event's days.")
    return slot


def request_meeting(
    session: Session, event: Event, *, actor: User, data: Mapping[str, Any], now: datetime | None = None
) -> EventMeetingRequest:
    """Ask to meet an exhibitor of a published event that has not ended; its organization's members are told."""
    now = now or utcnow()
    if event.status != EventStatus.PUBLISHED:
        raise NotFound()
    if event.ends_on < now.astimezone(TIMEZONE).date():
        raise Forbidden(Msg("This event is over."))
    if actor.organization_id is None:
        raise Forbidden(Msg("Your account is not linked to an organization, so it cannot ask for meetings."))
    errors: validation.Errors = {}
    shown = session.exec(select(EventExhibit.id).where(EventExhibit.event_id == event.id)).all()
    chosen = validation.choice(errors, data, "exhibit_id", [str(i) for i in shown])
    exhibit = session.get(EventExhibit, int(chosen)) if chosen else None
    if exhibit is not None and is_exhibitor_side(actor, exhibit):
        raise Forbidden(Msg("This is your own organization's exhibit."))
    slot = _slot(errors, data, event, now)
    message = validation.text(errors, data, "message", max_len=MESSAGE_MAX, min_len=MESSAGE_MIN)
    validation.raise_if(errors)
    assert exhibit is not None
    pending = select(EventMeetingRequest).where(
        EventMeetingRequest.exhibit_id == exhibit.id,
        EventMeetingRequest.requester_org_id == actor.organization_id,
        col(EventMeetingRequest.status).in_(OPEN),
    )
    if (existing := session.exec(pending).first()) is not None:
        raise Conflict(Msg("Your organization has already asked to meet this exhibitor."), current=existing)
    assert event.id is not None and exhibit.id is not None and actor.id is not None and slot is not None
    request = EventMeetingRequest(event_id=event.id, exhibit_id=exhibit.id, requester_id=actor.id,
                                  requester_org_id=actor.organization_id, message=message, slot_at=slot,
                                  created_at=now)  # fmt: skip
    session.add(request)
    session.flush()
    audit.record(session, actor_id=actor.id, action=ASKED, entity="event", entity_id=event.id, request=request.id)
    listing = exhibit_listing(session, exhibit)
    requester_org = session.get(Organization, actor.organization_id)
    members = select(User).where(User.organization_id == exhibit.organization_id, col(User.is_active).is_(True))
    for user in session.exec(members.order_by(col(User.id))):
        _tell(session, user, event, request, listing, ASKED_NOTICE, ASKED_SUBJECT, ASKED_BODY,
              org=org_name(requester_org, user.language), mail_params={"message": message})  # fmt: skip
    session.commit()
    return request


def _tell(session: Session, user: User, event: Event, request: EventMeetingRequest, listing: Offer | Need | None,
          notice: str, subject: str, body: str, **params: Any) -> None:  # fmt: skip
    with in_language(user.language):
        when = format_datetime(request.slot_at)
    tell(session, user, notice=notice, link=f"/events/{event.id}", mail_subject=subject, mail_body=body,
         title=listing.title if listing else "", event=event.name, when=when, **params)  # fmt: skip


def get_for_side(session: Session, event: Event, request_id: int, user: User | None) -> EventMeetingRequest:
    """A request at this event that the reader is a side of, else NotFound (its existence is not revealed)."""
    request = session.get(EventMeetingRequest, request_id)
    exhibit = session.get(EventExhibit, request.exhibit_id) if request else None
    if request is None or exhibit is None or request.event_id != event.id:
        raise NotFound()
    if not (is_requester_side(user, request) or is_exhibitor_side(user, exhibit)):
        raise NotFound()
    return request


def answer(
    session: Session, event: Event, request: EventMeetingRequest, *, actor: User, accept: bool,
    data: Mapping[str, Any], now: datetime | None = None,
) -> EventMeetingRequest:  # fmt: skip
    """Accept or decline a waiting request (a member of the exhibitor's organization), with a note; the requester
    is told."""
    exhibit = session.get(EventExhibit, request.exhibit_id)
    if exhibit is None or not is_exhibitor_side(actor, exhibit):
        raise Forbidden()
    if request.status != EventMeetingStatus.REQUESTED:
        raise Conflict(ONLY_REQUESTED, current=request)
    errors: validation.Errors = {}
    note = validation.text(errors, data, "answer_note", max_len=NOTE_MAX, required=False)
    validation.raise_if(errors)
    status = EventMeetingStatus.ACCEPTED if accept else EventMeetingStatus.DECLINED
    action = ACCEPTED if accept else DECLINED
    request.status, request.answer_note = status.value, note or None
    request.answered_by_id, request.answered_at = actor.id, now or utcnow()
    session.add(request)
    audit.record(session, actor_id=actor.id, action=action, entity="event", entity_id=event.id, request=request.id)
    requester = session.get(User, request.requester_id)
    if requester is not None and requester.is_active:
        notice, subject, body = ANSWER_NOTICES[action]
        exhibitor = session.get(Organization, exhibit.organization_id)
        _tell(session, requester, event, request, exhibit_listing(session, exhibit), notice, subject, body,
              org=org_name(exhibitor, requester.language), mail_params={"note": note or "—"})  # fmt: skip
    session.commit()
    return request


def withdraw(session: Session, event: Event, request: EventMeetingRequest, *, actor: User) -> EventMeetingRequest:
    """Withdraw a request not yet answered (the requester's organization)."""
    if not is_requester_side(actor, request):
        raise Forbidden()
    if request.status != EventMeetingStatus.REQUESTED:
        raise Conflict(ONLY_REQUESTED, current=request)
    request.status = EventMeetingStatus.CANCELLED.value
    session.add(request)
    audit.record(session, actor_id=actor.id, action=WITHDRAWN, entity="event", entity_id=event.id, request=request.id)
    session.commit()
    return request


def contacts(session: Session, request: EventMeetingRequest, viewer: User | None) -> list[Contact]:
    """Both sides' contact details (requester first), only for an accepted request and only to its sides."""
    exhibit = session.get(EventExhibit, request.exhibit_id)
    side = is_requester_side(viewer, request) or (exhibit is not None and is_exhibitor_side(viewer, exhibit))
    if request.status != EventMeetingStatus.ACCEPTED or not side:
        return []
    people = [session.get(User, request.requester_id), session.get(User, request.answered_by_id or 0)]
    return [
        Contact(
            p.full_name, session.get(Organization, p.organization_id) if p.organization_id else None, p.email, p.phone
        )  # fmt: skip
        for p in people
        if p is not None
    ]


def _rows(session: Session, user: User, found: list[tuple[EventMeetingRequest, EventExhibit, Event]]) -> list[Row]:
    rows = []
    for request, exhibit, event in found:
        exhibitor = is_exhibitor_side(user, exhibit)
        rows.append(Row(
            request, event, exhibit.kind, exhibit_listing(session, exhibit), session.get(Organization, request.requester_org_id),
            session.get(Organization, exhibit.organization_id),
            exhibitor and request.status == EventMeetingStatus.REQUESTED, contacts(session, request, user),
        ))  # fmt: skip
    return rows


def _sides(user: User) -> Any:
    org = user.organization_id
    return or_(col(EventMeetingRequest.requester_org_id) == org, col(EventExhibit.organization_id) == org)


def joined() -> Any:
    return (
        select(EventMeetingRequest, EventExhibit, Event)
        .join(EventExhibit, col(EventExhibit.id) == EventMeetingRequest.exhibit_id)
        .join(Event, col(Event.id) == EventMeetingRequest.event_id)
    )


def mine_at(session: Session, user: User | None, event: Event) -> list[Row]:
    """The reader's organization's meeting requests at the event, either side, by time."""
    if user is None or user.organization_id is None:
        return []
    query = joined().where(EventMeetingRequest.event_id == event.id, _sides(user))
    order = (col(EventMeetingRequest.slot_at), col(EventMeetingRequest.id))
    return _rows(session, user, list(session.exec(query.order_by(*order))))


def upcoming_for(session: Session, user: User, now: datetime | None = None, limit: int = MINE_LIMIT) -> list[Row]:
    """My exchange's short list: the organization's waiting or accepted requests still to come, soonest first."""
    if user.organization_id is None:
        return []
    query = joined().where(
        _sides(user), col(EventMeetingRequest.status).in_(OPEN), col(EventMeetingRequest.slot_at) >= (now or utcnow())
    )
    order = (col(EventMeetingRequest.slot_at), col(EventMeetingRequest.id))
    return _rows(session, user, list(session.exec(query.order_by(*order).limit(limit))))


def slot_choices(event: Event) -> list[str]:
    """The event's days as the slot field's hint (dd/mm/yyyy)."""
    return [d.strftime("%d/%m/%Y") for d in days_of(event)]


def is_over(event: Event) -> bool:
    return event.ends_on < today()
