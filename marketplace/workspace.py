"""My exchange (/me): a member's listings, proposals, inquiries, collaborations and notices, a page at a time."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import String, func, literal, not_, union_all
from sqlmodel import Session, and_, col, or_, select

from marketplace import collaborations, event_meetings, inquiries, inquiry_messages, meetings, notifications
from marketplace.db import page_count, paginate
from marketplace.errors import NotFound
from marketplace.event_meetings import Row as EventMeetingRow
from marketplace.inquiries import Contact, Subject
from marketplace.meetings import Upcoming
from marketplace.models import (
    Collaboration,
    Inquiry,
    InquiryStatus,
    ListingRevision,
    MatchProposal,
    Need,
    Notification,
    Offer,
    Organization,
    ProposalStatus,
    User,
)
from marketplace.models._base import aware, utcnow

LIST_LIMIT = 50
PROPOSAL_LIMIT = 20
NOTICE_LIMIT = 30
LISTING_MODELS: dict[str, type[Offer] | type[Need]] = {"offer": Offer, "need": Need}
Row = TypeVar("Row")


@dataclass(frozen=True)
class Section(Generic[Row]):
    """One page of a section of /me and how many rows the section has in all."""

    rows: list[Row] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = LIST_LIMIT

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def first(self) -> int:
        """The position (from 1) of the page's first row in the whole section."""
        return (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return (self.page - 1) * self.per_page + len(self.rows)


@dataclass(frozen=True)
class InquiryRow:
    """An inquiry as one of its sides sees it."""

    inquiry: Inquiry
    subject: Subject
    sender_org: Organization | None
    recipient_org: Organization | None
    contacts: list[Contact]
    can_answer: bool
    can_withdraw: bool
    waited_days: int
    collaboration_id: int | None = None
    messages: int = 0  # in its questions-and-answers thread (counted for the lists of /me)


@dataclass(frozen=True)
class ProposalRow:
    """A proposed partner for one of my listings (or for me as an expert)."""

    proposal: MatchProposal
    mine: Subject
    partner: Subject


@dataclass(frozen=True)
class DealRow:
    collaboration: Collaboration
    partner: Organization | None


@dataclass
class Workspace:
    """The sections of /me, each one page of its rows; `waiting` counts the pending inquiries received."""

    received: Section[InquiryRow] = field(default_factory=Section)
    sent: Section[InquiryRow] = field(default_factory=Section)
    listings: Section[tuple[str, Offer | Need, ListingRevision | None]] = field(default_factory=Section)
    proposals: Section[ProposalRow] = field(default_factory=Section)
    collaborations: Section[DealRow] = field(default_factory=Section)
    notifications: Section[Notification] = field(default_factory=Section)
    waiting: int = 0
    meetings: list[Upcoming] = field(default_factory=list)  # planned, soonest first (whole page only)
    event_meetings: list[EventMeetingRow] = field(default_factory=list)  # B2B at events, soonest first (ditto)


def overview(
    session: Session, user: User, pages: Mapping[str, int] | None = None, only: str | None = None
) -> Workspace:
    """What /me shows for `user`: the asked page of each section (or of section `only`), moved into range."""
    assert user.id is not None
    space = Workspace()
    for name, build in SECTIONS.items():
        if only in (None, name) and (name == "notifications" or user.organization_id is not None):
            setattr(space, name, build(session, user, (pages or {}).get(name, 1)))
    if only in (None, "received") and user.organization_id is not None:
        space.waiting = _count(session, _received_query(user).where(Inquiry.status == InquiryStatus.PENDING))
    if only is None:
        space.meetings = meetings.upcoming_for(session, user)
        space.event_meetings = event_meetings.upcoming_for(session, user)
    return space


def _page(session: Session, query: Any, page: int, per_page: int) -> tuple[list[Any], int, int]:
    """The rows of page `page` of `query` (moved into 1..last), the total and the page given."""
    total = _count(session, query)
    window = paginate(total, page, per_page)
    return list(session.exec(query.offset(window.offset).limit(per_page)).all()), total, window.number


def _count(session: Session, query: Any) -> int:
    return session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()


def _received(session: Session, user: User, page: int) -> Section[InquiryRow]:
    found, total, page = _page(session, _pending_first(_received_query(user)), page, LIST_LIMIT)
    return Section(_rows_with_counts(session, found, user), total, page, LIST_LIMIT)


def _sent(session: Session, user: User, page: int) -> Section[InquiryRow]:
    query = _pending_first(select(Inquiry).where(Inquiry.sender_org_id == user.organization_id))
    found, total, page = _page(session, query, page, LIST_LIMIT)
    return Section(_rows_with_counts(session, found, user), total, page, LIST_LIMIT)


def _rows_with_counts(session: Session, found: list[Inquiry], user: User) -> list[InquiryRow]:
    """The inquiries' cards, each with how many messages its thread holds (one query for the page)."""
    counted = inquiry_messages.counts(session, (i.id for i in found))
    return [replace(inquiry_row(session, i, user), messages=counted.get(i.id or 0, 0)) for i in found]


def _received_query(user: User) -> Any:
    """Inquiries to the user's organization (to them alone when addressed to them as an expert)."""
    to_me = or_(col(Inquiry.listing_kind) != "expert", Inquiry.listing_id == user.id)
    return select(Inquiry).where(Inquiry.recipient_org_id == user.organization_id, to_me)


def _pending_first(query: Any) -> Any:
    """Waiting inquiries first, then newest first (the id settles ties, so pages neither skip nor repeat)."""
    pending_last = col(Inquiry.status) != InquiryStatus.PENDING
    return query.order_by(pending_last, col(Inquiry.created_at).desc(), col(Inquiry.id).desc())


def _listings(session: Session, user: User, page: int) -> Section[tuple[str, Offer | Need, ListingRevision | None]]:
    """The organization's offers and needs in one list, most recently changed first, each with its
    changes waiting for (or sent back by) the Department, if any."""
    keys = union_all(
        *(
            select(
                literal(kind, String).label("kind"), col(model.id).label("id"), col(model.updated_at).label("at")
            ).where(model.organization_id == user.organization_id)
            for kind, model in LISTING_MODELS.items()
        )
    ).subquery()
    query = select(keys.c.kind, keys.c.id).order_by(keys.c.at.desc(), keys.c.kind, keys.c.id.desc())
    found, total, page = _page(session, query, page, LIST_LIMIT)
    loaded: dict[tuple[str, int | None], Offer | Need] = {}
    for kind, model in LISTING_MODELS.items():
        ids = [i for k, i in found if k == kind]
        rows = session.exec(select(model).where(col(model.id).in_(ids))).all() if ids else []
        for listing in cast(list[Offer | Need], rows):
            loaded[(kind, listing.id)] = listing
    revisions = {
        (r.listing_kind, r.listing_id): r
        for kind in LISTING_MODELS
        for r in session.exec(
            select(ListingRevision).where(
                ListingRevision.listing_kind == kind,
                col(ListingRevision.listing_id).in_([i for k, i in found if k == kind]),
            )
        )
    }
    shown = [(k, loaded[(k, i)], revisions.get((k, i))) for k, i in found if (k, i) in loaded]
    return Section(shown, total, page, LIST_LIMIT)


def _notifications(session: Session, user: User, page: int) -> Section[Notification]:
    assert user.id is not None
    found, total, page = _page(session, notifications.newest_first(user.id), page, NOTICE_LIMIT)
    return Section(found, total, page, NOTICE_LIMIT)


def inquiry_row(session: Session, inquiry: Inquiry, viewer: User) -> InquiryRow:
    """The inquiry with what its card shows this viewer."""
    subject = inquiries.subject_of(session, inquiry.listing_kind, inquiry.listing_id, open_only=False)
    pending = inquiry.status == InquiryStatus.PENDING
    return InquiryRow(
        inquiry=inquiry, subject=subject,
        sender_org=session.get(Organization, inquiry.sender_org_id) if inquiry.sender_org_id else None,
        recipient_org=session.get(Organization, inquiry.recipient_org_id),
        contacts=inquiries.contacts(session, inquiry, viewer),
        can_answer=pending and inquiries.is_recipient(viewer, inquiry),
        can_withdraw=pending and inquiry.sender_id == viewer.id,
        waited_days=_days(inquiry.created_at, inquiry.answered_at or utcnow()),
        collaboration_id=_deal_of(session, inquiry),
    )  # fmt: skip


def _deal_of(session: Session, inquiry: Inquiry) -> int | None:
    """The collaboration an accepted inquiry opened."""
    if inquiry.status != InquiryStatus.ACCEPTED:
        return None
    return session.exec(select(Collaboration.id).where(Collaboration.inquiry_id == inquiry.id)).first()


def row_for(session: Session, inquiry_id: int, viewer: User) -> InquiryRow:
    """One inquiry's card for a viewer who is one of its sides (else NotFound)."""
    return inquiry_row(session, inquiries.get_for_party(session, inquiry_id, viewer), viewer)


def latest_about(session: Session, user: User | None, kind: str, target_id: int) -> Inquiry | None:
    """The newest pending or accepted inquiry of the user's organization about a listing or expert."""
    if user is None or user.organization_id is None:
        return None
    query = (
        select(Inquiry)
        .where(
            Inquiry.sender_org_id == user.organization_id,
            Inquiry.listing_kind == kind,
            Inquiry.listing_id == target_id,
            col(Inquiry.status).in_([InquiryStatus.PENDING, InquiryStatus.ACCEPTED]),
        )
        .order_by(col(Inquiry.created_at).desc())
    )
    return session.exec(query).first()


def _proposals(session: Session, user: User, page: int) -> Section[ProposalRow]:
    """New proposals for the organization's listings, and for the user as an expert, best first."""
    org_id = user.organization_id
    need_is_mine = col(MatchProposal.need_id).in_(select(Need.id).where(Need.organization_id == org_id))
    mine = or_(
        need_is_mine,
        col(MatchProposal.offer_id).in_(select(Offer.id).where(Offer.organization_id == org_id)),
        MatchProposal.expert_id == user.id,
    )
    # The partner must still be open to inquiries (as `inquiries.subject_of` checks), so totals match the rows.
    partner_open = or_(
        and_(
            need_is_mine,
            or_(
                col(MatchProposal.offer_id).in_(inquiries.open_ids("offer")),
                col(MatchProposal.expert_id).in_(inquiries.open_ids("expert")),
            ),
        ),
        and_(not_(need_is_mine), col(MatchProposal.need_id).in_(inquiries.open_ids("need"))),
    )
    query = (
        select(MatchProposal)
        .where(mine, partner_open, MatchProposal.status == ProposalStatus.NEW)
        .order_by(col(MatchProposal.score).desc(), col(MatchProposal.id))
    )
    found, total, page = _page(session, query, page, PROPOSAL_LIMIT)
    rows = [row for p in found if (row := _proposal_row(session, p, org_id or 0)) is not None]
    return Section(rows, total, page, PROPOSAL_LIMIT)


def _proposal_row(session: Session, proposal: MatchProposal, org_id: int) -> ProposalRow | None:
    """Which side is mine and which is the partner's; None when the partner is no longer visible."""
    other = ("offer", proposal.offer_id) if proposal.offer_id else ("expert", proposal.expert_id)
    try:
        need = inquiries.subject_of(session, "need", proposal.need_id, open_only=False)
        if need.organization_id == org_id:
            return ProposalRow(proposal, need, inquiries.subject_of(session, other[0], other[1] or 0))
        mine = inquiries.subject_of(session, other[0], other[1] or 0, open_only=False)
        return ProposalRow(proposal, mine, inquiries.subject_of(session, "need", proposal.need_id))
    except NotFound:
        return None


def _collaborations(session: Session, user: User, page: int) -> Section[DealRow]:
    org_id = user.organization_id or 0
    deals, total, page = _page(session, collaborations.of_organization_query(org_id), page, LIST_LIMIT)
    ids = {d.seeker_org_id if d.provider_org_id == org_id else d.provider_org_id for d in deals}
    orgs = {o.id: o for o in session.exec(select(Organization).where(col(Organization.id).in_(ids)))} if ids else {}
    rows = [DealRow(d, orgs.get(d.seeker_org_id if d.provider_org_id == org_id else d.provider_org_id)) for d in deals]
    return Section(rows, total, page, LIST_LIMIT)


SECTIONS: dict[str, Callable[[Session, User, int], Section[Any]]] = {
    "received": _received,
    "sent": _sent,
    "listings": _listings,
    "proposals": _proposals,
    "collaborations": _collaborations,
    "notifications": _notifications,
}


def _days(start: datetime, end: datetime) -> int:
    """Whole days from `start` to `end` (naive values are UTC, as SQLite returns them)."""
    return max(0, (aware(end) - aware(start)).days)
