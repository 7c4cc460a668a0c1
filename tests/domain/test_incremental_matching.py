"""A listing gets its partner proposals the moment it is published, without any batch run."""

from sqlmodel import Session, select

from marketplace import listing_review, matchmaking
from marketplace.models import MatchProposal
from tests.builders import make_need, make_offer, make_org, make_user


def test_approving_a_need_proposes_partners_at_once(db: Session) -> None:
    matchmaking.clear_cache()
    offer = make_offer(db)
    need = make_need(db, status="submitted", published_at=None)
    staff = make_user(db, role="staff")
    listing_review.approve_listing(db, staff, need, version=need.version)
    assert db.exec(select(MatchProposal.offer_id).where(MatchProposal.need_id == need.id)).all() == [offer.id]


def test_archiving_an_offer_withdraws_its_proposals(db: Session) -> None:
    from marketplace import publishing

    matchmaking.clear_cache()
    institute = make_org(db)
    offer = make_offer(db, institute)
    need = make_need(db)
    publishing.after_listing_change(db, "need", need.id)
    assert db.exec(select(MatchProposal).where(MatchProposal.offer_id == offer.id)).all()
    owner = make_user(db, institute)
    publishing.archive_listing(db, owner, offer)
    assert db.exec(select(MatchProposal).where(MatchProposal.offer_id == offer.id)).all() == []
