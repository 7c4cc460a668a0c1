"""Technology fairs, matchmaking days and workshops the Department runs, and the listings shown at them.

Who may do what: Department staff create, edit, publish and cancel events (each change audited); visitors see
published events, and one cancelled after it was published as cancelled (its link may be out there; drafts are
NotFound). While an event's registration is open (published, and today, in Huế time, not after
`registration_until`, or its last day when none is set), a member of an organization adds one of its own published
offers or needs as an exhibit and removes it again; staff add any published listing (found by a search, not picked
from all of them), at any time before the event ends. B2B meeting requests are in `event_meetings`, the report in
`event_report`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from marketplace import audit, labels, search, validation
from marketplace.collaborations import check_version, claim
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.i18n import TIMEZONE, Msg
from marketplace.models import (
    AuditLog,
    Event,
    EventExhibit,
    EventKind,
    EventMeetingRequest,
    EventStatus,
    ListingStatus,
    Need,
    Offer,
    Organization,
    User,
)
from marketplace.models._base import aware, utcnow
from marketplace.search.query import MAX_QUERY_CHARS

NAME_MAX, PLACE_MAX, DESCRIPTION_MAX, BOOTH_MAX = 300, 300, 5000, 40
KINDS = tuple(k.value for k in EventKind)
LISTING_KINDS: dict[str, type[Offer] | type[Need]] = {"offer": Offer, "need": Need}
CREATED, EDITED, PUBLISHED, CANCELLED = "event.create", "event.edit", "event.publish", "event.cancel"
EXHIBIT_ADDED, EXHIBIT_REMOVED = "event.exhibit_add", "event.exhibit_remove"
STAFF_ONLY = Msg("Only Department staff manage events.")
ALREADY_SHOWN = Msg("This listing is already on show at this event.")
FOUND_MAX = 20  # listings staff's add form offers for one search


@dataclass(frozen=True)
class Exhibit:
    """An exhibit with its listing and organization, as the event's page shows it."""

    exhibit: EventExhibit
    listing: Offer | Need
    organization: Organization | None


@dataclass(frozen=True)
class Found:
    """Listings staff may add, as one search found them: the best `hits` (at most FOUND_MAX) of `total`, each with
    whether it is already on show."""

    text: str
    hits: list[tuple[search.Hit, bool]]
    total: int


def today() -> date:
    """Today in Huế."""
    return utcnow().astimezone(TIMEZONE).date()


def _require_staff(user: User | None) -> None:
    if user is None or not user.is_staff:
        raise Forbidden(STAFF_ONLY)


def can_see(user: User | None, event: Event) -> bool:
    """Published events are public; drafts and cancelled events only staff see."""
    return event.status == EventStatus.PUBLISHED or (user is not None and user.is_staff)


def get_visible(session: Session, event_id: int, user: User | None) -> Event:
    """The event if this reader may see it, else NotFound."""
    event = session.get(Event, event_id)
    if event is None or not can_see(user, event):
        raise NotFound()
    return event


