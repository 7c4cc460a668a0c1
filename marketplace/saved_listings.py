"""A member's shortlist of offers and needs, "Tin đã lưu": the listings they are considering, each with a note
only they read, kept on /saved.

Anyone logged in saves what they may see (published listings, or their own organization's drafts). A saved
listing stays on the list when it is archived or expires; the list says it is no longer shown and no longer
links to it for those who cannot open it now. The listing's managers see how many keep it, never who.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from marketplace import listings
from marketplace.db import Paging, paginate
from marketplace.errors import Invalid, NotFound
from marketplace.i18n import Msg
from marketplace.models import ListingEvent, Need, Offer, Organization, SavedListing, User
from marketplace.models._base import aware, ident
from marketplace.validation import text

KINDS = ("offer", "need")
MAX_PER_USER = 200
NOTE_MAX = 500
PER_PAGE = 20
Listing = Offer | Need
# The recorded changes a reader of the listing sees: an edit applied at once, or an owner's changes the Department
# approved. Not a confirmation that it is still current, a reminder to confirm, a status move (the list says when
# it is no longer shown), changes still waiting for review, nor files (one added waits for the Department).
CONTENT_CHANGES = ("edit", "publish_revision")


@dataclass(frozen=True)
class Entry:
    """One saved listing as its member's list shows it."""

    saved: SavedListing
    listing: Listing | None  # None only if the listing itself is gone
    organization: Organization | None
    shown: bool  # the member may open the listing now
    changed: bool  # the listing changed after it was saved

    @property
    def kind(self) -> str:
        return self.saved.listing_kind


@dataclass(frozen=True)
class SavedPage:
    entries: list[Entry]
    total: int
    paging: Paging


def _visible(session: Session, kind: str, listing_id: int, user: User) -> Listing:
    """The listing if `user` may see it, else NotFound (an unknown kind names nothing either)."""
    if kind == "offer":
        return listings.get_visible(session, Offer, listing_id, user)
    if kind == "need":
        return listings.get_visible(session, Need, listing_id, user)
    raise NotFound()


def saved_row(session: Session, user: User | None, kind: str, listing_id: int) -> SavedListing | None:
    """`user`'s saved row for this listing, if they keep it."""
    if user is None:
        return None
    found = select(SavedListing).where(
        SavedListing.user_id == user.id, SavedListing.listing_kind == kind, SavedListing.listing_id == listing_id
    )
    return session.exec(found).first()


def count_of(session: Session, user: User) -> int:
    """How many listings `user` keeps."""
    return int(session.exec(select(func.count()).where(SavedListing.user_id == user.id)).one())


def save(session: Session, user: User, kind: str, listing_id: int) -> tuple[SavedListing, bool]:
    """Keep a listing `user` may see; returns the saved row and whether it is new. NotFound for one they cannot see."""
    listing = _visible(session, kind, listing_id, user)
    existing = saved_row(session, user, kind, listing_id)
    if existing is not None:
        return existing, False
    if count_of(session, user) >= MAX_PER_USER:
        problem = Msg("You keep %(max)d listings already: remove one from Saved listings first.", max=MAX_PER_USER)
        raise Invalid({"listing": problem}, problem)
    saved = SavedListing(user_id=ident(user), listing_kind=kind, listing_id=ident(listing))
    session.add(saved)
    try:
        session.commit()
    except IntegrityError:  # saved twice at once (a double click): one is kept
        session.rollback()
        existing = saved_row(session, user, kind, listing_id)
        if existing is None:
            raise
        return existing, False
    return saved, True


def unsave(session: Session, user: User, kind: str, listing_id: int) -> Listing | None:
    """Take a listing off `user`'s list (nothing happens if it is not on it); returns the listing.
    NotFound when it is neither on the list nor a listing they may see."""
    saved = saved_row(session, user, kind, listing_id)
    if saved is None:
        return _visible(session, kind, listing_id, user)
    session.delete(saved)
    session.commit()
    return session.get(Offer, listing_id) if kind == "offer" else session.get(Need, listing_id)


