"""My exchange (/me): a member's listings, proposals, inquiries, collaborations and notices, in one read."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session, col, or_, select

from marketplace import collaborations, inquiries, notifications
from marketplace.errors import NotFound
from marketplace.inquiries import Contact, Subject
from marketplace.models import (
    Collaboration,
    Inquiry,
    InquiryStatus,
    MatchProposal,
    Need,
    Notification,
    Offer,
    Organization,
    ProposalStatus,
    User,
)
from marketplace.models._base import utcnow

LIST_LIMIT = 50
PROPOSAL_LIMIT = 20


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
    listings: list[tuple[str, Offer | Need]] = field(default_factory=list)
    proposals: list[ProposalRow] = field(default_factory=list)
    received: list[InquiryRow] = field(default_factory=list)
    sent: list[InquiryRow] = field(default_factory=list)
    deals: list[DealRow] = field(default_factory=list)
    notices: list[Notification] = field(default_factory=list)


def overview(session: Session, user: User) -> Workspace:
    """Everything /me shows for `user`."""
    assert user.id is not None
    space = Workspace(notices=notifications.recent(session, user.id))
    org_id = user.organization_id
    if org_id is None:
        return space
    offers = _of_org(session, Offer, org_id)
    needs = _of_org(session, Need, org_id)
    space.listings = sorted(
        [("offer", o) for o in offers] + [("need", n) for n in needs],
        key=lambda pair: _aware(pair[1].updated_at),
        reverse=True,
    )
    space.proposals = proposals_for(session, user, offers, needs)
    space.received = [inquiry_row(session, i, user) for i in received(session, user)]
    space.sent = [inquiry_row(session, i, user) for i in sent(session, org_id)]
    space.deals = _deals(session, org_id)
    return space


def _of_org(session: Session, model: type[Offer] | type[Need], org_id: int) -> list:  # type: ignore[type-arg]
    query = select(model).where(model.organization_id == org_id).order_by(col(model.updated_at).desc())
    return list(session.exec(query.limit(LIST_LIMIT)).all())


def received(session: Session, user: User) -> list[Inquiry]:
    """Inquiries to the user's organization (to them alone when addressed to them as an expert), pending first."""
    to_me = or_(col(Inquiry.listing_kind) != "expert", Inquiry.listing_id == user.id)
    query = select(Inquiry).where(Inquiry.recipient_org_id == user.organization_id, to_me)
    return _pending_first(session, query)


def sent(session: Session, org_id: int) -> list[Inquiry]:
    """Inquiries the organization sent, pending first."""
    return _pending_first(session, select(Inquiry).where(Inquiry.sender_org_id == org_id))


def _pending_first(session: Session, query):  # type: ignore[no-untyped-def]
    query = query.order_by(col(Inquiry.status) != InquiryStatus.PENDING, col(Inquiry.created_at).desc())
    return list(session.exec(query.limit(LIST_LIMIT)).all())


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


def proposals_for(session: Session, user: User, offers: list[Offer], needs: list[Need]) -> list[ProposalRow]:
    """New proposals for the organization's listings, and for the user as an expert, best first."""
    offer_ids, need_ids = [o.id for o in offers], [n.id for n in needs]
    mine = or_(
        col(MatchProposal.offer_id).in_(offer_ids),
        col(MatchProposal.need_id).in_(need_ids),
        MatchProposal.expert_id == user.id,
    )
    query = (
        select(MatchProposal)
        .where(mine, MatchProposal.status == ProposalStatus.NEW)
        .order_by(col(MatchProposal.score).desc())
        .limit(PROPOSAL_LIMIT)
    )
    rows = []
    for proposal in session.exec(query).all():
        row = _proposal_row(session, proposal, set(offer_ids), set(need_ids))
        if row is not None:
            rows.append(row)
    return rows


def _proposal_row(session: Session, proposal: MatchProposal, offer_ids: set, need_ids: set) -> ProposalRow | None:  # type: ignore[type-arg]
    """Which side is mine and which is the partner's; None when the partner is no longer visible."""
    mine: tuple[str, int | None]
    partner: tuple[str, int | None]
    if proposal.need_id in need_ids:
        mine = ("need", proposal.need_id)
        partner = ("offer", proposal.offer_id) if proposal.offer_id else ("expert", proposal.expert_id)
    else:
        mine = ("offer", proposal.offer_id) if proposal.offer_id in offer_ids else ("expert", proposal.expert_id)
        partner = ("need", proposal.need_id)
    try:
        return ProposalRow(
            proposal,
            inquiries.subject_of(session, mine[0], mine[1] or 0, open_only=False),
            inquiries.subject_of(session, partner[0], partner[1] or 0),
        )
    except NotFound:
        return None


def _deals(session: Session, org_id: int) -> list[DealRow]:
    deals = collaborations.of_organization(session, org_id)
    ids = {d.seeker_org_id if d.provider_org_id == org_id else d.provider_org_id for d in deals}
    orgs = {o.id: o for o in session.exec(select(Organization).where(col(Organization.id).in_(ids)))} if ids else {}
    return [DealRow(d, orgs.get(d.seeker_org_id if d.provider_org_id == org_id else d.provider_org_id)) for d in deals]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _days(start: datetime, end: datetime) -> int:
    """Whole days from `start` to `end` (naive values are UTC, as SQLite returns them)."""
    return max(0, (_aware(end) - _aware(start)).days)
