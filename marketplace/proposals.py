"""Match proposals: computed when a listing changes; owners answer them (`proposal_answers`, re-exported).

A proposal pairs a need with an offer or with a researcher (expert). Accepted and dismissed
proposals are never recomputed away: a dismissed pair is never proposed again.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from marketplace import matchmaking
from marketplace.matchmaking import RULES
from marketplace.models import Need, Offer, ProposalStatus, User
from marketplace.models._base import utcnow
from marketplace.models.deals import MatchProposal
from marketplace.proposal_answers import ProposalView as ProposalView
from marketplace.proposal_answers import accept as accept
from marketplace.proposal_answers import dismiss as dismiss
from marketplace.proposal_answers import for_listing as for_listing

Listing = Offer | Need


@dataclass
class Changes:
    """What a recomputation did, for the operator."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    listings: int = 0
    without_terms: list[str] = field(default_factory=list)

    def merge(self, other: "Changes") -> None:
        self.added += other.added
        self.updated += other.updated
        self.removed += other.removed
        self.unchanged += other.unchanged
        self.listings += other.listings
        self.without_terms += other.without_terms


@dataclass(frozen=True)
class Candidate:
    """A partner for a listing: the other side's id, the score after the rules, its matcher index."""

    target_id: int
    score: float
    index: int
    trl_below_minimum: bool = False


def _decided_pairs(session: Session, listing: Listing) -> set[tuple[int, int | None, int | None]]:
    """Pairs of this listing that someone accepted or dismissed: never proposed again."""
    column = MatchProposal.offer_id if isinstance(listing, Offer) else MatchProposal.need_id
    rows = session.exec(select(MatchProposal).where(column == listing.id, MatchProposal.status != ProposalStatus.NEW))
    return {(p.need_id, p.offer_id, p.expert_id) for p in rows}


def candidates_for(session: Session, listing: Listing, side: str) -> list[Candidate]:
    """The best partners of `side` for a published listing after the rules, best first (not yet explained)."""
    if listing.status != "published" or not matchmaking.has_usable_terms(listing):
        return []
    ranked = matchmaking.rank(session, side, matchmaking.record_of(listing), RULES.candidates)
    targets = _targets(session, side, [target_id for target_id, _, _ in ranked])
    decided = _decided_pairs(session, listing)
    found: list[Candidate] = []
    for target_id, score, index in ranked:
        target = targets.get(target_id)
        if target is None or _organization_of(target) == listing.organization_id:
            continue  # never propose a partner from the same organization
        if _pair(listing, side, target_id) in decided:
            continue
        below = _below_minimum_trl(listing, target)
        score *= RULES.below_trl_factor if below else 1.0
        score *= RULES.same_sector_boost if getattr(target, "sector_code", None) == listing.sector_code else 1.0
        if score >= RULES.min_score:
            found.append(Candidate(target_id, round(min(score, 1.0), 4), index, below))
    found.sort(key=lambda c: c.score, reverse=True)
    return found[: RULES.per_listing]


def _targets(session: Session, side: str, ids: list[int]) -> dict[int, Any]:
    model: Any = {"offers": Offer, "needs": Need, "experts": User}[side]
    return {t.id: t for t in session.exec(select(model).where(col(model.id).in_(ids))).all()} if ids else {}


def _organization_of(target: Any) -> int | None:
    return target.organization_id


def _pair(listing: Listing, side: str, target_id: int) -> tuple[int, int | None, int | None]:
    if isinstance(listing, Offer):
        return (target_id, listing.id, None)
    return (listing.id, target_id, None) if side == "offers" else (listing.id, None, target_id)  # type: ignore[return-value]


def _below_minimum_trl(listing: Listing, target: Any) -> bool:
    offer, need = (listing, target) if isinstance(listing, Offer) else (target, listing)
    return (
        isinstance(offer, Offer) and isinstance(need, Need) and bool(need.min_trl) and offer.trl < (need.min_trl or 0)
    )


def sides_for(listing: Listing) -> tuple[str, ...]:
    return ("needs",) if isinstance(listing, Offer) else ("offers", "experts")


def refresh_listing(session: Session, listing: Listing) -> Changes:
    """Recompute and store the proposals of one listing (after it was published or edited); commits."""
    changes = Changes(listings=1)
    if listing.status == "published" and not matchmaking.has_usable_terms(listing):
        changes.without_terms.append(listing.key or str(listing.id))
    for side in sides_for(listing):
        changes.merge(_store(session, listing, side, candidates_for(session, listing, side)))
    session.commit()
    return changes


