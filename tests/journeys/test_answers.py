"""Journey 4: the owner accepts (contacts shown to both, a collaboration opens) or declines with a reason."""

from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.models import Collaboration, Inquiry, StageChange
from tests.builders import log_in, make_org, make_user, page
from tests.journeys.helpers import Parties, answer, express_interest

CONTACTS = ("dieulinh@vien.hue.vn", "0234 3820 111", "phuoc@huexanh.vn", "0905 123 456")


def sent_inquiry(client: TestClient, db: Session, parties: Parties, kind: str = "offer") -> Inquiry:
    """The buyer's company asks about the institute's offer (or the researcher as an expert)."""
    log_in(client, parties.buyer)
    target = parties.researcher.id if kind == "expert" else parties.offer.id
    express_interest(client, kind, target)
    return db.exec(select(Inquiry)).one()


def fresh(db: Session, inquiry: Inquiry) -> Inquiry:
    db.expire_all()
    found = db.get(Inquiry, inquiry.id)
    assert found is not None
    return found


def test_contact_details_are_never_shown_before_acceptance(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    pages = [
        client.get(f"/offers/{parties.offer.id}"),
        client.get("/me"),
        client.get(f"/inquiries/{inquiry.id}"),
        client.get(f"/experts/{parties.researcher.id}"),
        other_client.get("/me"),
        other_client.get(f"/inquiries/{inquiry.id}"),
        other_client.get(f"/needs/{parties.need.id}"),
    ]
    for response in pages:
        assert response.status_code == 200
        assert not [c for c in CONTACTS if c in response.text], response.url
    assert parties.buyer.full_name not in other_client.get("/me").text  # the asker's name waits too


def test_accepting_shows_both_sides_contact_details_to_both(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    response = answer(other_client, inquiry.id, "accept")
    assert response.status_code == 303 and response.headers["location"].endswith(f"/inquiries/{inquiry.id}")
    for reader in (client, other_client):
        contacts = page(reader.get(f"/inquiries/{inquiry.id}")).select(".contacts .contact")
        assert [c.select_one(".contact-name").get_text() for c in contacts] == [
            "Trần Văn Phước",
            "TS. Nguyễn Thị Diệu Linh",
        ]
        assert [c.select_one(".contact-email").get_text() for c in contacts] == [
            "phuoc@huexanh.vn",
            "dieulinh@vien.hue.vn",
        ]
        assert [c.select_one(".contact-phone").get_text() for c in contacts] == ["0905 123 456", "0234 3820 111"]
        assert [c.select_one(".contact-org").get_text() for c in contacts] == [
            "Công ty CP Dược Huế Xanh",
            "Viện Công nghệ Sinh học Huế",
        ]


def test_accepting_opens_a_collaboration_at_contacted(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    answer(other_client, inquiry.id, "accept")
    collab = db.exec(select(Collaboration)).one()
    assert (collab.stage, collab.inquiry_id, collab.offer_id) == ("contacted", inquiry.id, parties.offer.id)
    assert (collab.provider_org_id, collab.seeker_org_id) == (parties.institute.id, parties.company.id)
    assert collab.title == parties.offer.title and collab.sector_code == "medicinal"
    change = db.exec(select(StageChange).where(StageChange.collaboration_id == collab.id)).one()
    assert (change.from_stage, change.to_stage, change.actor_id) == (None, "contacted", parties.researcher.id)
    links = page(client.get(f"/inquiries/{inquiry.id}")).select(".inquiry-link a")
    assert f"/collaborations/{collab.id}" in [urlsplit(a["href"]).path for a in links]
    deal = page(client.get("/me")).select_one("#collaborations .deal-row")
    assert deal.select_one(".row-title").get_text() == parties.offer.title
    assert deal.select_one(".stage-pill").get_text() == "Đã liên hệ"


def test_for_a_need_the_asker_is_the_provider(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    log_in(client, parties.researcher)
    express_interest(client, "need", parties.need.id, message="Viện có quy trình GC-MS phù hợp với nhu cầu này.")
    inquiry = db.exec(select(Inquiry)).one()
    log_in(other_client, parties.buyer)
    answer(other_client, inquiry.id, "accept")
    collab = db.exec(select(Collaboration)).one()
    assert (collab.provider_org_id, collab.seeker_org_id, collab.need_id) == (
        parties.institute.id,
        parties.company.id,
        parties.need.id,
    )


def test_for_an_expert_the_researchers_organization_provides(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties, kind="expert")
    log_in(other_client, parties.researcher)
    answer(other_client, inquiry.id, "accept")
    collab = db.exec(select(Collaboration)).one()
    assert (collab.provider_org_id, collab.seeker_org_id) == (parties.institute.id, parties.company.id)
    assert collab.title == "Tư vấn chuyên môn của TS. Nguyễn Thị Diệu Linh cho Công ty CP Dược Huế Xanh"


def test_accepting_with_htmx_swaps_the_card_with_the_contacts(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    response = answer(other_client, inquiry.id, "accept", htmx=True)
    card = page(response).select_one(f"article#inquiry-{inquiry.id}")
    assert response.status_code == 200 and card.select_one(".badge.inquiry-status").get_text() == "Đã chấp nhận"
    assert card.select_one(".contacts .contact-email").get_text() == "phuoc@huexanh.vn"
    assert card.select_one("form") is None


def test_the_asker_sees_the_reason_of_a_decline(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    response = answer(
        other_client,
        inquiry.id,
        "decline",
        reason="wrong_stage",
        note="Quy trình mới ở quy mô phòng thí nghiệm, cần thêm một năm.",
    )
    assert response.status_code == 303
    card = page(client.get("/me")).select_one("#sent .inquiry")
    assert card.select_one(".badge.inquiry-status").get_text() == "Đã từ chối"
    assert card.select_one(".reason").get_text() == "Chưa đúng giai đoạn phát triển"
    assert card.select_one(".reason-note").get_text() == "Quy trình mới ở quy mô phòng thí nghiệm, cần thêm một năm."
    assert card.select_one(".contacts") is None
    assert db.exec(select(Collaboration)).all() == []


def test_other_as_a_reason_needs_a_few_words(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    response = answer(other_client, inquiry.id, "decline", reason="other", note="  ")
    html = page(response)
    assert response.status_code == 422
    assert html.select_one(f"#e-note-{inquiry.id}").get_text() == "Vui lòng nêu ngắn gọn lý do khác."
    assert html.select_one(f"#f-reason-{inquiry.id} option[selected]")["value"] == "other"
    assert html.select_one("details.decline").has_attr("open")
    assert fresh(db, inquiry).status == "pending"


def test_an_unknown_reason_is_refused_inline_with_htmx(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    response = answer(other_client, inquiry.id, "decline", htmx=True, reason="ghét", note="Không thích.")
    card = page(response).select_one(f"article#inquiry-{inquiry.id}")
    assert response.status_code == 422
    assert card.select_one(f"#e-reason-{inquiry.id}").get_text() == "Vui lòng chọn một trong các mục có sẵn."
    assert card.select_one(f"#f-note-{inquiry.id}").get_text() == "Không thích."
    assert fresh(db, inquiry).status == "pending"


def test_another_organization_cannot_see_or_answer_the_inquiry(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, make_user(db, make_org(db, name_vi="Viện Hải dương học")))
    assert other_client.get(f"/inquiries/{inquiry.id}").status_code == 404
    assert answer(other_client, inquiry.id, "accept").status_code == 404
    assert answer(other_client, inquiry.id, "decline", reason="timing").status_code == 404
    assert fresh(db, inquiry).status == "pending"


def test_the_asker_cannot_answer_their_own_inquiry(client: TestClient, db: Session, parties: Parties) -> None:
    inquiry = sent_inquiry(client, db, parties)
    response = answer(client, inquiry.id, "accept")
    assert response.status_code == 403
    assert page(response).select_one(".toast").get_text() == "Chỉ tổ chức nhận được bày tỏ quan tâm mới có thể trả lời."
    assert fresh(db, inquiry).status == "pending"


def test_a_second_accept_from_a_stale_page_is_refused(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    assert answer(other_client, inquiry.id, "accept").status_code == 303
    again = answer(other_client, inquiry.id, "accept")
    assert again.status_code == 409
    assert page(again).select_one(".notice.warning").get_text() == (
        "Bày tỏ quan tâm này đã được trả lời hoặc đã được rút lại; dưới đây là tình trạng hiện tại."
    )
    assert len(db.exec(select(Collaboration)).all()) == 1


def test_declining_after_accepting_changes_nothing(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    answer(other_client, inquiry.id, "accept")
    assert answer(other_client, inquiry.id, "decline", htmx=True, reason="timing").status_code == 409
    assert fresh(db, inquiry).status == "accepted"


def test_the_sender_withdraws_and_the_owner_can_no_longer_accept(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    assert answer(client, inquiry.id, "withdraw").status_code == 303
    assert fresh(db, inquiry).status == "withdrawn"
    log_in(other_client, parties.researcher)
    assert answer(other_client, inquiry.id, "accept").status_code == 409
    assert db.exec(select(Collaboration)).all() == []


def test_only_the_sender_withdraws(client: TestClient, other_client: TestClient, db: Session, parties: Parties) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, make_user(db, parties.company, role="enterprise"))
    assert answer(other_client, inquiry.id, "withdraw").status_code == 403
    assert fresh(db, inquiry).status == "pending"


def test_a_colleague_of_the_owner_answers_a_listing_inquiry(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.colleague)
    assert answer(other_client, inquiry.id, "decline", reason="already_partnered").status_code == 303
    assert fresh(db, inquiry).decline_reason == "already_partnered"


def test_only_the_expert_answers_an_inquiry_to_them(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties, kind="expert")
    log_in(other_client, parties.colleague)
    assert answer(other_client, inquiry.id, "accept").status_code == 404
    assert fresh(db, inquiry).status == "pending"


def test_absurd_ids_are_refused_without_an_error(client: TestClient, parties: Parties) -> None:
    log_in(client, parties.buyer)
    # an id in the path that cannot exist names no page (404); junk in a query parameter stays a 422
    assert client.get("/inquiries/99999999999").status_code == 404
    assert answer(client, 99999999999, "accept").status_code == 404
    assert client.get("/experts/99999999999").status_code == 404
    assert client.get("/inquiries/new?listing_kind=offer&listing_id=-4").status_code == 422
