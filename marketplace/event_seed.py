"""The demo events of seed_data/events.json: a past Techfest and an upcoming matchmaking day with their exhibits
(seeded listings, by key) and B2B meeting requests. Seeding again adds nothing: an event is found by its name, an
exhibit by its listing, a meeting request by its exhibit and requesting organization."""

from datetime import date, datetime
from typing import Any, cast

from sqlmodel import Session, select

from marketplace.i18n import TIMEZONE
from marketplace.models import Event, EventExhibit, EventMeetingRequest, Need, Offer, User
from marketplace.models._base import ident


def load_events(session: Session, rows: list[dict[str, Any]], users: dict[str, User]) -> int:
    """Add the demo events that are missing, with their exhibits and meetings; returns how many records were added."""
    added = 0
    for row in rows:
        event = session.exec(select(Event).where(Event.name == row["name"])).first()
        if event is None:
            creator = users.get(row.get("created_by", ""))
            event = Event(
                name=row["name"], kind=row["kind"], starts_on=date.fromisoformat(row["starts_on"]),
                ends_on=date.fromisoformat(row["ends_on"]), place=row["place"], description=row["description"],
                registration_until=date.fromisoformat(row["registration_until"]), status=row["status"],
                created_by_id=creator.id if creator else None,
            )  # fmt: skip
            session.add(event)
            session.flush()
            added += 1
        exhibits = {}
        for item in row.get("exhibits", []):
            exhibit, new = _exhibit(session, event, item)
            if exhibit is not None:
                exhibits[item["listing"]] = exhibit
                added += new
        for item in row.get("meetings", []):
            added += _meeting(session, event, exhibits.get(item["exhibit"]), item, users)
    return added


def _exhibit(session: Session, event: Event, item: dict[str, Any]) -> tuple[EventExhibit | None, int]:
    kind = "need" if item["listing"].startswith("need-") else "offer"
    model: type[Offer] | type[Need] = Need if kind == "need" else Offer
    listing = cast(Offer | Need | None, session.exec(select(model).where(model.key == item["listing"])).first())
    if listing is None:
        return None, 0
    column = EventExhibit.need_id if kind == "need" else EventExhibit.offer_id
    found = session.exec(select(EventExhibit).where(EventExhibit.event_id == event.id, column == listing.id)).first()
    if found is not None:
        return found, 0
    exhibit = EventExhibit(event_id=ident(event), kind=kind, organization_id=listing.organization_id,
                           booth=item.get("booth"), offer_id=listing.id if kind == "offer" else None,
                           need_id=listing.id if kind == "need" else None)  # fmt: skip
    session.add(exhibit)
    session.flush()
    return exhibit, 1


def _meeting(
    session: Session, event: Event, exhibit: EventExhibit | None, item: dict[str, Any], users: dict[str, User]
) -> int:
    requester = users.get(item["requester"])
    if exhibit is None or requester is None or requester.organization_id is None:
        return 0
    asked = select(EventMeetingRequest).where(
        EventMeetingRequest.exhibit_id == exhibit.id, EventMeetingRequest.requester_org_id == requester.organization_id
    )
    if session.exec(asked).first() is not None:
        return 0
    slot = datetime.strptime(item["slot"], "%Y-%m-%d %H:%M").replace(tzinfo=TIMEZONE)
    answerer = users.get(item.get("answered_by", ""))
    session.add(EventMeetingRequest(
        event_id=ident(event), exhibit_id=ident(exhibit), requester_id=ident(requester),
        requester_org_id=requester.organization_id, message=item["message"], slot_at=slot, status=item["status"],
        answer_note=item.get("answer_note"), answered_by_id=answerer.id if answerer else None,
        answered_at=slot if answerer else None,
    ))  # fmt: skip
    return 1
