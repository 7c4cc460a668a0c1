"""Match proposals: the rules on top of similarity, and what owners can do with them."""

import pytest
from sqlmodel import Session, select

from marketplace import glossary, matchmaking, proposals
from marketplace.errors import Conflict, Forbidden, Invalid
from marketplace.models import ExpertiseProfile, Inquiry, MatchProposal
from tests.builders import make_need, make_offer, make_org, make_user
from tests.conftest import SEED_DIR


@pytest.fixture(autouse=True)
def fresh_matcher_cache() -> None:
    matchmaking.clear_cache()


def cajeput_pair(db: Session, **need_overrides: object):  # type: ignore[no-untyped-def]
    institute = make_org(db, name_vi="Viện Hóa học")
    company = make_org(db, kind="enterprise", name_vi="Công ty TNHH Tinh dầu Phú Lộc")
    offer = make_offer(db, institute)
    make_offer(
        db,
        institute,
        title="Phần mềm quản lý lịch hẹn khám bệnh",
        summary="Đặt lịch khám trực tuyến cho bệnh viện.",
        description="Ứng dụng di động đặt lịch, nhắc lịch và thanh toán viện phí.",
        keywords=["đặt lịch", "bệnh viện"],
        sector_code="digital",
    )
    need = make_need(db, company, **need_overrides)
    return institute, company, offer, need


def test_a_published_need_is_proposed_the_offer_that_answers_it(db: Session) -> None:
    _, _, offer, need = cajeput_pair(db)
    changes = proposals.refresh_listing(db, need)
    stored = db.exec(select(MatchProposal).where(MatchProposal.need_id == need.id)).all()
    assert changes.added >= 1
    assert stored[0].offer_id == offer.id
    assert any("tràm" in term for term in stored[0].terms)  # explained in readable, accented form
    assert stored[0].matcher_version == matchmaking.VERSION


def test_a_proposal_explained_by_an_older_matcher_is_explained_again(db: Session) -> None:
    _, _, offer, need = cajeput_pair(db)
    proposals.refresh_listing(db, need)
    stored = db.exec(select(MatchProposal).where(MatchProposal.need_id == need.id)).one()
    stored.terms, stored.matcher_version = ["chăm sóc hỗ", "liệu"], "tfidf-2"
    db.commit()
    changes = proposals.refresh_listing(db, need)
    db.refresh(stored)
    assert changes.updated == 1
    assert stored.matcher_version == matchmaking.VERSION
    assert "liệu" not in stored.terms and any("tràm" in term for term in stored.terms)
    assert proposals.refresh_listing(db, need).updated == 0  # and then it settles


def test_an_accent_free_need_still_finds_the_accented_offer(db: Session) -> None:
    _, _, offer, need = cajeput_pair(
        db,
        title="Can on dinh chat luong dau tram",
        keywords=["dau tram"],
        problem="Lo dau tram khong dat ham luong cineole, khach tra hang.",
    )
    proposals.refresh_listing(db, need)
    assert db.exec(select(MatchProposal.offer_id).where(MatchProposal.need_id == need.id)).first() == offer.id


def test_a_listing_of_the_same_organization_is_never_proposed(db: Session) -> None:
    institute = make_org(db)
    make_offer(db, institute)
    need = make_need(db, institute)
    proposals.refresh_listing(db, need)
    assert (
        db.exec(
            select(MatchProposal).where(MatchProposal.need_id == need.id, MatchProposal.offer_id.is_not(None))
        ).all()
        == []
    )


def test_unpublished_offers_are_never_proposed(db: Session) -> None:
    institute = make_org(db)
    make_offer(db, institute, status="archived")
    make_offer(db, institute, status="expired")
    need = make_need(db)
    proposals.refresh_listing(db, need)
    assert db.exec(select(MatchProposal).where(MatchProposal.offer_id.is_not(None))).all() == []


def test_an_offer_below_the_minimum_trl_is_marked(db: Session) -> None:
    _, _, offer, need = cajeput_pair(db, min_trl=8)
    proposals.refresh_listing(db, need)
    proposal = db.exec(select(MatchProposal).where(MatchProposal.offer_id == offer.id)).one()
    assert proposal.trl_below_minimum


def test_a_dismissed_pair_is_never_proposed_again(db: Session) -> None:
    _, company, offer, need = cajeput_pair(db)
    proposals.refresh_listing(db, need)
    proposal = db.exec(select(MatchProposal).where(MatchProposal.offer_id == offer.id)).one()
    proposals.dismiss(db, proposal.id, make_user(db, company, role="enterprise"), "Chúng tôi đã có quy trình tương tự.")
    proposals.refresh_listing(db, need)
    proposals.refresh_listing(db, offer)
    rows = db.exec(select(MatchProposal).where(MatchProposal.offer_id == offer.id)).all()
    assert [(r.status, r.dismiss_reason) for r in rows] == [("dismissed", "Chúng tôi đã có quy trình tương tự.")]


