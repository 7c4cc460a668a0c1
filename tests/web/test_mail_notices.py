"""The account page's "E-mail notices" section: three choices, saved with a plain form."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.inquiries import NEW_BODY, NEW_NOTICE, NEW_SUBJECT
from marketplace.models import OutboxMail, User
from marketplace.notifications import tell
from tests.builders import csrf_of, log_in, make_user, page


def test_the_account_page_offers_the_three_choices_with_the_current_one_checked(
    client: TestClient, db: Session
) -> None:
    log_in(client, make_user(db, mail_notices="daily"))
    section = page(client.get("/account")).select_one("section.mail-notices")
    assert section.select_one("h2").get_text() == "Thư báo qua e-mail"
    labels = [label.get_text(" ", strip=True) for label in section.select("label.choice")]
    assert labels == ["Mỗi khi có việc", "Gộp một thư mỗi ngày", "Không gửi thư, chỉ báo trên Sàn"]
    assert section.select_one("input[name=mail_notices]:checked")["value"] == "daily"
    hint = section.select_one("#" + section.select_one("input[value=none]")["aria-describedby"])
    assert hint.get_text() == "Bạn xem thông báo trên trang “Sàn của tôi”."


def test_choosing_one_mail_a_day_saves_it_and_stops_the_mail_per_event(client: TestClient, db: Session) -> None:
    director = make_user(db, full_name="PGS.TS. Hoàng Văn Huế", email="vien.truong@vcnsh.hue.vn")
    log_in(client, director)
    form = {"csrf_token": csrf_of(client, "/account"), "mail_notices": "daily"}
    answer = client.post("/account/mail-notices", data=form, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/account")
    shown = page(client.get("/account"))
    assert shown.select_one(".notice.success").get_text() == "Đã lưu lựa chọn nhận thư của bạn."
    assert shown.select_one("input[name=mail_notices]:checked")["value"] == "daily"
    db.expire_all()
    saved = db.get(User, director.id)
    assert saved is not None and saved.mail_notices == "daily"
    tell(db, saved, notice=NEW_NOTICE, link="/inquiries/1", mail_subject=NEW_SUBJECT, mail_body=NEW_BODY,
         mail_params={"message": "Xin báo giá."}, title="Tinh dầu tràm", org="HTX Phong Điền")  # fmt: skip
    db.commit()
    assert db.exec(select(OutboxMail).where(OutboxMail.to == director.email)).all() == []


def test_an_unknown_choice_keeps_the_page_with_a_message_beside_the_choices(client: TestClient, db: Session) -> None:
    user = make_user(db)
    log_in(client, user)
    form = {"csrf_token": csrf_of(client, "/account"), "mail_notices": "hằng giờ"}
    answer = client.post("/account/mail-notices", data=form)
    assert answer.status_code == 422
    shown = page(answer)
    assert shown.select_one("h1").get_text() == "Tài khoản của tôi"
    assert shown.select_one("#e-mail_notices").get_text() == "Vui lòng chọn một trong các mục có sẵn."
    assert shown.select_one("input[name=mail_notices]:checked") is None  # what was sent is no choice
    assert shown.select_one("#f-full_name")["value"] == user.full_name  # the rest of the page is whole
    db.expire_all()
    assert db.get(User, user.id).mail_notices == "each"  # type: ignore[union-attr]


def test_the_choice_without_the_csrf_token_is_refused(client: TestClient, db: Session) -> None:
    user = make_user(db)
    log_in(client, user)
    answer = client.post("/account/mail-notices", data={"mail_notices": "none"})
    assert answer.status_code == 403
    db.expire_all()
    assert db.get(User, user.id).mail_notices == "each"  # type: ignore[union-attr]


def test_a_visitor_cannot_choose(client: TestClient, db: Session) -> None:
    answer = client.post("/account/mail-notices", data={"csrf_token": csrf_of(client), "mail_notices": "none"},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303 and "/login?next=" in answer.headers["location"]
