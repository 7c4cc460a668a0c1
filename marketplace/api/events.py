"""Open data on the Department's technology fairs and matchmaking days: published events and the published
listings exhibited there; no meeting requests, no drafts or cancelled events."""

from datetime import date

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from marketplace import events, open_data
from marketplace.api.v1 import NOT_FOUND, ItemId
from marketplace.errors import NotFound
from marketplace.models import Event, EventStatus
from marketplace.web.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["events"])


class ExhibitOut(BaseModel):
    """A published offer or need on show at the event."""

    kind: str = Field(description="`offer` or `need`.")
    listing_id: int
    title: str
    sector: str
    organization_id: int
    organization: str
    booth: str | None = Field(description="The booth or table, when the Department gave one.")
    url: str


class EventOut(BaseModel):
    """A technology fair (Techfest, chợ công nghệ), matchmaking day or workshop run by the Department."""

    id: int
    name: str
    kind: str = Field(description="`fair`, `matchmaking` or `workshop`.")
    starts_on: date
    ends_on: date
    place: str
    description: str
    registration_until: date | None = Field(description="Last day organizations may add exhibits.")
    url: str


class EventDetailOut(EventOut):
    exhibits: list[ExhibitOut]


def _out(request: Request, event: Event) -> EventOut:
    return EventOut(**event.model_dump(include=set(EventOut.model_fields) - {"url"}),
                    url=str(request.url_for("event_detail", event_id=event.id)))  # fmt: skip


@router.get("/events", response_model=list[EventOut], summary="Events: upcoming first (soonest first), then past")
def list_events(request: Request, session: SessionDep) -> list[EventOut]:
    upcoming, past = events.calendar(session, None)
    return [_out(request, e) for e in upcoming + past]


@router.get(
    "/events/{event_id}", response_model=EventDetailOut, responses=NOT_FOUND, summary="One event and its exhibits"
)
def get_event(request: Request, session: SessionDep, event_id: ItemId) -> EventDetailOut:
    event = session.get(Event, event_id)
    if event is None or event.status != EventStatus.PUBLISHED:
        raise NotFound()
    shown = events.exhibits_of(session, event)
    names = open_data.names(session, {x.listing.organization_id for x in shown})
    exhibits = [
        ExhibitOut(kind=x.exhibit.kind, listing_id=x.listing.id or 0, title=x.listing.title,
                   sector=x.listing.sector_code, organization_id=x.listing.organization_id,
                   organization=names.get(x.listing.organization_id, ""), booth=x.exhibit.booth,
                   url=str(request.url_for(f"{x.exhibit.kind}_detail", **{f"{x.exhibit.kind}_id": x.listing.id})))
        for x in shown
    ]  # fmt: skip
    return EventDetailOut(**_out(request, event).model_dump(), exhibits=exhibits)
