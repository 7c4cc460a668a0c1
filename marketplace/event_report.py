"""What an event produced, for the Department: exhibits by kind and sector, meeting requests by status, and the
inquiries and collaborations opened since its first day between organizations that agreed to meet there; and the
exhibit list and the meetings as tables for the CSV downloads (`exports.Sheet`)."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlmodel import Session, col, select

from marketplace import labels
from marketplace.event_meetings import exhibit_listing, joined
from marketplace.exports import Sheet
from marketplace.i18n import TIMEZONE, gettext
from marketplace.inquiries import org_name
from marketplace.models import (
    Collaboration,
    Event,
    EventExhibit,
    EventMeetingRequest,
    EventMeetingStatus,
    Inquiry,
    Organization,
)
from marketplace.models._base import aware


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
    query = joined().where(EventMeetingRequest.event_id == event.id).order_by(col(EventMeetingRequest.slot_at))
    for request, exhibit, _ in session.exec(query):
        listing = exhibit_listing(session, exhibit)
        sheet.rows.append([
            aware(request.slot_at), org_name(session.get(Organization, request.requester_org_id), language),
            org_name(session.get(Organization, exhibit.organization_id), language), listing.title if listing else "",
            labels.label("event_meeting_status", request.status), request.answer_note or "",
        ])  # fmt: skip
    return sheet
