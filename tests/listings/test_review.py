"""Journey 2: Department staff review submitted listings, approve them or send them back with a reason."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.models import AuditLog, ListingEvent, Notification, Offer, Organization, OutboxMail, User
from marketplace.models._base import utcnow
from tests.builders import make_need, make_offer, page

HTMX = {"HX-Request": "true"}
REASON = "Vui lòng ghi số bằng độc quyền giải pháp hữu ích và kết quả kiểm nghiệm làm căn cứ cho con số 25 %."


def submitted_offer(db: Session, organization: Organization | None = None, days: int = 1, **fields: object) -> Offer:
    sent = utcnow() - timedelta(days=days)
    values = {"status": "submitted", "published_at": None, "confirmed_at": None, "submitted_at": sent} | fields
    return make_offer(db, organization, **values)


def review_form(client: TestClient, listing: Offer, decision: str) -> dict[str, str]:
    """The hidden fields of one decision form of the listing's row in the queue."""
    row = page(client.get("/review")).select_one(f"#review-offer-{listing.id}")
    assert row is not None, f"offer {listing.id} is not in the queue"
    form = row.select_one(f'form[action$="/{decision}"]')
    return {str(i["name"]): str(i["value"]) for i in form.select("input[type=hidden]")}


def test_the_queue_lists_submitted_listings_the_longest_waiting_first(staff_client: TestClient, db: Session) -> None:
    newer = submitted_offer(db, days=1, title="Màng sinh học từ tinh bột sắn bảo quản thanh trà")
    older = make_need(db, status="submitted", published_at=None, submitted_at=utcnow() - timedelta(days=6))
    make_offer(db, title="Đã đăng từ trước")
    html = page(staff_client.get("/review"))
    rows = [row["id"] for row in html.select(".review-item")]
    assert rows == [f"review-need-{older.id}", f"review-offer-{newer.id}"]
    assert html.select_one(".result-count").get_text() == "2 tin đang chờ duyệt"
    assert "đã chờ 6 ngày" in html.select_one(f"#review-need-{older.id} .card-kicker").get_text()


def test_each_queued_listing_shows_its_quality_score(staff_client: TestClient, db: Session) -> None:
    offer = submitted_offer(db, advantages="Tốt hơn cách cũ.")
    score = page(staff_client.get("/review")).select_one(f"#review-offer-{offer.id} .review-score").get_text()
    assert score.startswith("Điểm chất lượng ") and "Ưu điểm so với giải pháp hiện có, kèm số liệu" in score


def test_the_queue_tells_a_brief_field_from_a_missing_one(staff_client: TestClient, db: Session) -> None:
    need = make_need(db, status="submitted", submitted_at=utcnow(), desired_outcome="Ổn định hơn.", constraints="")
    score = page(staff_client.get("/review")).select_one(f"#review-need-{need.id} .review-score").get_text()
    missing, too_short = score.split(" · ")[1:]
    assert missing.startswith("còn thiếu: ") and "Điều kiện ràng buộc" in missing and "Kết quả mong muốn" not in missing
    assert too_short.startswith("quá ngắn: ") and "Kết quả mong muốn" in too_short


def test_researchers_cannot_open_the_queue(researcher_client: TestClient) -> None:
    assert researcher_client.get("/review").status_code == 403


def test_approving_publishes_the_listing_and_records_it(
    staff_client: TestClient, client: TestClient, db: Session
) -> None:
    offer = submitted_offer(db)
    response = staff_client.post(f"/review/offer/{offer.id}/approve", data=review_form(staff_client, offer, "approve"))
    db.refresh(offer)
    assert offer.status == "published" and offer.published_at is not None and offer.confirmed_at is not None
    assert page(response).select_one(".notice.success").get_text() == "Đã đăng: mọi người đều có thể xem tin này."
    assert db.exec(select(ListingEvent.action).where(ListingEvent.listing_id == offer.id)).all() == ["publish"]
    audit = db.exec(select(AuditLog).where(AuditLog.entity == "offer", AuditLog.entity_id == offer.id)).one()
    assert (audit.action, audit.detail["to_status"]) == ("listing.publish", "published")
    assert [a.get_text() for a in page(client.get("/offers")).select(".listing-card .card-title a")] == [offer.title]


def test_approving_with_htmx_replaces_the_row_with_the_outcome(staff_client: TestClient, db: Session) -> None:
    offer = submitted_offer(db)
    form = review_form(staff_client, offer, "approve")
    response = staff_client.post(f"/review/offer/{offer.id}/approve", data=form, headers=HTMX)
    html = page(response)
    assert response.status_code == 200
    assert html.select_one("article.review-item.decided")["id"] == f"review-offer-{offer.id}"
    assert html.select_one(".badge").get_text() == "Đã đăng"
    assert html.select_one("header") is None  # a fragment, not a page


