"""Cross-cutting records: audit log, in-app notifications, the mail outbox, the search outbox, the glossary,
batch recalculations of partner proposals, the searches members follow, the listings they keep."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from marketplace.models._base import long_text, moment_field, now_field, short_code


class AuditLog(SQLModel, table=True):
    """Who did what to which record, and when."""

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    at: datetime = now_field()
    action: str = Field(max_length=60, index=True)
    entity: str = Field(max_length=40, index=True)
    entity_id: int | None = Field(default=None, index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)


class Notification(SQLModel, table=True):
    """An in-app notice for one user; `message` and `params` are rendered in the reader's language."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    at: datetime = now_field()
    message: str = Field(max_length=300)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    link: str | None = Field(default=None, max_length=300)
    read_at: datetime | None = moment_field()
    # Would have been mailed, but its reader takes one mail a day: the next `send-digests` lists it, then clears this.
    digest_pending: bool = False


class OutboxMail(SQLModel, table=True):
    """An e-mail waiting to be sent; kept until the SMTP server accepts it."""

    id: int | None = Field(default=None, primary_key=True)
    to: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body: str = long_text()
    created_at: datetime = now_field()
    sent_at: datetime | None = moment_field(index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=1000)


class SearchOutbox(SQLModel, table=True):
    """A listing or organization whose search document must be (re)written to an external index."""

    id: int | None = Field(default=None, primary_key=True)
    entity: str = short_code(default="offer")
    entity_id: int = Field(index=True)
    created_at: datetime = now_field()
    done_at: datetime | None = moment_field(index=True)
    attempts: int = 0


class SubmittedForm(SQLModel, table=True):
    """A one-time form token already spent, and what it created, so a form sent twice acts once."""

    token: str = Field(primary_key=True, max_length=64)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    entity: str = Field(max_length=30)
    entity_id: int
    at: datetime = now_field()


class GlossaryTerm(SQLModel, table=True):
    """One Vietnamese term and its English equivalent in the Department's glossary (`marketplace.glossary`)."""

    __tablename__ = "glossary_term"

    id: int | None = Field(default=None, primary_key=True)
    vi: str = Field(max_length=120)
    en: str = Field(max_length=120)
    added_by_id: int | None = Field(default=None, foreign_key="user.id")
    added_at: datetime = now_field()


class RecalculationRun(SQLModel, table=True):
    """One batch recalculation of every partner proposal (`marketplace.recalculation`): started by a staff
    member on /glossary, or by the `match` command (no one), with its progress and what it changed."""

    __tablename__ = "recalculation_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = now_field()
    started_by_id: int | None = Field(default=None, foreign_key="user.id")
    # True while the run holds the one running slot, NULL once it ended: NULLs never collide in a unique
    # column, so two runs cannot both start, even at the same instant.
    running: bool | None = Field(default=True, unique=True)
    heartbeat_at: datetime = now_field()
    finished_at: datetime | None = moment_field()
    listings_total: int = 0
    listings_done: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    interrupted: bool = False
    error: str | None = Field(default=None, max_length=1000)


class SavedSearch(SQLModel, table=True):
    """A search a member follows (`marketplace.saved_searches`): offers and needs published after
    `seen_until` that match it reach them as a notice and an e-mail, daily or weekly."""

    __tablename__ = "saved_search"
    __table_args__ = (UniqueConstraint("user_id", "params"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    params: str = Field(max_length=2000)  # the search page's URL parameters, without sort and page
    frequency: str = Field(default="daily", max_length=10)  # daily, weekly or paused
    created_at: datetime = now_field()
    checked_at: datetime = now_field()  # the last time new listings were looked for
    seen_until: datetime = now_field()  # listings published up to here were looked at
    last_alert_at: datetime | None = moment_field()
    last_alert_count: int = 0


class SavedListing(SQLModel, table=True):
    """An offer or need a member keeps on their shortlist, "Tin đã lưu" (`marketplace.saved_listings`), with a
    note only they read. One row per member and listing, so a double click keeps one."""

    __tablename__ = "saved_listing"
    __table_args__ = (UniqueConstraint("user_id", "listing_kind", "listing_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    listing_kind: str = short_code(default="offer")
    listing_id: int = Field(index=True)  # how many keep a listing, for its managers
    note: str = Field(default="", max_length=500)
    created_at: datetime = now_field()
