"""What owners see and do with match proposals: each side's view, accepting with a message, dismissing.

Either side of a proposal answers it: members of the need's or the offer's organization, or the
researcher proposed as an expert. Accepting sends an inquiry (the inquiry form's rules apply to its
message); dismissing keeps the reason for the Department. Either way the pair is never proposed again.
"""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from marketplace import audit, form_tokens, inquiries, validation
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.i18n import N_, Msg
from marketplace.matchmaking import RULES
from marketplace.models import Inquiry, Need, Offer, ProposalStatus, User
from marketplace.models._base import utcnow
from marketplace.models.deals import MatchProposal

Listing = Offer | Need


@dataclass
class ProposalView:
    """A stored proposal as one side sees it: the partner, the strength, and the reader's own side."""

    proposal: MatchProposal
    partner_kind: str  # "offer", "need" or "expert"
    partner: Any
    strength: str  # "strong", "good", "possible"
    mine_kind: str = ""  # "offer", "need" or "expert" (the reader proposed as an expert)
    mine: Any = None


# The editable message an accepted proposal starts from, by (the reader's side, the partner's side).
DEFAULT_MESSAGES = {
    ("need", "offer"): N_(
        "Hello, the Hue Innovation Exchange proposed your offer “%(partner)s” as a match for our need “%(mine)s”. "
        "We would like to learn more about it and discuss how we could work together. "
        "We look forward to hearing from you."
    ),
    ("offer", "need"): N_(
        "Hello, the Hue Innovation Exchange proposed our offer “%(mine)s” as a match for your need “%(partner)s”. "
        "We would be glad to present it to you and discuss how we could work together. "
        "We look forward to hearing from you."
    ),
    ("need", "expert"): N_(
        "Dear %(partner)s, the Hue Innovation Exchange proposed you as an expert for our need “%(mine)s”. "
        "We would be grateful for your advice and would like to discuss how we could work together. "
        "We look forward to hearing from you."
    ),
    ("expert", "need"): N_(
        "Hello, I am %(mine)s. The Hue Innovation Exchange proposed me as an expert for your need “%(partner)s”. "
        "I would be glad to discuss how my work could help. I look forward to hearing from you."
    ),
}


def strength_of(score: float) -> str:
    """A plain-language strength for a score (thresholds read off the demo data's score spread)."""
    return "strong" if score >= 0.30 else "good" if score >= 0.15 else "possible"


def for_listing(session: Session, listing: Listing, user: User | None) -> list[ProposalView]:
    """The new proposals of a listing, best first, for members of its organization and staff only."""
    if user is None or not (user.is_staff or user.organization_id == listing.organization_id):
        return []
    own = MatchProposal.offer_id if isinstance(listing, Offer) else MatchProposal.need_id
    rows = session.exec(
        select(MatchProposal)
        .where(own == listing.id, MatchProposal.status == ProposalStatus.NEW)
        .order_by(col(MatchProposal.score).desc())
    ).all()
    views = []
    for proposal in rows:
        kind, partner = _partner(session, listing, proposal)
        if partner is not None:
            views.append(ProposalView(proposal, kind, partner, strength_of(proposal.score)))
    return views[: 2 * RULES.per_listing]


def _partner(session: Session, listing: Listing, proposal: MatchProposal) -> tuple[str, Any]:
    if isinstance(listing, Offer):
        return "need", session.get(Need, proposal.need_id)
    if proposal.offer_id is not None:
        return "offer", session.get(Offer, proposal.offer_id)
    return "expert", session.get(User, proposal.expert_id)


def _side_of(session: Session, proposal: MatchProposal, user: User) -> tuple[str, Any] | None:
    """The user's own side of a proposal: their organization's listing, or themselves as the expert."""
    need = session.get(Need, proposal.need_id)
    offer = session.get(Offer, proposal.offer_id) if proposal.offer_id else None
    org_id = user.organization_id
    if need is not None and org_id is not None and org_id == need.organization_id:
        return "need", need
    if offer is not None and org_id is not None and org_id == offer.organization_id:
        return "offer", offer
    if proposal.expert_id is not None and proposal.expert_id == user.id:
        return "expert", user
    return None


