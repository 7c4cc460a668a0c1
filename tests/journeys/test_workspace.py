"""Journey 5: My exchange (/me) — listings, proposals, inquiries with their waiting time, collaborations, notices."""

from datetime import timedelta
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import collaborations
from marketplace.models import Inquiry, MatchProposal, Notification
from marketplace.models._base import utcnow
from tests.builders import csrf_of, log_in, make_offer, make_user, page
from tests.journeys.helpers import MESSAGE, Parties, answer, express_interest


def old_inquiry(db: Session, parties: Parties, days: int) -> Inquiry:
    inquiry = Inquiry(
        listing_kind="offer",
        listing_id=parties.offer.id,
        sender_id=parties.buyer.id,
        sender_org_id=parties.company.id,
        recipient_org_id=parties.institute.id,
        message=MESSAGE,
        created_at=utcnow() - timedelta(days=days, hours=2),
    )
    db.add(inquiry)
    db.commit()
    return inquiry


def test_my_exchange_needs_a_login(client: TestClient) -> None:
    response = client.get("/me", follow_redirects=False)
    assert response.status_code == 303 and urlsplit(response.headers["location"]).path == "/login"


def test_the_header_links_to_my_exchange(client: TestClient, parties: Parties) -> None:
    log_in(client, parties.buyer)
    nav = page(client.get("/")).select_one(".main-nav")
    assert urlsplit(nav.find("a", string="Sàn của tôi")["href"]).path == "/me"


def test_received_inquiries_say_how_long_they_have_waited(client: TestClient, db: Session, parties: Parties) -> None:
    old_inquiry(db, parties, days=3)
    log_in(client, parties.researcher)
    card = page(client.get("/me")).select_one("#received .inquiry")
    assert card.select_one(".waited").get_text() == "đã chờ 3 ngày"
    assert card.select_one(".inquiry-parties").get_text(strip=True) == (
        "Từ Công ty CP Dược Huế Xanh gửi Viện Công nghệ Sinh học Huế"
    )


def test_sent_inquiries_show_the_answer_time_once_answered(client: TestClient, db: Session, parties: Parties) -> None:
    inquiry = old_inquiry(db, parties, days=5)
    inquiry.status, inquiry.answered_at = "declined", utcnow() - timedelta(days=1)
    inquiry.decline_reason, inquiry.answered_by_id = "no_budget", parties.researcher.id
    db.add(inquiry)
    db.commit()
    log_in(client, parties.buyer)
    card = page(client.get("/me")).select_one("#sent .inquiry")
    assert card.select_one(".waited").get_text() == "trả lời sau 4 ngày"
    assert card.select_one(".reason").get_text() == "Hiện chưa có kinh phí"


def test_my_listings_show_status_and_freshness(client: TestClient, db: Session, parties: Parties) -> None:
    make_offer(
        db,
        parties.institute,
        title="Chế phẩm vi sinh xử lý phụ phẩm tôm",
        status="draft",
        published_at=None,
        confirmed_at=None,
    )
    make_offer(
        db,
        parties.institute,
        title="Bộ kit phát hiện nhanh dư lượng kháng sinh",
        confirmed_at=utcnow() - timedelta(days=200),
    )
    log_in(client, parties.researcher)
    rows = {r.select_one(".row-title").get_text(): r for r in page(client.get("/me")).select("#listings .listing-row")}
    assert rows[parties.offer.title].select_one(".freshness").get_text() == "xác nhận 10 ngày trước"
    assert rows["Chế phẩm vi sinh xử lý phụ phẩm tôm"].select_one(".badge.status-draft").get_text() == "Bản nháp"
    stale = rows["Bộ kit phát hiện nhanh dư lượng kháng sinh"].select_one(".freshness.stale")
    assert "vui lòng xác nhận tin vẫn còn hiệu lực" in stale.get_text()


