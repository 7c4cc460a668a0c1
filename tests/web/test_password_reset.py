"""A user who forgot the password gets a single-use, time-limited link by e-mail."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.models import OutboxMail
from tests.builders import csrf_of, log_in, make_user, page


def ask_for_link(client: TestClient, email: str) -> TestClient:
    client.post("/password/forgot", data={"email": email, "csrf_token": csrf_of(client, "/password/forgot")})
    return client


def link_in(db: Session, email: str) -> str:
    mail = db.exec(select(OutboxMail).where(OutboxMail.to == email)).one()
    match = re.search(r"(/password/reset/\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_the_link_lets_the_user_choose_a_new_password_once(client: TestClient, db: Session) -> None:
    user = make_user(db, email="quen.matkhau@demo.hue.vn", full_name="Lê Thị Quên")
    response = client.post(
        "/password/forgot",
        data={"email": "Quen.MatKhau@demo.hue.vn", "csrf_token": csrf_of(client, "/password/forgot")},
    )
    assert "đang được gửi đến" in page(response).select_one(".notice.success").get_text()
    mail = db.exec(select(OutboxMail).where(OutboxMail.to == user.email)).one()
    assert mail.subject == "Đặt lại mật khẩu trên Sàn Kết nối Công nghệ và Đổi mới Sáng tạo Huế"
    link = link_in(db, user.email)
    form = {
        "new_password": "mật-khẩu-mới-tinh",
        "new_password_confirm": "mật-khẩu-mới-tinh",
        "csrf_token": csrf_of(client, link),
    }
    assert page(client.post(link, data=form)).select_one(".user-name").get_text() == "Lê Thị Quên"
    again = client.post(link, data=form | {"csrf_token": csrf_of(client, "/password/forgot")})
    assert again.status_code == 400  # the link was used: the password it belonged to is gone
    assert "hết hạn" in page(again).select_one(".notice.error").get_text()
    with TestClient(client.app) as fresh:
        assert log_in(fresh, user, "mật-khẩu-mới-tinh").status_code == 303


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client: TestClient, db: Session) -> None:
    response = ask_for_link(client, "khong.ai@demo.hue.vn").post(
        "/password/forgot", data={"email": "khong.ai@demo.hue.vn", "csrf_token": csrf_of(client, "/password/forgot")}
    )
    assert page(response).select_one(".notice.success") is not None
    assert db.exec(select(OutboxMail)).all() == []


def test_a_forged_link_is_refused(client: TestClient) -> None:
    response = client.get("/password/reset/gia-mao.abc")
    assert response.status_code == 400
    assert page(response).select_one(".notice.error").get_text().startswith("Đường liên kết không hợp lệ")


def test_requests_are_limited(client: TestClient, db: Session) -> None:
    user = make_user(db)
    for _ in range(3):
        ask_for_link(client, user.email)
    response = client.post(
        "/password/forgot", data={"email": user.email, "csrf_token": csrf_of(client, "/password/forgot")}
    )
    assert response.status_code == 429
    assert len(db.exec(select(OutboxMail)).all()) == 3


def test_a_weak_new_password_is_reported_beside_the_field(client: TestClient, db: Session) -> None:
    user = make_user(db)
    ask_for_link(client, user.email)
    link = link_in(db, user.email)
    html = page(
        client.post(
            link, data={"new_password": "ngắn", "new_password_confirm": "ngắn", "csrf_token": csrf_of(client, link)}
        )
    )
    assert html.select_one("#e-new_password").get_text() == "Mật khẩu cần ít nhất 8 ký tự."
