"""Questions and answers on a pending inquiry: the owner asks first, the sender answers, the Department reads."""

from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select

from marketplace import personal_data
from marketplace.models import AuditLog, Inquiry, InquiryMessage, Notification, OutboxMail, User
from tests.builders import PASSWORD, csrf_of, log_in, make_org, make_user, page
from tests.journeys.helpers import Parties, answer, express_interest

QUESTION = "Mỗi tháng công ty cần khoảng bao nhiêu tấn lá tràm tươi, và đã có chứng nhận GACP chưa?"
REPLY = "Khoảng 12 tấn lá tràm mỗi tháng từ vùng trồng Phú Lộc; chúng tôi đang làm hồ sơ GACP, dự kiến quý 2/2027."


def sent_inquiry(client: TestClient, db: Session, parties: Parties) -> Inquiry:
    """The buyer's company asks about the institute's offer."""
    log_in(client, parties.buyer)
    express_interest(client, "offer", parties.offer.id)
    return db.exec(select(Inquiry)).one()


def post(client: TestClient, inquiry_id: int, body: str, *, htmx: bool = False) -> Response:
    path = f"/inquiries/{inquiry_id}"
    data = {"csrf_token": csrf_of(client, path), "body": body}
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{path}"} if htmx else {}
    return client.post(f"{path}/messages", data=data, headers=headers, follow_redirects=False)


def messages(db: Session) -> list[InquiryMessage]:
    db.expire_all()
    return list(db.exec(select(InquiryMessage).order_by(col(InquiryMessage.id))).all())