def test_proposals_for_my_listings_show_score_and_terms(client: TestClient, db: Session, parties: Parties) -> None:
    db.add(
        MatchProposal(
            need_id=parties.need.id, offer_id=parties.offer.id, score=0.734, terms=["tinh dầu tràm", "cineole"]
        )
    )
    db.commit()
    log_in(client, parties.buyer)
    row = page(client.get("/me")).select_one("#proposals .proposal-row")
    assert row.select_one(".score").get_text() == "phù hợp 73%"
    assert [t.get_text() for t in row.select(".tag")] == ["tinh dầu tràm", "cineole"]
    assert urlsplit(row.select_one("a.partner")["href"]).path == f"/offers/{parties.offer.id}"
    answer_link = urlsplit(row.select_one("a.answer")["href"])
    assert (answer_link.path, answer_link.fragment) == (f"/needs/{parties.need.id}", "proposals")


def test_my_collaborations_link_to_the_pipeline_page(client: TestClient, db: Session, parties: Parties) -> None:
    collab = collaborations.open_collaboration(
        db,
        provider_org_id=parties.institute.id,
        seeker_org_id=parties.company.id,
        title="Chuẩn hóa dầu tràm",
        stage="negotiating",
        actor_id=None,
    )
    db.commit()
    log_in(client, parties.buyer)
    row = page(client.get("/me")).select_one("#collaborations .deal-row")
    assert urlsplit(row.select_one("a.row-title")["href"]).path == f"/collaborations/{collab.id}"
    assert "với Viện Công nghệ Sinh học Huế" in row.get_text()


def test_a_new_inquiry_raises_the_owners_unread_count(
    client: TestClient, other_client: TestClient, parties: Parties
) -> None:
    log_in(other_client, parties.researcher)
    assert page(other_client.get("/")).select_one(".notice-count .count").get_text() == "0"
    log_in(client, parties.buyer)
    express_interest(client, "offer", parties.offer.id)
    html = page(other_client.get("/me"))
    assert html.select_one(".notice-count.has-unread .count").get_text() == "1"
    notice = html.select_one("#notifications .notice-row.unread .notice-text")
    assert notice.get_text(strip=True) == (
        f"Chưa đọc:Công ty CP Dược Huế Xanh bày tỏ quan tâm đến “{parties.offer.title}”."
    )


def test_the_colleagues_of_a_listing_owner_are_not_disturbed(
    client: TestClient, other_client: TestClient, parties: Parties
) -> None:
    log_in(client, parties.buyer)
    express_interest(client, "offer", parties.offer.id)
    log_in(other_client, parties.colleague)
    assert page(other_client.get("/")).select_one(".notice-count .count").get_text() == "0"