def set_note(session: Session, user: User, kind: str, listing_id: int, data: Mapping[str, Any]) -> SavedListing:
    """Write `user`'s private note on a listing they keep; an empty note removes it."""
    saved = saved_row(session, user, kind, listing_id)
    if saved is None:
        raise NotFound(Msg("This listing is not on your saved list."))
    errors: dict[str, Msg] = {}
    note = text(errors, data, "note", max_len=NOTE_MAX, required=False)
    if errors:
        raise Invalid(errors)
    saved.note = note
    session.add(saved)
    session.commit()
    return saved


def count_for(session: Session, kind: str, listing_id: int) -> int:
    """How many members keep this listing (for its managers: a number, never who)."""
    query = select(func.count()).where(SavedListing.listing_kind == kind, SavedListing.listing_id == listing_id)
    return int(session.exec(query).one())


def saved_of(session: Session, user: User) -> list[SavedListing]:
    """Every listing `user` keeps, the latest saved first."""
    query = select(SavedListing).where(SavedListing.user_id == user.id)
    return list(session.exec(query.order_by(col(SavedListing.created_at).desc(), col(SavedListing.id).desc())).all())


def page_of(session: Session, user: User, page: int, per_page: int = PER_PAGE) -> SavedPage:
    """One page of `user`'s list, the latest saved first, with what each listing is now."""
    total = count_of(session, user)
    paging = paginate(total, page, per_page)
    query = select(SavedListing).where(SavedListing.user_id == user.id)
    query = query.order_by(col(SavedListing.created_at).desc(), col(SavedListing.id).desc())
    rows = list(session.exec(query.offset(paging.offset).limit(per_page)).all())
    return SavedPage(entries_of(session, user, rows), total, paging)


def entry_of(session: Session, user: User, kind: str, listing_id: int) -> Entry:
    """One listing of `user`'s list, as the list shows it; NotFound when they do not keep it."""
    saved = saved_row(session, user, kind, listing_id)
    if saved is None:
        raise NotFound(Msg("This listing is not on your saved list."))
    return entries_of(session, user, [saved])[0]


def entries_of(session: Session, user: User, rows: list[SavedListing]) -> list[Entry]:
    """The rows with their listings and organizations, read in one query of each kind."""
    offers = {r.listing_id for r in rows if r.listing_kind == "offer"}
    needs = {r.listing_id for r in rows if r.listing_kind == "need"}
    found: dict[tuple[str, int], Listing] = {}
    if offers:
        found |= {("offer", ident(x)): x for x in session.exec(select(Offer).where(col(Offer.id).in_(offers)))}
    if needs:
        found |= {("need", ident(x)): x for x in session.exec(select(Need).where(col(Need.id).in_(needs)))}
    orgs = listings.organizations_by_id(session, {x.organization_id for x in found.values()})
    changed_at = content_changed_at(session, offers, needs)
    entries = []
    for row in rows:
        listing = found.get((row.listing_kind, row.listing_id))
        last_change = changed_at.get((row.listing_kind, row.listing_id))
        entries.append(
            Entry(
                saved=row,
                listing=listing,
                organization=orgs.get(listing.organization_id) if listing else None,
                shown=listing is not None and listings.can_view(user, listing),
                changed=listing is not None and last_change is not None and aware(last_change) > aware(row.created_at),
            )
        )
    return entries


def content_changed_at(session: Session, offers: set[int], needs: set[int]) -> dict[tuple[str, int], datetime]:
    """When the content of each of these listings last changed (those never changed left out), in one query."""
    if not offers and not needs:
        return {}
    kind, listing_id = col(ListingEvent.listing_kind), col(ListingEvent.listing_id)
    query = (
        select(kind, listing_id, func.max(ListingEvent.at))
        .where(
            col(ListingEvent.action).in_(CONTENT_CHANGES),
            or_(and_(kind == "offer", listing_id.in_(offers)), and_(kind == "need", listing_id.in_(needs))),
        )
        .group_by(kind, listing_id)
    )
    return {(k, i): at for k, i, at in session.exec(query).all()}
