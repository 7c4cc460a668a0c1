"""B2B meetings at an event: a member of one organization asks to meet an exhibitor at a time on one of the
event's days; the exhibitor's members accept or decline with a note; and what the event produced.

Who may do what: a logged-in member of an organization asks (never about its own organization's exhibit), while
the published event has not ended; the exhibitor organization's members hear of it (notice + mail in their
language) and answer; the requester hears of the answer, and may withdraw a request not yet answered. Only the
two sides see a request; contact details of both are shown to them once it is accepted (DESIGN §6), as for
inquiries. Staff read the report: exhibits by kind and sector, requests by status, and the inquiries and
collaborations later opened between organizations that agreed to meet there.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any, cast

from sqlmodel import Session, col, or_, select

from marketplace import audit, labels, validation
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.events import LISTING_KINDS, days_of, today
from marketplace.exports import Sheet
from marketplace.i18n import N_, TIMEZONE, Msg, format_datetime, gettext
from marketplace.inquiries import Contact, org_name
from marketplace.mail import in_language
from marketplace.models import (
    Collaboration,
    Event,
    EventExhibit,
    EventMeetingRequest,
    EventMeetingStatus,
    EventStatus,
    Inquiry,
    Need,
    Offer,
    Organization,
    User,
)
from marketplace.models._base import aware, utcnow
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


def _exhibit_listing(session: Session, exhibit: EventExhibit) -> Offer | Need | None:
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
    exhibit_id = str(data.get("exhibit_id", ""))
    exhibit = session.get(EventExhibit, int(exhibit_id)) if exhibit_id.isdigit() and len(exhibit_id) < 10 else None
    if exhibit is None or exhibit.event_id != event.id or event.status != EventStatus.PUBLISHED:
        raise NotFound()
    if event.ends_on < now.astimezone(TIMEZONE).date():
        raise Forbidden(Msg("This event is over."))
    if actor.organization_id is None:
        raise Forbidden(Msg("Your account is not linked to an organization, so it cannot ask for meetings."))
    if is_exhibitor_side(actor, exhibit):
        raise Forbidden(Msg("This is your own organization's exhibit."))
    errors: validation.Errors = {}
    slot = _slot(errors, data, event, now)
    message = validation.text(errors, data, "message", max_len=MESSAGE_MAX, min_len=MESSAGE_MIN)
    validation.raise_if(errors)
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
    listing = _exhibit_listing(session, exhibit)
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
        _tell(session, requester, event, request, _exhibit_listing(session, exhibit), notice, subject, body,
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
            request, event, exhibit.kind, _exhibit_listing(session, exhibit), session.get(Organization, request.requester_org_id),
            session.get(Organization, exhibit.organization_id),
            exhibitor and request.status == EventMeetingStatus.REQUESTED, contacts(session, request, user),
        ))  # fmt: skip
    return rows


def _sides(user: User) -> Any:
    org = user.organization_id
    return or_(col(EventMeetingRequest.requester_org_id) == org, col(EventExhibit.organization_id) == org)


def _joined() -> Any:
    return (
        select(EventMeetingRequest, EventExhibit, Event)
        .join(EventExhibit, col(EventExhibit.id) == EventMeetingRequest.exhibit_id)
        .join(Event, col(Event.id) == EventMeetingRequest.event_id)
    )


def mine_at(session: Session, user: User | None, event: Event) -> list[Row]:
    """The reader's organization's meeting requests at the event, either side, by time."""
    if user is None or user.organization_id is None:
        return []
    query = _joined().where(EventMeetingRequest.event_id == event.id, _sides(user))
    order = (col(EventMeetingRequest.slot_at), col(EventMeetingRequest.id))
    return _rows(session, user, list(session.exec(query.order_by(*order))))


def upcoming_for(session: Session, user: User, now: datetime | None = None, limit: int = MINE_LIMIT) -> list[Row]:
    """My exchange's short list: the organization's waiting or accepted requests still to come, soonest first."""
    if user.organization_id is None:
        return []
    query = _joined().where(
        _sides(user), col(EventMeetingRequest.status).in_(OPEN), col(EventMeetingRequest.slot_at) >= (now or utcnow())
    )
    order = (col(EventMeetingRequest.slot_at), col(EventMeetingRequest.id))
    return _rows(session, user, list(session.exec(query.order_by(*order).limit(limit))))


@dataclass(frozen=True)
class Report:
    """What an event produced, for the Department."""

    exhibits_by_kind: dict[str, int]
    exhibits_by_sector: list[tuple[str, int]]  # (sector name, count), most first
    requests_by_status: dict[str, int]
    pairs: int  # organizations that agreed to meet there (accepted requests, each pair once)
    inquiries_after: int  # inquiries between those pairs sent from the event's first day
    collaborations_after: int  # collaborations between those pairs opened from the event's first day


def report(session: Session, event: Event, exhibits: list[Any]) -> Report:
    """The event's report; `exhibits` as `events.exhibits_of` gives them."""
    requests = list(session.exec(select(EventMeetingRequest).where(EventMeetingRequest.event_id == event.id)))
    by_status = Counter(r.status for r in requests)
    exhibitor_of = {x.exhibit.id: x.exhibit.organization_id for x in exhibits}
    for r in requests:
        if r.exhibit_id not in exhibitor_of and (found := session.get(EventExhibit, r.exhibit_id)):
            exhibitor_of[r.exhibit_id] = found.organization_id
    pairs = {frozenset((r.requester_org_id, exhibitor_of[r.exhibit_id])) for r in requests
             if r.status == EventMeetingStatus.ACCEPTED and r.exhibit_id in exhibitor_of}  # fmt: skip
    since = datetime.combine(event.starts_on, time(0), tzinfo=TIMEZONE).astimezone(UTC)
    orgs = {o for p in pairs for o in p}
    inquiries = session.exec(select(Inquiry).where(
        col(Inquiry.recipient_org_id).in_(orgs), col(Inquiry.sender_org_id).in_(orgs), col(Inquiry.created_at) >= since
    )).all() if orgs else []  # fmt: skip
    collabs = session.exec(select(Collaboration).where(
        col(Collaboration.provider_org_id).in_(orgs), col(Collaboration.seeker_org_id).in_(orgs),
        col(Collaboration.created_at) >= since,
    )).all() if orgs else []  # fmt: skip
    sectors = Counter(labels.sector_name(x.listing.sector_code) for x in exhibits)
    return Report(
        exhibits_by_kind=dict(Counter(x.exhibit.kind for x in exhibits)),
        exhibits_by_sector=sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0])),
        requests_by_status={s.value: by_status.get(s.value, 0) for s in EventMeetingStatus},
        pairs=len(pairs),
        inquiries_after=sum(frozenset((i.sender_org_id, i.recipient_org_id)) in pairs for i in inquiries),
        collaborations_after=sum(frozenset((c.provider_org_id, c.seeker_org_id)) in pairs for c in collabs),
    )