def get_for_page(session: Session, event_id: int, user: User | None) -> tuple[Event, datetime | None]:
    """The event for its page and, once cancelled, when: staff open every event; visitors a published one, or one
    called off after it was published (its link may be out there, so its page says so); drafts are NotFound."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound()
    if event.status != EventStatus.CANCELLED:
        if not can_see(user, event):
            raise NotFound()
        return event, None
    query = select(AuditLog).where(
        AuditLog.action == CANCELLED, AuditLog.entity == "event", AuditLog.entity_id == event.id
    )
    entry = session.exec(query.order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())).first()
    was_public = entry is not None and entry.detail.get("was", EventStatus.PUBLISHED) == EventStatus.PUBLISHED
    if not (was_public or can_see(user, event)):
        raise NotFound()
    return event, aware(entry.at) if entry is not None else None


def calendar(session: Session, user: User | None, on: date | None = None) -> tuple[list[Event], list[Event]]:
    """Events still to come or running (soonest first) and past ones (latest first); drafts for staff only."""
    on = on or today()
    query = select(Event)
    if user is None or not user.is_staff:
        query = query.where(Event.status == EventStatus.PUBLISHED)
    found = list(session.exec(query.order_by(col(Event.starts_on), col(Event.id))))
    upcoming = [e for e in found if e.ends_on >= on]
    past = [e for e in reversed(found) if e.ends_on < on]
    return upcoming, past


def next_upcoming(session: Session, on: date | None = None) -> Event | None:
    """The next published event that has not ended (the home page's block)."""
    query = select(Event).where(Event.status == EventStatus.PUBLISHED, col(Event.ends_on) >= (on or today()))
    return session.exec(query.order_by(col(Event.starts_on), col(Event.id)).limit(1)).first()


def registration_open(event: Event, on: date | None = None) -> bool:
    """Whether organizations may still add exhibits."""
    last = event.registration_until or event.ends_on
    return event.status == EventStatus.PUBLISHED and (on or today()) <= min(last, event.ends_on)


def days_of(event: Event) -> list[date]:
    """The event's days, first to last."""
    return [date.fromordinal(n) for n in range(event.starts_on.toordinal(), event.ends_on.toordinal() + 1)]


def form_values(event: Event) -> dict[str, Any]:
    """The edit form's starting values."""
    return {
        "name": event.name, "kind": event.kind, "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(), "place": event.place, "description": event.description,
        "registration_until": event.registration_until.isoformat() if event.registration_until else "",
        "version": event.version,
    }  # fmt: skip


def _details(errors: validation.Errors, data: Mapping[str, Any]) -> dict[str, Any]:
    """The name, kind, dates, place and description of an event; its dates in order."""
    starts = validation.day(errors, data, "starts_on", required=True)
    ends = validation.day(errors, data, "ends_on", required=True)
    until = validation.day(errors, data, "registration_until")
    values = {
        "name": validation.text(errors, data, "name", max_len=NAME_MAX, min_len=5, single_line=True),
        "kind": validation.choice(errors, data, "kind", KINDS),
        "starts_on": starts,
        "ends_on": ends,
        "place": validation.text(errors, data, "place", max_len=PLACE_MAX, single_line=True),
        "description": validation.text(errors, data, "description", max_len=DESCRIPTION_MAX, required=False),
        "registration_until": until,
    }
    if starts and ends and ends < starts:
        errors["ends_on"] = Msg("The last day cannot come before the first day.")
    elif ends and until and until > ends:
        errors["registration_until"] = Msg("Registration must close by the event's last day.")
    elif starts and ends and (ends - starts).days > 30:
        errors["ends_on"] = Msg("An event lasts at most 31 days.")
    return values


def create(session: Session, *, actor: User, data: Mapping[str, Any]) -> Event:
    """Add a draft event (staff)."""
    _require_staff(actor)
    errors: validation.Errors = {}
    values = _details(errors, data)
    validation.raise_if(errors)
    event = Event(created_by_id=actor.id, **values)
    session.add(event)
    session.flush()
    audit.record(session, actor_id=actor.id, action=CREATED, entity="event", entity_id=event.id, title=event.name)
    session.commit()
    return event


def edit(session: Session, event: Event, *, actor: User, data: Mapping[str, Any]) -> Event:
    """Change an event's details (staff); a stale form is a Conflict."""
    _require_staff(actor)
    errors: validation.Errors = {}
    version = check_version(errors, data, event)
    values = _details(errors, data)
    validation.raise_if(errors)
    claim(session, event, version)
    for field, value in values.items():
        setattr(event, field, value)
    event.updated_at = utcnow()
    session.add(event)
    audit.record(session, actor_id=actor.id, action=EDITED, entity="event", entity_id=event.id, title=event.name)
    session.commit()
    return event


def _set_status(session: Session, event: Event, *, actor: User, status: EventStatus, action: str) -> Event:
    _require_staff(actor)
    if event.status == EventStatus.CANCELLED:
        raise Forbidden(Msg("This event has been cancelled."))
    was = event.status
    event.status, event.updated_at = status.value, utcnow()
    event.version += 1
    session.add(event)
    audit.record(session, actor_id=actor.id, action=action, entity="event", entity_id=event.id, title=event.name,
                 was=was)  # fmt: skip
    session.commit()
    return event


def publish(session: Session, event: Event, *, actor: User) -> Event:
    """Show a draft event to everyone (staff)."""
    return _set_status(session, event, actor=actor, status=EventStatus.PUBLISHED, action=PUBLISHED)


def cancel(session: Session, event: Event, *, actor: User) -> Event:
    """Call an event off (staff); its page stays, marked cancelled."""
    return _set_status(session, event, actor=actor, status=EventStatus.CANCELLED, action=CANCELLED)


def exhibits_of(session: Session, event: Event) -> list[Exhibit]:
    """The event's exhibits whose listing is still published, by sector then title."""
    rows = list(session.exec(select(EventExhibit).where(EventExhibit.event_id == event.id)))
    found: list[Exhibit] = []
    for kind, model in LISTING_KINDS.items():
        ids = {r.offer_id if kind == "offer" else r.need_id for r in rows if r.kind == kind}
        if not ids:
            continue
        query = select(model).where(col(model.id).in_(ids), model.status == ListingStatus.PUBLISHED)
        listings = {x.id: x for x in cast(list[Offer | Need], session.exec(query).all())}
        orgs = {o.id: o for o in session.exec(select(Organization).where(col(Organization.id).in_(
            {x.organization_id for x in listings.values()})))}  # fmt: skip
        for r in rows:
            shown = listings.get(r.offer_id if kind == "offer" else r.need_id) if r.kind == kind else None
            if shown is not None:
                found.append(Exhibit(r, shown, orgs.get(shown.organization_id)))
    return sorted(found, key=lambda x: (labels.sector_name(x.listing.sector_code), x.listing.title))


def may_exhibit(user: User | None, event: Event, listing: Offer | Need, on: date | None = None) -> bool:
    """Staff, before the event ends; a member of the listing's organization, while registration is open."""
    if user is None or listing.status != ListingStatus.PUBLISHED or event.status != EventStatus.PUBLISHED:
        return False
    if user.is_staff:
        return (on or today()) <= event.ends_on
    return user.organization_id == listing.organization_id and registration_open(event, on)


def add_exhibit(
    session: Session, event: Event, *, actor: User, kind: str, listing_id: int, booth: str = "", on: date | None = None
) -> EventExhibit:
    """Show a published offer or need at the event (see `may_exhibit`); once per event."""
    model = LISTING_KINDS.get(kind)
    listing = cast(Offer | Need | None, session.get(model, listing_id) if model else None)
    if listing is None:
        raise NotFound()
    if not may_exhibit(actor, event, listing, on):
        raise Forbidden(
            Msg("Only a member of its organization may show this published listing, while registration is open.")
        )
    errors: validation.Errors = {}
    label = validation.text(errors, {"booth": booth}, "booth", max_len=BOOTH_MAX, required=False, single_line=True)
    validation.raise_if(errors)
    assert event.id is not None and listing.id is not None
    exhibit = EventExhibit(event_id=event.id, kind=kind, organization_id=listing.organization_id, booth=label or None,
                           added_by_id=actor.id, offer_id=listing.id if kind == "offer" else None,
                           need_id=listing.id if kind == "need" else None)  # fmt: skip
    session.add(exhibit)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(ALREADY_SHOWN) from None
    audit.record(session, actor_id=actor.id, action=EXHIBIT_ADDED, entity="event", entity_id=event.id,
                 listing_kind=kind, listing_id=listing.id, title=listing.title)  # fmt: skip
    session.commit()
    return exhibit


def remove_exhibit(session: Session, event: Event, exhibit_id: int, *, actor: User, on: date | None = None) -> None:
    """Take an exhibit off the event (staff; or its organization's members while registration is open).
    Meeting requests already made about it keep it (they point to it), so only an exhibit nobody asked to
    meet is removed."""
    exhibit = session.get(EventExhibit, exhibit_id)
    if exhibit is None or exhibit.event_id != event.id:
        raise NotFound()
    own = actor.organization_id == exhibit.organization_id and registration_open(event, on)
    if not (actor.is_staff or own):
        raise Forbidden()
    asked = select(EventMeetingRequest.id).where(EventMeetingRequest.exhibit_id == exhibit.id).limit(1)
    if session.exec(asked).first() is not None:
        raise Forbidden(Msg("Visitors have asked to meet about this exhibit, so it stays on the event."))
    session.delete(exhibit)
    audit.record(session, actor_id=actor.id, action=EXHIBIT_REMOVED, entity="event", entity_id=event.id,
                 listing_kind=exhibit.kind, listing_id=exhibit.offer_id or exhibit.need_id)  # fmt: skip
    session.commit()


def _taken(session: Session, event: Event) -> set[tuple[str, int | None]]:
    shown = session.exec(select(EventExhibit).where(EventExhibit.event_id == event.id)).all()
    return {(x.kind, x.offer_id or x.need_id) for x in shown}


def listings_to_show(session: Session, user: User, event: Event) -> list[tuple[str, Offer | Need]]:
    """A member's add form: their organization's published listings not yet on show (staff search instead,
    `find_listings`: every published listing of the city would not fit in one list)."""
    if user.organization_id is None or user.is_staff:
        return []
    taken = _taken(session, event)
    found: list[tuple[str, Offer | Need]] = []
    for kind, model in LISTING_KINDS.items():
        query = select(model).where(
            model.status == ListingStatus.PUBLISHED, model.organization_id == user.organization_id
        )
        rows = cast(list[Offer | Need], session.exec(query.order_by(col(model.title))).all())
        found += [(kind, x) for x in rows if (kind, x.id) not in taken]
    return found


def find_listings(session: Session, user: User, event: Event, text: str) -> Found:
    """Staff's add form: the published offers and needs the search finds for `text` (title, organization, and the
    rest of their text; accents optional), the best FOUND_MAX first; nothing before a word is typed."""
    _require_staff(user)
    text = validation.nfc(text)[:MAX_QUERY_CHARS].strip()
    if not text:
        return Found(text, [], 0)
    query = search.SearchQuery(text=text, filters={"kind": tuple(LISTING_KINDS)}, per_page=FOUND_MAX)
    found = search.find(session, query, None)  # as the public searches: published listings only
    taken = _taken(session, event)
    return Found(text, [(hit, (hit.kind, hit.entity_id) in taken) for hit in found.hits], found.total)


def on_show(session: Session, kind: str, listing_id: int, on: date | None = None) -> list[Event]:
    """The published events still to come (or running) at which this listing is exhibited, soonest first."""
    listing_col = col(EventExhibit.offer_id) if kind == "offer" else col(EventExhibit.need_id)
    query = (
        select(Event)
        .join(EventExhibit, col(EventExhibit.event_id) == Event.id)
        .where(listing_col == listing_id, Event.status == EventStatus.PUBLISHED, col(Event.ends_on) >= (on or today()))
        .order_by(col(Event.starts_on))
    )
    return list(session.exec(query))