def view_for(session: Session, proposal_id: int, user: User) -> ProposalView:
    """The proposal as the user's side sees it; only members of a listing's organization or the expert."""
    proposal = session.get(MatchProposal, proposal_id)
    if proposal is None:
        raise NotFound()
    side = _side_of(session, proposal, user)
    if side is None:
        raise Forbidden(Msg("Only the owners of the listing can answer this proposal."))
    mine_kind, mine = side
    if mine_kind == "need":
        partner_kind, partner = _partner(session, mine, proposal)
    else:
        partner_kind, partner = "need", session.get(Need, proposal.need_id)
    if partner is None:
        raise NotFound()
    return ProposalView(proposal, partner_kind, partner, strength_of(proposal.score), mine_kind, mine)


def _decidable(session: Session, proposal_id: int, user: User) -> ProposalView:
    """The proposal as `view_for` sees it, if it still waits for an answer (else Conflict)."""
    view = view_for(session, proposal_id, user)
    if view.proposal.status != ProposalStatus.NEW:
        raise Conflict(Msg("This proposal has already been answered."), current=view.proposal)
    return view


def name_of(kind: str, record: Any) -> str:
    """A listing's title, or an expert's name."""
    return str(record.full_name if kind == "expert" else record.title)


def default_message(view: ProposalView) -> str:
    """The polite message an acceptance starts from, naming both sides, in the reader's language."""
    msgid = DEFAULT_MESSAGES[(view.mine_kind, view.partner_kind)]
    return str(Msg(msgid, mine=name_of(view.mine_kind, view.mine), partner=name_of(view.partner_kind, view.partner)))


def accept(
    session: Session, proposal_id: int, user: User, message: str | None = None, *, token: object = None
) -> Inquiry:
    """Accept a proposal: an inquiry with `message` (None: the default one) goes to the other side; returns it.

    The inquiry form's rules apply to the message. Sending the same form twice (same one-time `token`)
    returns the inquiry the first send created.
    """
    spent = form_tokens.usable(token)
    earlier = form_tokens.created_by(session, spent, user_id=user.id, entity="inquiry")
    if earlier is not None and (found := session.get(Inquiry, earlier)) is not None:
        return found
    view = _decidable(session, proposal_id, user)
    text = default_message(view) if message is None else message
    inquiry = inquiries.send_inquiry(
        session,
        sender=user,
        listing_kind=view.partner_kind,
        listing_id=view.partner.id,
        message=text,
        proposal_id=proposal_id,
    )
    form_tokens.spend(session, spent, user_id=user.id, entity="inquiry", entity_id=inquiry.id or 0)
    proposal = view.proposal
    proposal.status, proposal.decided_by_id, proposal.updated_at = ProposalStatus.ACCEPTED, user.id, utcnow()
    audit.record(session, actor_id=user.id, action="accept_proposal", entity="matchproposal", entity_id=proposal.id)
    session.commit()
    return inquiry


def inquiry_of(session: Session, proposal: MatchProposal) -> Inquiry | None:
    """The inquiry an accepted proposal sent, if any."""
    return session.exec(select(Inquiry).where(Inquiry.proposal_id == proposal.id).order_by(col(Inquiry.id))).first()


def dismiss(session: Session, proposal_id: int, user: User, reason: str) -> MatchProposal:
    """Dismiss a proposal with a reason (kept for the Department); the pair is never proposed again."""
    errors: validation.Errors = {}
    text = validation.text(errors, {"reason": reason}, "reason", max_len=1000, min_len=3)
    validation.raise_if(errors)
    proposal = _decidable(session, proposal_id, user).proposal
    proposal.status, proposal.dismiss_reason = ProposalStatus.DISMISSED, text
    proposal.decided_by_id, proposal.updated_at = user.id, utcnow()
    audit.record(
        session, actor_id=user.id, action="dismiss_proposal", entity="matchproposal", entity_id=proposal.id, reason=text
    )
    session.commit()
    return proposal
