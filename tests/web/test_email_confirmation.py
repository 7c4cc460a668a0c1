"""A new account confirms its e-mail address before the exchange writes to it."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import email_confirmation, mail, saved_searches
from marketplace.errors import Invalid, TooManyAttempts
from marketplace.models import OutboxMail, User
from marketplace.search import read_query
from tests.builders import csrf_of, make_org, make_user, page


def register(client: TestClient, db: Session, email: str = "lan.vo@namhue.vn") -> User:
    org = make_org(db, kind="enterprise", name_vi="Công ty TNHH Nấm Huế")
    form = {"csrf_token": csrf_of(client, "/register"), "email": email, "full_name": "Võ Thị Lan",
            "password": "mật-khẩu-dài-2026", "password_confirm": "mật-khẩu-dài-2026", "role": "enterprise",
            "language": "vi", "organization_mode": "existing", "organization_id": str(org.id)}  # fmt: skip
    response = client.post("/register", data=form)
    assert response.status_code == 200, response.text
    assert f"Chúng tôi đã gửi một liên kết đến {email}" in page(response).select_one(".notice.success").get_text()
    return db.exec(select(User).where(User.email == email)).one()


def link_in(db: Session, email: str) -> str:
    body = db.exec(select(OutboxMail).where(OutboxMail.to == email).order_by(OutboxMail.id.desc())).first().body  # type: ignore[union-attr]
    return re.search(r"https?://\S+/account/confirm/\S+", body).group(0)  # type: ignore[union-attr]


def test_a_new_account_is_sent_a_link_and_confirms_its_address(client: TestClient, db: Session) -> None:
    user = register(client, db)
    assert user.email_confirmed_at is None
    mails = db.exec(select(OutboxMail).where(OutboxMail.to == "lan.vo@namhue.vn")).all()
    assert [m.subject for m in mails] == [
        "Xác nhận địa chỉ e-mail của bạn trên Sàn Kết nối Công nghệ và Đổi mới Sáng tạo Huế"
    ]
    home = page(client.get("/me"))
    assert home.select_one("#email-notice strong").get_text(strip=True) == (
        "Vui lòng xác nhận địa chỉ e-mail: hãy mở liên kết chúng tôi đã gửi đến lan.vo@namhue.vn."
    )
    path = link_in(db, user.email).split("8000", 1)[-1]
    confirmed = page(client.get(path))
    assert (
        confirmed.select_one(".notice.success").get_text(strip=True).startswith("Cảm ơn bạn: địa chỉ lan.vo@namhue.vn")
    )
    db.refresh(user)
    assert user.email_confirmed_at is not None
    assert page(client.get("/me")).select_one("#email-notice") is None
    assert client.get(path).status_code == 200  # opened twice: still fine


def test_no_other_mail_goes_to_an_address_not_confirmed(client: TestClient, db: Session) -> None:
    user = register(client, db, "ai.do@vidu.vn")
    assert mail.mail_user(db, user, subject="Saved: %(search)s, %(frequency)s.", body="x") is None
    with pytest.raises(Invalid):
        saved_searches.follow(db, user, read_query({"q": ["tinh dầu tràm"]})[0])
    confirmed = make_user(db)
    assert mail.mail_user(db, confirmed, subject="Saved: %(search)s, %(frequency)s.", body="x") is not None


def test_the_link_can_be_sent_again_three_times_an_hour(client: TestClient, db: Session) -> None:
    user = register(client, db, "hai.le@vidu.vn")
    token = csrf_of(client, "/me")
    again = client.post("/account/confirm", data={"csrf_token": token, "next": "/search?q=sen"}, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/search?q=sen"
    email_confirmation.send_again(db, user)
    email_confirmation.send_again(db, user)
    with pytest.raises(TooManyAttempts):
        email_confirmation.send_again(db, user)
    assert len(db.exec(select(OutboxMail).where(OutboxMail.to == "hai.le@vidu.vn")).all()) == 4


def test_a_forged_or_outdated_link_confirms_nothing(client: TestClient, db: Session) -> None:
    user = register(client, db, "minh.tran@vidu.vn")
    path = link_in(db, user.email).split("8000", 1)[-1]
    forged = client.get(path[:-4] + "abcd")
    assert forged.status_code == 400
    assert "Liên kết xác nhận này không hợp lệ hoặc đã hết hạn" in forged.text
    user.email = "minh.tran.moi@vidu.vn"  # the address changed since the link was sent
    db.add(user)
    db.commit()
    assert client.get(path).status_code == 400
    db.refresh(user)
    assert user.email_confirmed_at is None


def test_a_password_reset_link_reaches_an_unconfirmed_address_and_confirms_it(client: TestClient, db: Session) -> None:
    user = register(client, db, "quang.ng@vidu.vn")
    client.cookies.clear()
    client.post("/password/forgot", data={"csrf_token": csrf_of(client, "/password/forgot"), "email": user.email})
    body = db.exec(select(OutboxMail).where(OutboxMail.to == user.email).order_by(OutboxMail.id.desc())).first().body  # type: ignore[union-attr]
    reset = re.search(r"/password/reset/\S+", body).group(0)  # type: ignore[union-attr]
    form = {
        "csrf_token": csrf_of(client, reset),
        "new_password": "mật-khẩu-mới-2026",
        "new_password_confirm": "mật-khẩu-mới-2026",
    }
    assert client.post(reset, data=form, follow_redirects=False).status_code == 303
    db.refresh(user)
    assert user.email_confirmed_at is not None
