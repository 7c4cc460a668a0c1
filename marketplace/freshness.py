"""Freshness of published listings: "confirmed N days ago", asking owners to confirm, expiring the stale.

After LISTING_FRESHNESS_DAYS without confirmation a listing is *due*: its owner is asked to confirm
it is still current. After LISTING_GRACE_DAYS more it expires (the `expire-listings` command, run
daily by the operator's scheduler).
"""

import argparse
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace import publishing
from marketplace.cli import command
from marketplace.config import get_settings
from marketplace.errors import Conflict
from marketplace.i18n import N_, Msg
from marketplace.models import ListingEvent, ListingStatus, Need, Offer, User
from marketplace.models._base import utcnow

Listing = Offer | Need
ASK_TO_CONFIRM = N_(
    "Please confirm that your listing “%(title)s” is still current; otherwise it expires in %(days)d days."
)
ASK_SUBJECT = N_("Is your listing “%(title)s” still current?")
ASK_BODY = N_(
    "Your listing “%(title)s” was last confirmed %(days_ago)d days ago. Please open it and press "
    "“Confirm it is still current”, or edit or archive it. Without confirmation it expires in %(days)d days."
)


@dataclass(frozen=True)
class Freshness:
    """How current a published listing is: days since its last confirmation, and what follows."""

    days: int
    due: bool
    expires_in: int


def last_confirmed(listing: Listing) -> datetime | None:
    moment = listing.confirmed_at or listing.published_at
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def freshness(listing: Listing, now: datetime | None = None) -> Freshness | None:
    """The listing's freshness, or None when it is not published."""
    moment = last_confirmed(listing)
    if listing.status != ListingStatus.PUBLISHED or moment is None:
        return None
    settings = get_settings()
    days = max(0, ((now or utcnow()) - moment).days)
    limit = settings.LISTING_FRESHNESS_DAYS + settings.LISTING_GRACE_DAYS
    return Freshness(days=days, due=days >= settings.LISTING_FRESHNESS_DAYS, expires_in=max(0, limit - days))


def confirm_listing(session: Session, user: User, listing: Listing) -> Listing:
    """The owner says the published listing is still current: the freshness clock starts again."""
    publishing.require_manager(user, listing)
    if listing.status != ListingStatus.PUBLISHED:
        raise Conflict(Msg("Only a published listing can be confirmed as current."), current=listing)
    listing.confirmed_at = utcnow()
    publishing.record_change(session, user, listing, "confirm", listing.status, listing.status)
    session.commit()
    return listing


def ask_owners_to_confirm(session: Session, now: datetime | None = None) -> int:
    """Notify the owners of listings that have become due, once per freshness period; returns how many."""
    now = now or utcnow()
    settings = get_settings()
    due_before = now - timedelta(days=settings.LISTING_FRESHNESS_DAYS)
    asked = 0
    for listing in _published_confirmed_before(session, due_before):
        kind = publishing.kind_of(listing)
        if _asked_since(session, kind, listing):
            continue
        left = freshness(listing, now)
        publishing.record_change(session, None, listing, "confirmation_requested", listing.status, listing.status)
        days = {"days": left.expires_in if left else 0, "days_ago": left.days if left else 0}
        publishing.tell_owner(session, listing, notice=ASK_TO_CONFIRM, subject=ASK_SUBJECT, body=ASK_BODY, **days)
        asked += 1
    session.commit()
    return asked


def expire_stale(session: Session, now: datetime | None = None) -> int:
    """Expire published listings unconfirmed for the freshness period plus the grace period; returns how many."""
    now = now or utcnow()
    settings = get_settings()
    cutoff = now - timedelta(days=settings.LISTING_FRESHNESS_DAYS + settings.LISTING_GRACE_DAYS)
    stale = _published_confirmed_before(session, cutoff)
    for listing in stale:
        publishing.move(session, None, listing, ListingStatus.EXPIRED, "expired")
    session.commit()
    for listing in stale:
        publishing.after_listing_change(session, publishing.kind_of(listing), publishing.id_of(listing))
    return len(stale)


def _published_confirmed_before(session: Session, moment: datetime) -> list[Listing]:
    published = ListingStatus.PUBLISHED
    offers = session.exec(
        select(Offer).where(Offer.status == published, func.coalesce(Offer.confirmed_at, Offer.published_at) < moment)
    ).all()
    needs = session.exec(
        select(Need).where(Need.status == published, func.coalesce(Need.confirmed_at, Need.published_at) < moment)
    ).all()
    return [*offers, *needs]


def _asked_since(session: Session, kind: str, listing: Listing) -> bool:
    query = select(ListingEvent.id).where(
        ListingEvent.listing_kind == kind,
        ListingEvent.listing_id == listing.id,
        ListingEvent.action == "confirmation_requested",
        col(ListingEvent.at) >= last_confirmed(listing),
    )
    return session.exec(query).first() is not None


def _expire_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-reminders", action="store_true", help="only expire; do not ask owners to confirm")


@command(
    "expire-listings",
    "ask owners of due listings to confirm them, and expire those past the grace period",
    _expire_arguments,
)
def expire_listings_command(args: argparse.Namespace) -> int:
    from marketplace.db import session_scope

    with session_scope() as session:
        expired = expire_stale(session)
        asked = 0 if args.no_reminders else ask_owners_to_confirm(session)
    print(json.dumps({"expired": expired, "asked_to_confirm": asked}))
    return 0
