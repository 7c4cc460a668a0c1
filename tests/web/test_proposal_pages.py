"""Owners see proposals on their listing page and answer them with or without JavaScript."""

from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import matchmaking, proposals
from marketplace.models import Inquiry, MatchProposal
from tests.builders import csrf_of, log_in, make_need, make_offer, make_org, make_user, page


def setup_pair(db: Session):  # type: ignore[no-untyped-def]
    matchmaking.clear_cache()
    institute = make_org(db, name_vi="Viện Hóa học")
    company = make_org(db, kind="enterprise", name_vi="HTX Dầu tràm Lộc Thủy")
    offer = make_offer(db, institute)
    need = make_need(db, company)
    proposals.refresh_listing(db, need)
    return offer, need, make_user(db, company, role="enterprise")


def test_the_owner_sees_proposals_with_their_shared_terms(client: TestClient, db: Session) -> None:
    offer, need, buyer = setup_pair(db)
    log_in(client, buyer)
    html = page(client.get(f"/needs/{need.id}"))
    card = html.select_one("#proposals .proposal")
    assert urlsplit(card.select_one(".card-title a")["href"]).path == f"/offers/{offer.id}"
    assert card.select_one(".badge.strength").get_text() in {"Rất phù hợp", "Khá phù hợp", "Có thể phù hợp"}
    assert any("tràm" in mark.get_text() for mark in card.select("mark"))


def test_visitors_and_other_organizations_see_no_proposals(client: TestClient, db: Session) -> None:
    _, need, _ = setup_pair(db)
    assert page(client.get(f"/needs/{need.id}")).select_one("#proposals") is None
    log_in(client, make_user(db))
    assert page(client.get(f"/needs/{need.id}")).select_one("#proposals") is None


def test_staff_see_another_organizations_proposals_without_the_answer_buttons(client: TestClient, db: Session) -> None:
    offer, need, buyer = setup_pair(db)
    log_in(client, make_user(db, role="staff"))
    html = page(client.get(f"/needs/{need.id}"))
    card = html.select_one("#proposals .proposal")
    assert urlsplit(card.select_one(".card-title a")["href"]).path == f"/offers/{offer.id}"
    assert card.select_one(".proposal-actions, .dismiss, form") is None  # answering is the owners' (403 for staff)
    assert "Chỉ tổ chức sở hữu tin đăng" in html.select_one("#proposals .hint").get_text()


def test_owners_keep_the_accept_and_dismiss_buttons(client: TestClient, db: Session) -> None:
    _offer, need, buyer = setup_pair(db)
    log_in(client, buyer)
    card = page(client.get(f"/needs/{need.id}")).select_one("#proposals .proposal")
    assert card.select_one(".proposal-actions a.button").get_text() == "Chấp nhận và gửi lời quan tâm"
    assert card.select_one("form.dismiss-form, details.dismiss form") is not None
    assert card.select_one("details.dismiss form").has_attr("novalidate")  # the app's message, not the browser's


def test_accepting_without_javascript_sends_the_written_inquiry_and_shows_it(client: TestClient, db: Session) -> None:
    offer, need, buyer = setup_pair(db)
    log_in(client, buyer)
    proposal = db.exec(select(MatchProposal).where(MatchProposal.offer_id == offer.id)).one()
    response = client.post(
        f"/proposals/{proposal.id}/accept",
        data={"csrf_token": csrf_of(client, f"/needs/{need.id}"), "message": "Chúng tôi muốn trao đổi thêm."},
        follow_redirects=False,
    )
    inquiry = db.exec(select(Inquiry).where(Inquiry.proposal_id == proposal.id)).one()
    assert response.status_code == 303 and response.headers["location"].endswith(f"/inquiries/{inquiry.id}")
    assert inquiry.listing_id == offer.id


def test_dismissing_with_htmx_replaces_the_card(client: TestClient, db: Session) -> None:
    offer, need, buyer = setup_pair(db)
    log_in(client, buyer)
    token = csrf_of(client, f"/needs/{need.id}")
    proposal = db.exec(select(MatchProposal).where(MatchProposal.offer_id == offer.id)).one()
    response = client.post(
        f"/proposals/{proposal.id}/dismiss",
        data={"reason": "Đã có đối tác cung cấp"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert (
        page(response).select_one(f"#proposal-{proposal.id}.done").get_text(strip=True)
        == "Đã bỏ qua. Đề xuất này sẽ không xuất hiện lại."
    )


def test_an_empty_dismiss_reason_is_reported_and_the_page_keeps_the_form_open(client: TestClient, db: Session) -> None:
    offer, need, buyer = setup_pair(db)
    log_in(client, buyer)
    proposal = db.exec(select(MatchProposal).where(MatchProposal.offer_id == offer.id)).one()
    response = client.post(
        f"/proposals/{proposal.id}/dismiss", data={"reason": "x", "csrf_token": csrf_of(client, f"/needs/{need.id}")}
    )
    assert response.status_code == 422
    card = page(response).select_one(f"#proposal-{proposal.id}")
    assert card.select_one("details.dismiss").has_attr("open")
    assert card.select_one("input[name=reason]")["value"] == "x"
    assert card.select_one(".error").get_text() == "Vui lòng viết ít nhất 3 ký tự."
    assert db.get(MatchProposal, proposal.id).status == "new"


def test_enterprise_readers_see_similar_offers(client: TestClient, db: Session) -> None:
    offer, _, buyer = setup_pair(db)
    twin = make_offer(db, title="Chưng cất tinh dầu tràm gió bằng hơi nước quy mô hợp tác xã")
    log_in(client, buyer)
    html = page(client.get(f"/offers/{offer.id}"))
    assert [urlsplit(a["href"]).path for a in html.select(".similar .card-title a")] == [f"/offers/{twin.id}"]


def test_a_researcher_proposed_as_expert_links_to_their_profile(client: TestClient, db: Session) -> None:
    from marketplace.models import ExpertiseProfile

    matchmaking.clear_cache()
    expert = make_user(db, make_org(db, name_vi="Viện Hóa học"), full_name="PGS.TS. Trần Đình Cineole")
    db.add(ExpertiseProfile(user_id=expert.id, keywords=["tinh dầu tràm", "chưng cất", "kiểm nghiệm cineole"]))
    db.commit()
    company = make_org(db, kind="enterprise", name_vi="HTX Dầu tràm Lộc Thủy")
    need = make_need(db, company)
    proposals.refresh_listing(db, need)
    log_in(client, make_user(db, company, role="enterprise"))
    card = page(client.get(f"/needs/{need.id}")).select_one("#proposals .proposal")
    assert card.select_one(".badge.expert").get_text() == "Chuyên gia"
    assert urlsplit(card.select_one(".card-title a")["href"]).path == f"/experts/{expert.id}"