def _store(session: Session, listing: Listing, side: str, found: list[Candidate]) -> Changes:
    """Write the listing's best candidates; terms are explained only for new or changed pairs."""
    changes = Changes()
    origin = "offer" if isinstance(listing, Offer) else "need"
    own = MatchProposal.offer_id if isinstance(listing, Offer) else MatchProposal.need_id
    other = {"needs": MatchProposal.need_id, "offers": MatchProposal.offer_id, "experts": MatchProposal.expert_id}[side]
    existing = {
        (p.need_id, p.offer_id, p.expert_id): p
        for p in session.exec(
            select(MatchProposal).where(
                own == listing.id, col(other).is_not(None), MatchProposal.status == ProposalStatus.NEW
            )
        )
    }
    query = matchmaking.record_of(listing)
    for candidate in found:
        pair = _pair(listing, side, candidate.target_id)
        proposal = existing.get(pair)
        if proposal is None:
            terms = matchmaking.explain(session, side, query, candidate.index)
            session.add(
                MatchProposal(
                    need_id=pair[0],
                    offer_id=pair[1],
                    expert_id=pair[2],
                    score=candidate.score,
                    terms=terms,
                    trl_below_minimum=candidate.trl_below_minimum,
                    matcher_version=matchmaking.VERSION,
                    scored_from=origin,
                )
            )
            changes.added += 1
        elif proposal.score != candidate.score and (proposal.scored_from == origin or candidate.score > proposal.score):
            # A pair found from both sides keeps the higher side's score, so repeated runs settle.
            proposal.terms = matchmaking.explain(session, side, query, candidate.index)
            proposal.score, proposal.scored_from, proposal.updated_at = candidate.score, origin, utcnow()
            proposal.trl_below_minimum, proposal.matcher_version = candidate.trl_below_minimum, matchmaking.VERSION
            changes.updated += 1
        elif proposal.matcher_version != matchmaking.VERSION:  # explained by an older matcher: explain again
            proposal.terms = matchmaking.explain(session, side, query, candidate.index)
            proposal.matcher_version, proposal.updated_at = matchmaking.VERSION, utcnow()
            changes.updated += 1
        else:
            changes.unchanged += 1
    kept = {_pair(listing, side, c.target_id) for c in found}
    # This side withdraws only what it proposed itself; an unpublished listing withdraws everything.
    stale = [
        p.id
        for pair, p in existing.items()
        if pair not in kept and (p.scored_from == origin or listing.status != "published")
    ]
    if stale:
        session.exec(delete(MatchProposal).where(col(MatchProposal.id).in_(stale)))  # type: ignore[call-overload]
    changes.removed += len(stale)
    session.flush()
    return changes


def refresh_expert(session: Session, profile: Any) -> Changes:
    """After a researcher's expertise changed: re-propose experts for the needs that now fit them; commits."""
    changes = Changes()
    ranked = matchmaking.rank(session, "needs", matchmaking.expert_record(profile), RULES.per_listing * 2)
    current = {p.need_id for p in session.exec(select(MatchProposal).where(MatchProposal.expert_id == profile.user_id))}
    for need_id in dict.fromkeys([need_id for need_id, _, _ in ranked] + sorted(current)):
        need = session.get(Need, need_id)
        if need is not None:
            changes.merge(_store(session, need, "experts", candidates_for(session, need, "experts")))
    session.commit()
    return changes


def recompute_all(session: Session, progress: Callable[[Iterable[Any]], Iterable[Any]] = lambda x: x) -> Changes:
    """Recompute every listing's proposals (the `match` command); one short transaction per listing."""
    total = Changes()
    ids = [("offer", i) for i in session.exec(select(Offer.id)).all()] + [
        ("need", i) for i in session.exec(select(Need.id)).all()
    ]
    with matchmaking.pinned():
        for kind, listing_id in progress(ids):
            listing: Listing | None = (
                session.get(Offer, listing_id) if kind == "offer" else session.get(Need, listing_id)
            )
            if listing is not None:
                total.merge(refresh_listing(session, listing))
    return total


def similar_offers(session: Session, offer: Offer, k: int = 4) -> list[Offer]:
    """Published offers most like this one (for enterprise readers comparing technologies)."""
    if not matchmaking.has_usable_terms(offer):
        return []
    ranked = matchmaking.rank(session, "offers", matchmaking.offer_record(offer), k + 1)
    ids = [target_id for target_id, score, _ in ranked if target_id != offer.id and score >= RULES.min_score][:k]
    found = _targets(session, "offers", ids)
    return [found[i] for i in ids if i in found]