def test_sending_back_requires_a_reason_beside_the_field(staff_client: TestClient, db: Session) -> None:
    offer = submitted_offer(db)
    form = review_form(staff_client, offer, "reject") | {"reason": "Thiếu"}
    response = staff_client.post(f"/review/offer/{offer.id}/reject", data=form)
    row = page(response).select_one(f"#review-offer-{offer.id}")
    assert response.status_code == 422
    assert row.select_one(f"#e-reason-offer-{offer.id}").get_text() == "Vui lòng viết ít nhất 10 ký tự."
    assert row.select_one("textarea").get_text() == "Thiếu"
    db.refresh(offer)
    assert offer.status == "submitted"


def test_a_missing_reason_under_htmx_shows_the_error_in_the_row(staff_client: TestClient, db: Session) -> None:
    offer = submitted_offer(db)
    form = review_form(staff_client, offer, "reject") | {"reason": ""}
    response = staff_client.post(f"/review/offer/{offer.id}/reject", data=form, headers=HTMX)
    html = page(response)
    assert response.status_code == 200  # htmx swaps only successful answers
    assert html.select_one(f"#e-reason-offer-{offer.id}").get_text() == "Vui lòng nhập trường này."
    assert html.select_one("details.reject-box")["open"] == ""


def test_the_owner_sees_the_reason_a_listing_was_sent_back(staff_client: TestClient, researcher_client: TestClient,
                                                           db: Session, institute: Organization) -> None:  # fmt: skip
    offer = submitted_offer(db, institute)
    form = review_form(staff_client, offer, "reject") | {"reason": REASON}
    staff_client.post(f"/review/offer/{offer.id}/reject", data=form)
    db.refresh(offer)
    assert (offer.status, offer.rejection_reason) == ("rejected", REASON)
    panel = page(researcher_client.get(f"/offers/{offer.id}")).select_one(".manage-panel")
    assert panel.select_one(".rejection .prose").get_text() == REASON
    assert panel.select_one(".events").get_text().count(REASON) == 1


def test_a_listing_reviewed_by_a_colleague_meanwhile_is_not_reviewed_twice(staff_client: TestClient,
                                                                          db: Session) -> None:  # fmt: skip
    offer = submitted_offer(db)
    form = review_form(staff_client, offer, "approve")
    staff_client.post(f"/review/offer/{offer.id}/approve", data=form)
    response = staff_client.post(f"/review/offer/{offer.id}/reject", data=form | {"reason": REASON})
    assert page(response).select_one(".notice.error").get_text() == "Tin này đã được xét duyệt rồi."
    db.refresh(offer)
    assert offer.status == "published"


def test_a_listing_edited_after_the_queue_was_opened_is_not_approved_unseen(staff_client: TestClient,
                                                                           db: Session) -> None:  # fmt: skip
    offer = submitted_offer(db)
    form = review_form(staff_client, offer, "approve")
    offer.title, offer.version = "Tiêu đề đã đổi sau khi Sở mở hàng chờ", offer.version + 1
    db.add(offer)
    db.commit()
    response = staff_client.post(f"/review/offer/{offer.id}/approve", data=form)
    assert page(response).select_one(".notice.error").get_text().startswith("Chủ tin đã sửa tin này")
    db.refresh(offer)
    assert offer.status == "submitted"


def test_the_owner_is_told_in_the_app_and_by_mail_when_the_listing_is_published(
    staff_client: TestClient, db: Session, researcher: User, institute: Organization
) -> None:
    offer = submitted_offer(db, institute, owner_id=researcher.id)
    staff_client.post(f"/review/offer/{offer.id}/approve", data=review_form(staff_client, offer, "approve"))
    notice = db.exec(select(Notification)).one()
    assert (notice.user_id, notice.link) == (researcher.id, f"/offers/{offer.id}")
    mail = db.exec(select(OutboxMail)).one()
    assert (mail.to, mail.subject) == (researcher.email, f"Tin “{offer.title}” của bạn đã được đăng")


def test_the_mail_to_an_owner_whose_listing_was_sent_back_carries_the_reason(
    staff_client: TestClient, db: Session, researcher: User, institute: Organization
) -> None:
    offer = submitted_offer(db, institute, owner_id=researcher.id)
    form = review_form(staff_client, offer, "reject") | {"reason": REASON}
    staff_client.post(f"/review/offer/{offer.id}/reject", data=form)
    mail = db.exec(select(OutboxMail)).one()
    assert mail.subject == f"Tin “{offer.title}” của bạn cần chỉnh sửa"
    assert REASON in mail.body


def test_staff_can_decide_from_the_listings_own_page(staff_client: TestClient, db: Session) -> None:
    offer = submitted_offer(db)
    form = page(staff_client.get(f"/offers/{offer.id}")).select_one(".manage-review form")
    fields = {str(i["name"]): str(i["value"]) for i in form.select("input[type=hidden]")}
    staff_client.post(str(form["action"]), data=fields)
    db.refresh(offer)
    assert offer.status == "published"


def test_owners_do_not_get_the_review_buttons(
    researcher_client: TestClient, db: Session, institute: Organization
) -> None:
    offer = submitted_offer(db, institute)
    assert page(researcher_client.get(f"/offers/{offer.id}")).select_one(".manage-review") is None
