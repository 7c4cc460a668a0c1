"""How often published offers and needs are opened: for their owners ("is anyone reading it?") and the
Department (which technologies draw interest).

A view is counted when someone opens the page of a published listing, unless they belong to its
organization or are staff (their own visits say nothing), or the visitor announces itself as a robot (search
engines, link previews). One row a listing and a day (Huế time) holds the count, raised in one statement that
inserts or adds one. Counting never stands in the way of the page: if the write fails (the database busy),
the view goes uncounted and the page is shown.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from marketplace import listings
from marketplace.db import is_postgres
from marketplace.i18n import TIMEZONE
from marketplace.models import ListingStatus, ListingViews, Need, Offer, User
from marketplace.models._base import utcnow

log = logging.getLogger("marketplace.listing_views")
ROBOTS = re.compile(r"bot|crawl|spider|slurp|preview|facebookexternalhit|zalo|headless|curl|wget|python", re.I)
RECENT_DAYS = 30


@dataclass(frozen=True)
class Views:
    total: int
    recent: int  # in the last RECENT_DAYS days


def today(now: datetime | None = None) -> Any:
    return (now or utcnow()).astimezone(TIMEZONE).date()


def count(session: Session, listing: Offer | Need, viewer: User | None, user_agent: str | None) -> bool:
    """Count one opening of `listing`'s page, if it counts (see the module); returns whether it did."""
    if listing.status != ListingStatus.PUBLISHED or listing.id is None:
        return False
    if viewer is not None and (viewer.is_staff or listings.can_manage(viewer, listing)):
        return False
    if not user_agent or ROBOTS.search(user_agent):
        return False
    kind = "offer" if isinstance(listing, Offer) else "need"
    values = {"listing_kind": kind, "listing_id": listing.id, "day": today(), "views": 1}
    table = ListingViews.__table__  # type: ignore[attr-defined]
    insert = postgresql_insert if is_postgres(session) else sqlite_insert
    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["listing_kind", "listing_id", "day"], set_={"views": table.c.views + 1}
    )
    try:
        session.execute(statement)
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.warning("a view of %s %s was not counted", kind, listing.id, exc_info=True)
        return False
    return True


def views_of(session: Session, kind: str, listing_id: int) -> Views:
    """All the counted views of one listing, and those of the last RECENT_DAYS days."""
    since = today() - timedelta(days=RECENT_DAYS - 1)
    recent = func.coalesce(func.sum(ListingViews.views).filter(col(ListingViews.day) >= since), 0)
    row = session.exec(
        select(func.coalesce(func.sum(ListingViews.views), 0), recent).where(
            ListingViews.listing_kind == kind, ListingViews.listing_id == listing_id
        )
    ).one()
    return Views(int(row[0]), int(row[1]))


def totals(session: Session, keys: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """The counted views of each of these listings (kind, id), in one grouped query; those never viewed left out."""
    found: dict[tuple[str, int], int] = {}
    for kind in {k for k, _ in keys}:
        ids = [i for k, i in keys if k == kind]
        rows = session.exec(
            select(ListingViews.listing_id, func.sum(ListingViews.views))
            .where(ListingViews.listing_kind == kind, col(ListingViews.listing_id).in_(ids))
            .group_by(col(ListingViews.listing_id))
        ).all()
        found |= {(kind, listing_id): int(views) for listing_id, views in rows}
    return found


@dataclass(frozen=True)
class Viewed:
    kind: str
    listing: Offer | Need
    views: int


def most_viewed(session: Session, start: Any, end: Any, limit: int = 10) -> list[Viewed]:
    """The listings opened most from `start` to `end` (days, inclusive), published or not any more."""
    total = func.sum(ListingViews.views)
    rows = session.exec(
        select(ListingViews.listing_kind, ListingViews.listing_id, total)
        .where(col(ListingViews.day) >= start, col(ListingViews.day) <= end)
        .group_by(col(ListingViews.listing_kind), col(ListingViews.listing_id))
        .order_by(total.desc(), col(ListingViews.listing_kind), col(ListingViews.listing_id))
        .limit(limit)
    ).all()
    found = []
    for kind, listing_id, views in rows:
        listing: Offer | Need | None = (
            session.get(Offer, listing_id) if kind == "offer" else session.get(Need, listing_id)
        )
        if listing is not None:
            found.append(Viewed(kind, listing, int(views)))
    return found