def test_dismissing_needs_a_reason(db: Session) -> None:
    _, company, offer, need = cajeput_pair(db)
    proposals.refresh_listing(db, need)
    proposal = db.exec(select(MatchProposal).where(MatchProposal.offer_id == offer.id)).one()
    with pytest.raises(Invalid) as raised:
        proposals.dismiss(db, proposal.id, make_user(db, company, role="enterprise"), "  ")
    assert "reason" in raised.value.errors


def test_accepting_sends_an_inquiry_to_the_other_side(db: Session) -> None:
    institute, company, offer, need = cajeput_pair(db)
    proposals.refresh_listing(db, need)
    proposal = db.exec(select(MatchProposal).where(MatchProposal.offer_id == offer.id)).one()
    buyer = make_user(db, company, role="enterprise")
    inquiry = proposals.accept(db, proposal.id, buyer)
    stored = db.get(Inquiry, inquiry.id)
    assert (stored.listing_kind, stored.listing_id, stored.recipient_org_id) == ("offer", offer.id, institute.id)
    assert stored.proposal_id == proposal.id and db.get(MatchProposal, proposal.id).status == "accepted"
    with pytest.raises(Conflict):
        proposals.accept(db, proposal.id, buyer)


def test_only_the_owners_may_answer_a_proposal(db: Session) -> None:
    _, _, offer, need = cajeput_pair(db)
    proposals.refresh_listing(db, need)
    proposal = db.exec(select(MatchProposal).where(MatchProposal.offer_id == offer.id)).one()
    with pytest.raises(Forbidden):
        proposals.accept(db, proposal.id, make_user(db))
    assert proposals.for_listing(db, need, make_user(db)) == []


def test_a_need_is_proposed_researchers_from_their_expertise(db: Session) -> None:
    expert = make_user(db, make_org(db, name_vi="Trường Đại học Y - Dược"), full_name="PGS.TS. Lê Văn Tràm")
    db.add(
        ExpertiseProfile(
            user_id=expert.id,
            keywords=["tinh dầu tràm", "chưng cất", "GC-MS", "cineole"],
            publications=["Thành phần hóa học tinh dầu tràm gió Phú Lộc (2023)"],
        )
    )
    db.commit()
    need = make_need(db)
    proposals.refresh_listing(db, need)
    assert db.exec(
        select(MatchProposal.expert_id).where(MatchProposal.need_id == need.id, MatchProposal.expert_id.is_not(None))
    ).all() == [expert.id]


def test_a_listing_without_usable_words_gets_no_proposals(db: Session) -> None:
    make_offer(db)
    need = make_need(db, title="🌿🌿🌿", problem="!!!", desired_outcome="", keywords=[])
    changes = proposals.refresh_listing(db, need)
    assert changes.added == 0 and changes.without_terms
    assert not matchmaking.has_usable_terms(need)


def test_running_the_batch_twice_changes_nothing_the_second_time(db: Session) -> None:
    cajeput_pair(db)
    first = proposals.recompute_all(db)
    second = proposals.recompute_all(db)
    assert first.added > 0
    assert (second.added, second.updated, second.removed) == (0, 0, 0)


def test_a_batch_after_a_glossary_change_uses_the_new_glossary(db: Session) -> None:
    """The batch reuses fitted matchers, but checks them once first: one fitted before the change is refitted."""
    make_offer(
        db,
        title="Gotu kola juice powder for instant drinks",
        summary="Fresh gotu kola leaves pressed and spray-dried into a green powder.",
        description="Pressing, spray drying at low temperature, nitrogen packing.",
        keywords=["gotu kola"],
    )
    need = make_need(
        db,
        title="Cần công nghệ làm bột rau má hòa tan",
        problem="Nông hộ trồng rau má ở Quảng Điền muốn bán bột thay vì bán lá tươi.",
        desired_outcome="Bột rau má giữ màu xanh, pha được ngay.",
        keywords=["rau má"],
    )
    assert proposals.recompute_all(db).added == 0
    glossary.add(db, make_user(db, role="staff"), {"vi": "rau má", "en": "gotu kola"}, SEED_DIR)
    assert proposals.recompute_all(db).added == 1
    assert db.exec(select(MatchProposal.need_id)).all() == [need.id]
