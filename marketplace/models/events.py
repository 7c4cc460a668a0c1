"""Technology fairs and matchmaking days the Department runs: the event, its exhibits, B2B meeting requests."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from marketplace.models._base import long_text, moment_field, now_field, short_code


class EventKind(StrEnum):
    FAIR = "fair"
    MATCHMAKING = "matchmaking"
    WORKSHOP = "workshop"


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class EventMeetingStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class Event(SQLModel, table=True):
    """A fair, matchmaking day or workshop: staff draft it, publish it (visitors see it) or cancel it.
    Organizations exhibit listings until `registration_until`; `version` guards edits."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    kind: str = short_code(default=EventKind.FAIR.value)
    starts_on: date = Field(sa_type=Date, nullable=False, index=True)
    ends_on: date = Field(sa_type=Date, nullable=False)
    place: str = Field(default="", max_length=300)
    description: str = long_text()
    registration_until: date | None = Field(default=None, sa_type=Date)
    status: str = short_code(default=EventStatus.DRAFT.value, index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = now_field()
    updated_at: datetime = now_field()
    version: int = 1


class EventExhibit(SQLModel, table=True):
    """A published offer or need shown at an event by its organization (once per event)."""

    __tablename__ = "event_exhibit"
    __table_args__ = (
        UniqueConstraint("event_id", "offer_id", name="uq_event_exhibit_offer"),
        UniqueConstraint("event_id", "need_id", name="uq_event_exhibit_need"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    kind: str = short_code(default="offer")  # "offer" or "need": which of the two ids is set
    offer_id: int | None = Field(default=None, foreign_key="offer.id", index=True)
    need_id: int | None = Field(default=None, foreign_key="need.id", index=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    booth: str | None = Field(default=None, max_length=40)
    added_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = now_field()


class EventMeetingRequest(SQLModel, table=True):
    """A visitor organization's request for a B2B meeting with an exhibit, at a time on one of the event's
    days (stored aware UTC, typed in Huế time); the exhibitor accepts or declines it with a note."""

    __tablename__ = "event_meeting_request"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    exhibit_id: int = Field(foreign_key="event_exhibit.id", index=True)
    requester_id: int = Field(foreign_key="user.id", index=True)
    requester_org_id: int = Field(foreign_key="organization.id", index=True)
    message: str = Field(default="", max_length=1000)
    slot_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)
    status: str = short_code(default=EventMeetingStatus.REQUESTED.value, index=True)
    answer_note: str | None = Field(default=None, max_length=1000)
    answered_by_id: int | None = Field(default=None, foreign_key="user.id")
    answered_at: datetime | None = moment_field()
    created_at: datetime = now_field()
