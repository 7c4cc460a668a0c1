"""The matcher reads an owner's translation of a listing: an English need with its Vietnamese translation meets a
Vietnamese offer, and a Vietnamese need an English offer translated into Vietnamese. The pair (Huế's mè xửng,
sesame-peanut candy) has no entry in the shipped glossary, so only the translation can bridge it."""

import pytest
from sqlmodel import Session, select

from marketplace import matchmaking, proposals
from marketplace.models import MatchProposal, Need, Offer
from matching.evaluate import judged
from tests.builders import make_need, make_offer, make_org

CANDY_OFFER_VI = {
    "title": "Quy trình sản xuất kẹo mè xửng dẻo, không dính răng, giữ được sáu tháng",
    "summary": "Phối trộn mạch nha, đường và mè rang theo tỷ lệ mới giúp kẹo mè xửng giữ độ dẻo suốt sáu tháng.",
    "description": "Công thức và quy trình đã thử nghiệm tại cơ sở sản xuất kẹo mè xửng ở Huế.",
    "keywords": ["kẹo mè xửng", "mạch nha", "đặc sản Huế"],
    "sector_code": "agri_food",
}
CANDY_NEED_EN = {
    "language": "en",
    "title": "Keeping our sesame-peanut candy chewy and non-sticky for six months",
    "problem": "Our candy hardens or turns sticky within weeks, and gift shops return unsold boxes.",
    "desired_outcome": "A recipe change our workshop can apply with its current equipment.",
    "keywords": ["sesame candy", "shelf life"],
    "sector_code": "agri_food",
}
CANDY_NEED_VI_TRANSLATION = {
    "translated_title": "Giữ kẹo mè xửng của cơ sở dẻo, không dính suốt sáu tháng",
    "translated_summary": "Kẹo mè xửng bị cứng hoặc chảy dính sau vài tuần, cửa hàng quà tặng trả lại hàng.",
}


@pytest.fixture(autouse=True)
def fresh_matcher_cache() -> None:
    matchmaking.clear_cache()


def candy_offer(db: Session, **overrides: object) -> Offer:
    institute = make_org(db, name_vi="Trường Đại học Nông Lâm, Đại học Huế")
    make_offer(db, institute)  # the cajeput oil offer: another text in the corpus
    return make_offer(db, institute, **(CANDY_OFFER_VI | overrides))


def candy_need(db: Session, **overrides: object) -> Need:
    workshop = make_org(db, kind="enterprise", name_vi="Cơ sở Mè xửng Thiên Hương")
    return make_need(db, workshop, **(CANDY_NEED_EN | overrides))


def proposed_offers(db: Session, need: Need) -> list[int]:
    proposals.refresh_listing(db, need)
    return list(db.exec(select(MatchProposal.offer_id).where(MatchProposal.need_id == need.id)).all())


def test_an_english_need_with_a_vietnamese_translation_is_proposed_the_vietnamese_offer(db: Session) -> None:
    offer = candy_offer(db)
    need = candy_need(db, **CANDY_NEED_VI_TRANSLATION)
    assert proposed_offers(db, need) == [offer.id]


def test_the_same_english_need_without_its_translation_does_not_meet_the_vietnamese_offer(db: Session) -> None:
    offer = candy_offer(db)
    need = candy_need(db)
    assert offer.id not in proposed_offers(db, need)


def test_a_vietnamese_need_is_proposed_an_english_offer_through_its_vietnamese_translation(db: Session) -> None:
    offer = candy_offer(
        db,
        language="en",
        title="Chewy, non-sticky sesame-peanut candy that keeps for six months",
        summary="A new malt, sugar and roasted sesame ratio keeps the candy chewy for six months.",
        description="Recipe and process tested at a candy workshop.",
        keywords=["sesame candy", "malt"],
        translated_title="Kẹo mè xửng dẻo, không dính răng, giữ được sáu tháng",
        translated_summary="Tỷ lệ mạch nha, đường và mè rang mới giúp kẹo mè xửng giữ độ dẻo suốt sáu tháng.",
    )
    need = candy_need(
        db,
        language="vi",
        title="Cần giữ kẹo mè xửng dẻo, không dính suốt sáu tháng",
        problem="Kẹo mè xửng của cơ sở bị cứng hoặc chảy dính sau vài tuần.",
        desired_outcome="Công thức mới làm được với thiết bị hiện có.",
        keywords=["kẹo mè xửng"],
    )
    assert proposed_offers(db, need) == [offer.id]


def test_the_matcher_reads_the_fields_and_weights_the_judged_evaluation_measures() -> None:
    assert set(matchmaking.offer_record(Offer(title="Kẹo mè xửng"))) == set(judged.OFFER_FIELDS)
    assert set(matchmaking.need_record(Need(title="Kẹo mè xửng"))) == set(judged.NEED_FIELDS)
    assert (matchmaking.OFFER_WEIGHTS, matchmaking.NEED_WEIGHTS) == (judged.OFFER_WEIGHTS, judged.NEED_WEIGHTS)