def exhibits_sheet(exhibits: list[Any], language: str) -> Sheet:
    """The exhibit list as a table (CSV download)."""
    sheet = Sheet(gettext("Exhibits"), [gettext("Kind"), gettext("Title"), gettext("Sector"), gettext("Organization"),
                                        gettext("Booth")])  # fmt: skip
    for x in exhibits:
        sheet.rows.append([labels.label("listing_kind", x.exhibit.kind), x.listing.title,
                           labels.sector_name(x.listing.sector_code), org_name(x.organization, language),
                           x.exhibit.booth or ""])  # fmt: skip
    return sheet


def meetings_sheet(session: Session, event: Event, language: str) -> Sheet:
    """The event's meeting requests as a table (CSV download): who asked whom, when, about what, and the answer."""
    headers = [gettext("Time"), gettext("Requested by"), gettext("Exhibitor"), gettext("Listing"), gettext("Status"),
               gettext("Answer note")]  # fmt: skip
    sheet = Sheet(gettext("Meetings"), headers)
    query = _joined().where(EventMeetingRequest.event_id == event.id).order_by(col(EventMeetingRequest.slot_at))
    for request, exhibit, _ in session.exec(query):
        listing = _exhibit_listing(session, exhibit)
        sheet.rows.append([
            aware(request.slot_at), org_name(session.get(Organization, request.requester_org_id), language),
            org_name(session.get(Organization, exhibit.organization_id), language), listing.title if listing else "",
            labels.label("event_meeting_status", request.status), request.answer_note or "",
        ])  # fmt: skip
    return sheet


def slot_choices(event: Event) -> list[str]:
    """The event's days as the slot field's hint (dd/mm/yyyy)."""
    return [d.strftime("%d/%m/%Y") for d in days_of(event)]


def is_over(event: Event) -> bool:
    return event.ends_on < today()
