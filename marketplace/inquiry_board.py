"""The Department's list of every inquiry, to find the deals that are stuck and broker them.

Members see their own inquiries in My exchange; staff, who may read and write on any inquiry's page
(`inquiry_messages.may_read`), find them here: by default those waiting for an answer, the longest waiting
first, optionally only those sent more than a week, two weeks or a month ago.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace import inquiry_messages, validation
from marketplace.db import Paging, paginate
from marketplace.errors import Forbidden
from marketplace.i18n import Msg
from marketplace.listings import organizations_by_id
from marketplace.models import Inquiry, InquiryMessage, InquiryStatus, Need, Offer, Organization, User
from marketplace.models._base import aware, utcnow

PAGE_SIZE = 20
STATES = tuple(s.value for s in InquiryStatus) + ("all",)
DEFAULT_STATE = InquiryStatus.PENDING.value
AGES = (7, 14, 30)  # "sent more than N days ago"
STUCK_DAYS = 7  # a pending inquiry older than this is counted beside the menu link
STAFF_ONLY = Msg("Only Department staff can see every inquiry.")


@dataclass(frozen=True)
class BoardFilters:
    """Which inquiries the list shows: one state (or all) and, optionally, only those older than `older_than` days."""

    state: str = DEFAULT_STATE
    older_than: int | None = None

    def params(self, **changes: object) -> dict[str, str]:
        """The query parameters that reproduce these filters (the defaults left out)."""
        f = replace(self, **changes)  # type: ignore[arg-type]
        params = {"state": f.state if f.state != DEFAULT_STATE else "", "older": str(f.older_than or "")}
        return {k: v for k, v in params.items() if v}


@dataclass(frozen=True)
class BoardRow:
    """One inquiry as the list shows it."""

    inquiry: Inquiry
    title: str  # of the listing or expert it is about ("" when that record is gone)
    listing: Offer | Need | None  # the listing it is about, whose owner's translation pages show
    sender_org: Organization | None
    recipient_org: Organization | None
    age_days: int  # since it was sent
    messages: int  # in its questions-and-answers thread
    last_activity: datetime  # the latest of: sent, last message, answer


@dataclass(frozen=True)
class BoardPage:
    rows: list[BoardRow]
    total: int
    paging: Paging


def require_staff(user: User | None) -> None:
    """Only Department staff see the list of every inquiry."""
    if user is None or not user.is_staff:
        raise Forbidden(STAFF_ONLY)


def read_filters(params: Mapping[str, str]) -> tuple[BoardFilters, dict[str, Msg]]:
    """The filters asked for; a value that cannot be used gives way to the default, with a message."""
    errors: dict[str, Msg] = {}
    state = validation.choice(errors, params, "state", STATES, required=False)
    older = validation.choice(errors, params, "older", [str(a) for a in AGES], required=False)
    return BoardFilters(state=state or DEFAULT_STATE, older_than=int(older) if older else None), errors


def _where(filters: BoardFilters, now: datetime) -> list[object]:
    where: list[object] = []
    if filters.state != "all":
        where.append(Inquiry.status == filters.state)
    if filters.older_than:
        where.append(col(Inquiry.created_at) <= now - timedelta(days=filters.older_than))
    return where


def board_page(session: Session, user: User | None, filters: BoardFilters, page: int = 1) -> BoardPage:
    """One page of the inquiries that pass `filters`: waiting ones the longest waiting first, others newest first."""
    require_staff(user)
    now = utcnow()
    where = _where(filters, now)
    total = session.exec(select(func.count()).select_from(Inquiry).where(*where)).one()  # type: ignore[arg-type]
    paging = paginate(total, page, PAGE_SIZE)
    oldest_first = filters.state == DEFAULT_STATE
    order = [col(Inquiry.created_at), col(Inquiry.id)]
    query = select(Inquiry).where(*where).order_by(*(order if oldest_first else [o.desc() for o in order]))  # type: ignore[arg-type]
    found = list(session.exec(query.offset(paging.offset).limit(PAGE_SIZE)).all())
    return BoardPage(_rows(session, found, now), total, paging)


def _rows(session: Session, found: list[Inquiry], now: datetime) -> list[BoardRow]:
    """The rows of one page, with a fixed number of queries whatever its length."""
    ids = [i.id for i in found if i.id is not None]
    counts = inquiry_messages.counts(session, ids)
    last_message = dict(
        session.exec(
            select(InquiryMessage.inquiry_id, func.max(InquiryMessage.created_at))
            .where(col(InquiryMessage.inquiry_id).in_(ids))
            .group_by(col(InquiryMessage.inquiry_id))
        ).all()
    )
    titles, listings = _titles(session, found)
    orgs = organizations_by_id(
        session, {i.recipient_org_id for i in found} | {i.sender_org_id for i in found if i.sender_org_id}
    )
    rows = []
    for i in found:
        moments = [aware(m) for m in (i.created_at, i.answered_at, last_message.get(i.id or 0)) if m is not None]
        rows.append(
            BoardRow(
                inquiry=i,
                title=titles.get((i.listing_kind, i.listing_id), ""),
                listing=listings.get((i.listing_kind, i.listing_id)),
                sender_org=orgs.get(i.sender_org_id) if i.sender_org_id else None,
                recipient_org=orgs.get(i.recipient_org_id),
                age_days=max(0, (now - aware(i.created_at)).days),
                messages=counts.get(i.id or 0, 0),
                last_activity=max(moments),
            )
        )
    return rows


def _titles(
    session: Session, found: list[Inquiry]
) -> tuple[dict[tuple[str, int], str], dict[tuple[str, int], Offer | Need]]:
    """The titles of the listings and the names of the experts the inquiries are about, and the listings
    themselves: one query per kind."""
    wanted: dict[str, set[int]] = {}
    for i in found:
        wanted.setdefault(i.listing_kind, set()).add(i.listing_id)
    listings: dict[tuple[str, int], Offer | Need] = {}
    offers = session.exec(select(Offer).where(col(Offer.id).in_(wanted.get("offer", ())))).all()
    needs = session.exec(select(Need).where(col(Need.id).in_(wanted.get("need", ())))).all()
    listings |= {("offer", offer.id): offer for offer in offers if offer.id is not None}
    listings |= {("need", need.id): need for need in needs if need.id is not None}
    titles = {key: listing.title for key, listing in listings.items()}
    if wanted.get("expert"):
        people = session.exec(select(User.id, User.full_name).where(col(User.id).in_(wanted["expert"]))).all()
        titles |= {("expert", uid): name for uid, name in people if uid is not None}
    return titles, listings


def stuck_count(session: Session) -> int:
    """How many inquiries have waited for an answer longer than `STUCK_DAYS` days (one query)."""
    stuck = BoardFilters(state=DEFAULT_STATE, older_than=STUCK_DAYS)
    query = select(func.count()).select_from(Inquiry).where(*_where(stuck, utcnow()))  # type: ignore[arg-type]
    return int(session.exec(query).one())