def test_the_owner_asks_and_the_sender_reads_the_question_on_the_inquiry_page(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    response = post(other_client, inquiry.id, QUESTION)
    [message] = messages(db)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/inquiries/{inquiry.id}#message-{message.id}")
    shown = page(client.get(f"/inquiries/{inquiry.id}")).select_one(f"#message-{message.id}")
    assert shown is not None
    assert shown.select_one(".thread-body").get_text() == QUESTION
    assert shown.select_one(".thread-author").get_text() == "TS. Nguyễn Thị Diệu Linh"
    assert shown.select_one(".thread-org").get_text() == "Viện Công nghệ Sinh học Huế"
    assert message.author_org_id == parties.institute.id


def test_a_message_tells_the_other_side_in_the_app_and_by_mail_but_not_the_author(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    post(other_client, inquiry.id, QUESTION)
    db.expire_all()
    notices = db.exec(select(Notification).where(Notification.link == f"/inquiries/{inquiry.id}")).all()
    told = {n.user_id for n in notices if n.message.startswith("%(org)s wrote a message")}
    assert told == {parties.buyer.id}
    mails = db.exec(select(OutboxMail).where(OutboxMail.to == parties.buyer.email)).all()
    assert any(QUESTION in m.body for m in mails)
    own = db.exec(select(OutboxMail).where(OutboxMail.to == parties.researcher.email)).all()
    assert not [m for m in own if QUESTION in m.body]  # only the mail of the inquiry itself


def test_the_answer_goes_back_to_the_owner_who_asked(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    post(other_client, inquiry.id, QUESTION)
    assert post(client, inquiry.id, REPLY).status_code == 303
    db.expire_all()
    last = db.exec(select(Notification).order_by(col(Notification.id).desc())).first()
    assert last is not None and last.user_id == parties.researcher.id
    assert last.params["org"] == "Công ty CP Dược Huế Xanh"
    assert [m.body for m in messages(db)] == [QUESTION, REPLY]


def test_each_message_is_audited(client: TestClient, db: Session, parties: Parties) -> None:
    inquiry = sent_inquiry(client, db, parties)
    post(client, inquiry.id, REPLY)
    [message] = messages(db)
    entry = db.exec(select(AuditLog).where(AuditLog.action == "inquiry.message")).one()
    assert (entry.actor_id, entry.entity, entry.entity_id) == (parties.buyer.id, "inquiry", inquiry.id)
    assert entry.detail["message_id"] == message.id


def test_someone_outside_both_organizations_can_neither_read_nor_write(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    post(client, inquiry.id, REPLY)
    outsider = make_user(db, make_org(db, name_vi="HTX Dược liệu Phong Điền"), email="htx@phongdien.vn")
    log_in(other_client, outsider)
    assert other_client.get(f"/inquiries/{inquiry.id}").status_code == 404
    token = csrf_of(other_client, "/me")
    sent = other_client.post(f"/inquiries/{inquiry.id}/messages", data={"csrf_token": token, "body": "Xin chào"})
    assert sent.status_code == 404
    assert len(messages(db)) == 1


def test_department_staff_read_the_thread_and_write_as_the_department(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    post(client, inquiry.id, REPLY)
    staff = make_user(db, role="staff", email="can.bo@sokhcn.hue.gov.vn", full_name="Lê Thị Ngọc Ánh")
    log_in(other_client, staff)
    shown = page(other_client.get(f"/inquiries/{inquiry.id}"))
    assert [b.get_text() for b in shown.select(".thread-body")] == [REPLY]
    assert not shown.select(".contacts") and not shown.select("button.accept")
    note = "Sở sẽ hỗ trợ hai bên làm thủ tục chứng nhận GACP nếu cần."
    assert post(other_client, inquiry.id, note).status_code == 303
    broker = page(client.get(f"/inquiries/{inquiry.id}")).select(".thread-message.side-broker")
    assert [m.select_one(".thread-body").get_text() for m in broker] == [note]
    assert broker[0].select_one(".thread-broker").get_text() == "Sở KH&CN (đơn vị môi giới)"
    db.expire_all()
    told = {n.user_id for n in db.exec(select(Notification).where(col(Notification.message).contains("wrote a")))}
    assert told == {parties.buyer.id, parties.researcher.id}


def test_an_answered_inquiry_keeps_its_thread_read_only_and_links_the_collaboration(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    post(other_client, inquiry.id, QUESTION)
    answer(other_client, inquiry.id, "accept")
    shown = page(client.get(f"/inquiries/{inquiry.id}"))
    assert [b.get_text() for b in shown.select(".thread-body")] == [QUESTION]
    assert not shown.select(".thread-form")
    assert shown.select_one(".thread-closed a")["href"].startswith("http://testserver/collaborations/")
    refused = post(client, inquiry.id, REPLY.replace("12", "15"))
    assert refused.status_code == 409
    assert "no longer added to" in refused.text or "không thể viết thêm" in refused.text
    assert len(messages(db)) == 1


def test_a_withdrawn_inquiry_refuses_new_messages(client: TestClient, db: Session, parties: Parties) -> None:
    inquiry = sent_inquiry(client, db, parties)
    answer(client, inquiry.id, "withdraw")
    assert post(client, inquiry.id, REPLY, htmx=True).status_code == 409
    assert messages(db) == []


def test_with_htmx_the_thread_comes_back_with_the_new_message_in_place(
    client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    response = post(client, inquiry.id, REPLY, htmx=True)
    assert response.status_code == 200
    fragment = page(response)
    assert fragment.select_one("section#inquiry-thread") is not None
    assert fragment.select_one("h1") is None  # only the block, not the page
    assert [m.get_text() for m in fragment.select(".thread-message.is-new .thread-body")] == [REPLY]
    assert fragment.select_one("textarea[name=body]").get_text() == ""


def test_an_empty_or_too_long_message_is_refused_beside_the_field_and_kept(
    client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    blank = post(client, inquiry.id, "   ", htmx=True)
    assert blank.status_code == 422
    assert page(blank).select_one("#e-thread-body") is not None
    long = "Chúng tôi cần biết thêm về quy trình chưng cất tinh dầu tràm. " * 40
    response = post(client, inquiry.id, long)
    assert response.status_code == 422
    shown = page(response)
    assert shown.select_one("textarea[name=body]").get_text() == long
    assert "2.000" in shown.select_one("#e-thread-body").get_text()
    assert messages(db) == []


def test_a_message_with_contact_details_is_kept_as_written_and_the_form_says_why_it_needs_none(
    client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    hint = page(client.get(f"/inquiries/{inquiry.id}")).select_one("#h-thread-body")
    assert hint is not None and "tự động" in hint.get_text()
    body = "Anh chị gọi 0905 123 456 hoặc viết về phuoc@huexanh.vn nhé."
    assert post(client, inquiry.id, body).status_code == 303
    assert [m.body for m in messages(db)] == [body]


def test_posting_without_the_csrf_token_is_refused(client: TestClient, db: Session, parties: Parties) -> None:
    inquiry = sent_inquiry(client, db, parties)
    sent = client.post(f"/inquiries/{inquiry.id}/messages", data={"csrf_token": "giả-mạo", "body": REPLY})
    assert sent.status_code == 403
    assert messages(db) == []


def test_my_exchange_counts_the_messages_of_each_inquiry(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    post(other_client, inquiry.id, QUESTION)
    post(client, inquiry.id, REPLY)
    for reader in (client, other_client):
        card = page(reader.get("/me")).select_one(f"#inquiry-{inquiry.id}")
        assert card is not None
        assert card.select_one(".thread-count").get_text(strip=True) == "2 tin nhắn"


def test_the_personal_data_file_holds_the_messages_the_person_wrote(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    post(other_client, inquiry.id, QUESTION)
    post(client, inquiry.id, REPLY)
    db.expire_all()
    buyer = db.get(User, parties.buyer.id)
    assert buyer is not None
    written = personal_data.export(db, buyer)["inquiry_messages_written"]
    assert [(w["inquiry"], w["message"]) for w in written] == [(f"inquiry {inquiry.id}", REPLY)]


def test_deleting_an_account_keeps_its_messages_under_the_deleted_name(
    client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    post(client, inquiry.id, REPLY)
    buyer = db.get(User, parties.buyer.id)
    assert buyer is not None
    personal_data.delete_account(db, buyer, {"password": PASSWORD})
    assert [m.body for m in messages(db)] == [REPLY]
    assert db.exec(select(Inquiry)).one().message  # as the inquiry's own message is kept


def test_the_demo_data_holds_a_conversation_on_a_waiting_inquiry(seeded_client: TestClient) -> None:
    data = {"email": "thien.nv@demo.hue.vn", "password": "HueDemo2026!", "csrf_token": csrf_of(seeded_client)}
    assert seeded_client.post("/login", data=data, follow_redirects=False).status_code == 303
    cards = page(seeded_client.get("/me")).select(".inquiry .thread-count")
    assert "3 tin nhắn" in [c.get_text(strip=True) for c in cards]


def test_answering_from_my_exchange_keeps_the_count_on_the_card(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiry = sent_inquiry(client, db, parties)
    log_in(other_client, parties.researcher)
    post(other_client, inquiry.id, QUESTION)
    card = page(answer(other_client, inquiry.id, "accept", htmx=True))
    assert card.select_one(".thread-count").get_text(strip=True) == "1 tin nhắn"