def test_opening_a_notice_marks_it_read_and_follows_its_link(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    log_in(client, parties.buyer)
    express_interest(client, "offer", parties.offer.id)
    notice = db.exec(select(Notification)).one()
    log_in(other_client, parties.researcher)
    response = other_client.post(
        f"/notifications/{notice.id}/read", data={"csrf_token": csrf_of(other_client, "/me")}, follow_redirects=False
    )
    inquiry = db.exec(select(Inquiry)).one()
    assert response.status_code == 303 and response.headers["location"] == f"/inquiries/{inquiry.id}"
    assert page(other_client.get("/me")).select_one(".notice-count .count").get_text() == "0"


def test_opening_the_inquiry_page_marks_its_notice_read(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    log_in(client, parties.buyer)
    express_interest(client, "offer", parties.offer.id)
    express_interest(client, "expert", parties.researcher.id)
    first, second = db.exec(select(Inquiry).order_by(Inquiry.id)).all()
    log_in(other_client, parties.researcher)
    html = page(other_client.get(f"/inquiries/{first.id}"))
    assert html.select_one(".notice-count .count").get_text() == "1"  # the header already counts it read
    db.expire_all()
    unread = db.exec(select(Notification).where(Notification.read_at == None)).all()  # noqa: E711
    assert [n.link for n in unread] == [f"/inquiries/{second.id}"]


def test_answering_from_my_exchange_marks_the_inquiry_notice_read(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    log_in(client, parties.buyer)
    express_interest(client, "offer", parties.offer.id)
    log_in(other_client, parties.researcher)
    assert answer(other_client, db.exec(select(Inquiry)).one().id, "accept", htmx=True).status_code == 200
    assert page(other_client.get("/me")).select_one(".notice-count .count").get_text() == "0"


def test_opening_a_listing_or_a_proposal_marks_the_notices_about_it_read(
    client: TestClient, db: Session, parties: Parties
) -> None:
    proposal = MatchProposal(need_id=parties.need.id, offer_id=parties.offer.id, score=0.7, terms=["dầu tràm"])
    db.add(proposal)
    db.commit()
    links = [f"/needs/{parties.need.id}", f"/proposals/{proposal.id}", f"/offers/{parties.offer.id}#proposals"]
    db.add_all([Notification(user_id=parties.buyer.id, message="Inquiry withdrawn.", link=link) for link in links])
    db.add(Notification(user_id=parties.researcher.id, message="Inquiry withdrawn.", link=links[0]))
    db.commit()
    log_in(client, parties.buyer)
    for path, left in ((links[0], "2"), (links[1], "1"), (f"/offers/{parties.offer.id}", "0")):
        assert page(client.get(path)).select_one(".notice-count .count").get_text() == left, path
    db.expire_all()
    others = db.exec(select(Notification).where(Notification.user_id == parties.researcher.id)).one()
    assert others.read_at is None  # only the reader's own notices


def test_marking_all_read_clears_the_count(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    log_in(client, parties.buyer)
    express_interest(client, "offer", parties.offer.id)
    express_interest(client, "expert", parties.researcher.id)
    log_in(other_client, parties.researcher)
    assert page(other_client.get("/me")).select_one(".notice-count .count").get_text() == "2"
    other_client.post("/notifications/read", data={"csrf_token": csrf_of(other_client, "/me")})
    html = page(other_client.get("/me"))
    assert html.select_one(".notice-count .count").get_text() == "0"
    assert html.select("#notifications .notice-row.unread") == []


def test_nobody_marks_another_persons_notice(client: TestClient, db: Session, parties: Parties) -> None:
    db.add(Notification(user_id=parties.researcher.id, message="Inquiry withdrawn."))
    db.commit()
    notice = db.exec(select(Notification)).one()
    log_in(client, parties.buyer)
    response = client.post(f"/notifications/{notice.id}/read", data={"csrf_token": csrf_of(client, "/me")})
    assert response.status_code == 404
    db.refresh(notice)
    assert notice.read_at is None


def test_notices_are_shown_in_the_readers_language(
    client: TestClient, other_client: TestClient, parties: Parties
) -> None:
    log_in(client, parties.buyer)
    express_interest(client, "offer", parties.offer.id)
    log_in(other_client, parties.researcher)
    other_client.get("/lang/en")
    notice = page(other_client.get("/me")).select_one("#notifications .notice-text")
    assert notice.get_text(strip=True) == (
        f"Unread:New inquiry about “{parties.offer.title}” from Công ty CP Dược Huế Xanh."
    )


def test_the_asker_is_told_of_the_answer(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    log_in(client, parties.buyer)
    express_interest(client, "offer", parties.offer.id)
    log_in(other_client, parties.researcher)
    answer(other_client, db.exec(select(Inquiry)).one().id, "accept")
    notice = page(client.get("/me")).select_one("#notifications .notice-row.unread .notice-text")
    assert "Viện Công nghệ Sinh học Huế đã chấp nhận bày tỏ quan tâm của bạn" in notice.get_text()


def test_a_user_without_organization_sees_an_empty_exchange(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, role="staff", full_name="Lê Thị Ngọc Ánh"))
    html = page(client.get("/me"))
    assert html.select_one("h1").get_text() == "Sàn của tôi"
    assert html.select_one("#received .empty") is not None
