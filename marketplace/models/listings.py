"""Offers (research results and technologies) and needs (technology demands), with their history."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from marketplace.models._base import json_list, long_text, moment_field, now_field, short_code, vnd
from marketplace.models.enums import ListingStatus


class ListingBase(SQLModel):
    """Fields that offers and needs share."""

    key: str | None = Field(default=None, max_length=60, unique=True, index=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    language: str = Field(default="vi", max_length=5)
    title: str = Field(max_length=200)
    # The owner's own translation into the other language (an English title for a Vietnamese listing): shown
    # to readers of that language beside the original (`marketplace.listing_translations`).
    translated_title: str | None = Field(default=None, max_length=200)
    translated_summary: str | None = Field(default=None, max_length=600)
    sector_code: str = Field(foreign_key="sector.code", max_length=30, index=True)
    keywords: list[str] = json_list()
    collaboration_types: list[str] = json_list()
    status: str = short_code(default=ListingStatus.DRAFT.value, index=True)
    rejection_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = now_field()
    updated_at: datetime = now_field()
    submitted_at: datetime | None = moment_field()
    published_at: datetime | None = moment_field(index=True)
    confirmed_at: datetime | None = moment_field()
    version: int = 1


class Offer(ListingBase, table=True):
    """A research result or technology on offer (chào bán công nghệ)."""

    id: int | None = Field(default=None, primary_key=True)
    summary: str = Field(default="", max_length=600)
    description: str = long_text()
    applications: str = long_text()
    advantages: str = long_text()
    trl: int = Field(default=1, ge=1, le=9)
    trl_justification: str = long_text()
    ip_status: str | None = short_code()  # None while a draft leaves it open; sending for review requires it
    ip_reference: str | None = Field(default=None, max_length=60)
    terms: str = long_text()
    species: str | None = Field(default=None, max_length=120)
    latin_name: str | None = Field(default=None, max_length=120)
    plant_part: str | None = Field(default=None, max_length=120)
    active_compounds: str | None = Field(default=None, max_length=300)
    standard: str | None = Field(default=None, max_length=120)
    ocop: str | None = Field(default=None, max_length=120)


class Need(ListingBase, table=True):
    """A technology need or a commissioned problem (nhu cầu / đặt hàng công nghệ)."""

    id: int | None = Field(default=None, primary_key=True)
    problem: str = long_text()
    desired_outcome: str = long_text()
    constraints: str = long_text()
    min_trl: int | None = Field(default=None, ge=1, le=9)
    budget_min_vnd: int | None = vnd()
    budget_max_vnd: int | None = vnd()
    deadline: date | None = Field(default=None, sa_type=Date)
    commissioned: bool = Field(default=False, index=True)
    funding_note: str | None = Field(default=None, max_length=1000)
    st_task_code: str | None = Field(default=None, max_length=60)
    st_task_level: str | None = short_code()


class ListingEvent(SQLModel, table=True):
    """One recorded change of an offer or need: status moves, edits, confirmations."""

    id: int | None = Field(default=None, primary_key=True)
    listing_kind: str = short_code(default="offer", index=True)
    listing_id: int = Field(index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = now_field()
    action: str = short_code(default="edit")
    from_status: str | None = short_code()
    to_status: str | None = short_code()
    note: str | None = Field(default=None, max_length=1000)


class ListingRevision(SQLModel, table=True):
    """An owner's changes to a published listing's public content, waiting for the Department.

    At most one per listing: editing again rewrites it. Approving copies `values` onto the listing
    and deletes the revision; rejecting keeps it (status "rejected", with the reason) for the owner to rework.
    """

    __table_args__ = (UniqueConstraint("listing_kind", "listing_id"),)
    id: int | None = Field(default=None, primary_key=True)
    listing_kind: str = short_code(default="offer")
    listing_id: int = Field(index=True)
    author_id: int | None = Field(default=None, foreign_key="user.id")
    values: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    status: str = short_code(default="pending", index=True)
    rejection_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = now_field()
    updated_at: datetime = now_field()


class ListingViews(SQLModel, table=True):
    """How many times a published offer or need was opened on one day (Huế time) by someone other than its
    organization's members, staff or a robot (`marketplace.listing_views`)."""

    __tablename__ = "listing_views"
    __table_args__ = (UniqueConstraint("listing_kind", "listing_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    listing_kind: str = short_code(default="offer")
    listing_id: int = Field(index=True)
    day: date = Field(sa_type=Date, index=True)
    views: int = 0


class ListingAttachment(SQLModel, table=True):
    """A file shown with an offer or need: a technology profile, a test report, a photo of the product
    (`marketplace.attachments`). The bytes live in the database like every other state, so any app process
    serves them and a database backup holds them."""

    __tablename__ = "listing_attachment"
    id: int | None = Field(default=None, primary_key=True)
    listing_kind: str = short_code(default="offer")
    listing_id: int = Field(index=True)
    title: str = Field(max_length=200)
    filename: str = Field(max_length=200)
    media_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    audience: str = short_code(default="public")  # "public" or "contacts": after an accepted inquiry
    approved: bool = Field(default=False, index=True)  # the Department let it be shown with the listing
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = now_field()
    content: bytes = Field(sa_type=LargeBinary, nullable=False, repr=False)
    thumbnail: bytes | None = Field(default=None, sa_type=LargeBinary, nullable=True, repr=False)
