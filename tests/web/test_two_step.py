"""Two-step verification through the pages: setting it up, the code asked at log-in (and after a password
reset), recovery codes, turning it off, an administrator's reset, the staff requirement, CSRF, vi and en."""

import re
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import encryption, two_step
from marketplace.config import get_settings
from marketplace.models import AuditLog, OutboxMail, TwoStep, User
from marketplace.models._base import utcnow
from marketplace.web import two_step as two_step_pages
from tests.builders import PASSWORD, csrf_of, log_in, make_user, page


def with_two_step(db: Session, user: User) -> tuple[pyotp.TOTP, list[str]]:
    """Two-step verification on for `user`, no code used yet: their authenticator and recovery codes."""
    secret = pyotp.random_base32()
    db.add(TwoStep(user_id=user.id, encrypted_secret=encryption.encrypt(secret), enabled_at=utcnow()))
    codes = two_step._new_recovery_codes(db, user)
    db.commit()
    return pyotp.TOTP(secret), codes


def send_code(client: TestClient, code: str, **extra: str) -> object:
    token = csrf_of(client, "/login/two-step")
    return client.post("/login/two-step", data={"code": code, "csrf_token": token} | extra, follow_redirects=False)


def logged_in_as(client: TestClient) -> str | None:
    name = page(client.get("/account")).select_one(".user-name")
    return name.get_text() if name else None


@pytest.fixture
def staff_must_use_it(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("REQUIRE_TWO_STEP_FOR_STAFF", "true")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_after_the_password_the_code_is_asked_before_any_session(client: TestClient, db: Session) -> None:
    user = make_user(db, role="staff", full_name="Nguyễn Văn Bình")
    totp, _ = with_two_step(db, user)
    answer = log_in(client, user)
    assert answer.status_code == 303 and answer.headers["location"] == "/login/two-step"
    assert logged_in_as(client) is None
    db.refresh(user)
    assert user.last_login_at is None
    asked = page(client.get("/login/two-step"))
    assert asked.select_one("h1").get_text() == "Xác minh hai bước"
    assert asked.select_one("#f-code")["autocomplete"] == "one-time-code"
    done = send_code(client, totp.now())
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert logged_in_as(client) == "Nguyễn Văn Bình"
    db.refresh(user)
    assert user.last_login_at is not None


def test_a_wrong_code_is_refused_with_a_generic_message_beside_the_field(client: TestClient, db: Session) -> None:
    user = make_user(db)
    totp, _ = with_two_step(db, user)
    log_in(client, user)
    wrong = "000000" if totp.now() != "000000" else "111111"
    refused = send_code(client, wrong)
    assert refused.status_code == 422
    assert page(refused).select_one("#e-code").get_text().startswith("Mã này không đúng hoặc đã hết hạn")
    assert logged_in_as(client) is None


def test_a_code_used_once_is_refused_the_second_time(client: TestClient, db: Session) -> None:
    user = make_user(db)
    totp, _ = with_two_step(db, user)
    code = totp.now()
    log_in(client, user)
    assert send_code(client, code).status_code == 303
    with TestClient(client.app) as other:
        log_in(other, user)
        assert send_code(other, code).status_code == 422
        assert logged_in_as(other) is None


def test_a_code_of_the_step_before_is_accepted_for_a_slow_phone_clock(client: TestClient, db: Session) -> None:
    user = make_user(db)
    totp, _ = with_two_step(db, user)
    log_in(client, user)
    assert send_code(client, totp.at(utcnow().timestamp() - 30)).status_code == 303


def test_wrong_codes_are_throttled_like_log_ins(client: TestClient, db: Session) -> None:
    user = make_user(db)
    totp, _ = with_two_step(db, user)
    log_in(client, user)
    for _ in range(5):
        assert send_code(client, "99999x").status_code == 422
    stopped = send_code(client, totp.now())
    assert stopped.status_code == 429
    assert "sai quá nhiều lần" in page(stopped).select_one("#e-code").get_text()
    assert logged_in_as(client) is None


def test_the_half_logged_in_state_lasts_ten_minutes(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(db)
    totp, _ = with_two_step(db, user)
    log_in(client, user)
    token = csrf_of(client, "/login/two-step")
    later = two_step_pages.time.time() + 601
    monkeypatch.setattr(two_step_pages, "time", SimpleNamespace(time=lambda: later))
    late = client.post("/login/two-step", data={"code": totp.now(), "csrf_token": token})
    assert late.status_code == 400
    assert "quá thời gian" in page(late).select_one(".notice.error").get_text()
    assert logged_in_as(client) is None


def test_a_recovery_code_logs_in_once_and_the_reader_is_told_how_many_remain(client: TestClient, db: Session) -> None:
    user = make_user(db)
    _, codes = with_two_step(db, user)
    log_in(client, user)
    toggle = page(client.get("/login/two-step")).select_one("a[href$='recovery=1']")
    assert toggle.get_text() == "Mất điện thoại? Dùng mã khôi phục"
    assert page(client.get(toggle["href"])).select_one("label[for=f-code]").get_text() == "Mã khôi phục *"
    assert send_code(client, codes[0], recovery="1").status_code == 303
    assert "Còn 9 mã" in page(client.get("/")).select_one(".notice.success").get_text()
    with TestClient(client.app) as other:
        log_in(other, user)
        assert send_code(other, codes[0], recovery="1").status_code == 422


def test_the_last_recovery_codes_come_with_a_warning(client: TestClient, db: Session) -> None:
    user = make_user(db)
    _, codes = with_two_step(db, user)
    for code in codes[:7]:
        two_step.check_login(db, user, {"code": code})
    log_in(client, user)
    send_code(client, codes[7], recovery="1")
    assert "Chỉ còn 2 mã" in page(client.get("/")).select_one(".notice.success").get_text()


def test_a_password_reset_still_asks_for_the_code(client: TestClient, db: Session) -> None:
    user = make_user(db, email="quen.matkhau@demo.hue.vn")
    totp, _ = with_two_step(db, user)
    client.post("/password/forgot", data={"email": user.email, "csrf_token": csrf_of(client, "/password/forgot")})
    mail = db.exec(select(OutboxMail).where(OutboxMail.to == user.email)).one()
    link = re.search(r"(/password/reset/\S+)", mail.body).group(1)  # type: ignore[union-attr]
    form = {"new_password": "mật-khẩu-mới-tinh", "new_password_confirm": "mật-khẩu-mới-tinh"}
    answer = client.post(link, data=form | {"csrf_token": csrf_of(client, link)}, follow_redirects=False)
    assert answer.headers["location"] == "/login/two-step"
    assert logged_in_as(client) is None
    assert (
        page(client.get("/login/two-step")).select_one(".notice.success").get_text() == "Mật khẩu của bạn đã được đổi."
    )
    assert send_code(client, totp.now()).status_code == 303
    assert logged_in_as(client) is not None


def test_the_set_up_shows_a_qr_code_and_the_key_and_a_wrong_code_keeps_them(client: TestClient, db: Session) -> None:
    user = make_user(db, email="thu.ha@hueuni.edu.vn")
    log_in(client, user)
    account = page(client.get("/account"))
    assert account.select_one(".two-step-section a.button")["href"].endswith("/account/two-step/setup")
    setup = page(client.get("/account/two-step/setup"))
    assert setup.select_one(".two-step-qr svg") is not None
    key = setup.select_one(".two-step-secret").get_text()
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{1,4}", key)
    assert "Sàn Công nghệ Huế (thu.ha@hueuni.edu.vn)" in setup.select_one(".two-step-key").get_text()
    token = csrf_of(client, "/account/two-step/setup")
    wrong = client.post("/account/two-step/setup", data={"code": "12 34", "csrf_token": token})
    assert wrong.status_code == 422
    assert page(wrong).select_one("#e-code") is not None
    assert page(wrong).select_one(".two-step-secret").get_text() == key
    assert "value" not in str(page(wrong).select_one("input[type=hidden][name=secret]") or "")


def test_turning_it_on_shows_ten_recovery_codes_once(client: TestClient, db: Session) -> None:
    user = make_user(db)
    log_in(client, user)
    key = page(client.get("/account/two-step/setup")).select_one(".two-step-secret").get_text().replace(" ", "")
    token = csrf_of(client, "/account/two-step/setup")
    shown = page(client.post("/account/two-step/setup", data={"code": pyotp.TOTP(key).now(), "csrf_token": token}))
    codes = [code.get_text() for code in shown.select(".recovery-codes code")]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    assert "hãy in ra hoặc lưu" in shown.select_one(".two-step-codes").get_text()
    assert page(client.get("/account/two-step")).select(".recovery-codes") == []
    assert "Còn 10 mã khôi phục chưa dùng." in page(client.get("/account")).select_one(".two-step-section").get_text()


def test_turning_it_off_needs_the_password_and_a_code(client: TestClient, db: Session) -> None:
    user = make_user(db)
    totp, _ = with_two_step(db, user)
    log_in(client, user)
    send_code(client, totp.at(utcnow().timestamp() - 30))
    token = csrf_of(client, "/account/two-step")
    refused = client.post(
        "/account/two-step/off", data={"password": "sai-mật-khẩu", "off_code": totp.now(), "csrf_token": token}
    )
    assert refused.status_code == 422
    assert page(refused).select_one("#e-password").get_text() == "Mật khẩu hiện tại không đúng."
    assert page(refused).select_one("details.two-step-action[open]") is not None
    no_code = client.post("/account/two-step/off", data={"password": PASSWORD, "off_code": "", "csrf_token": token})
    assert no_code.status_code == 422 and page(no_code).select_one("#e-off_code") is not None
    done = client.post(
        "/account/two-step/off", data={"password": PASSWORD, "off_code": totp.now(), "csrf_token": token}
    )
    assert page(done).select_one(".notice.success").get_text() == "Xác minh hai bước đang tắt."
    assert db.exec(select(AuditLog.action).where(AuditLog.action == "two_step.off")).all() == ["two_step.off"]


def test_an_administrator_resets_it_from_the_accounts_page(client: TestClient, db: Session) -> None:
    admin = make_user(db, role="admin", full_name="Nguyễn Đức Hòa")
    user = make_user(db, role="staff", full_name="Trương Thị Mai")
    with_two_step(db, user)
    log_in(client, admin)
    row = page(client.get("/users", params={"q": "Mai"})).select_one(f"#account-{user.id}")
    assert row.select_one(".two-step-badge").get_text() == "Đã bật xác minh hai bước"
    form = row.select_one("form[action$='/two-step-reset']")
    answer = client.post(form["action"], data={"csrf_token": csrf_of(client, "/users"), "next": "/users?q=Mai"})
    assert "Đã tắt xác minh hai bước của Trương Thị Mai" in page(answer).select_one(".notice.success").get_text()
    assert db.exec(select(TwoStep)).all() == []
    with TestClient(client.app) as theirs:
        assert log_in(theirs, user).headers["location"] == "/"


def test_staff_without_it_are_held_on_the_set_up_page_when_required(
    client: TestClient, db: Session, staff_must_use_it: None
) -> None:
    staff = make_user(db, role="staff")
    assert log_in(client, staff).headers["location"] == "/account/two-step/setup"
    assert client.get("/review", follow_redirects=False).headers["location"] == "/account/two-step/setup"
    assert client.get("/", follow_redirects=False).headers["location"] == "/account/two-step/setup"
    setup = page(client.get("/account/two-step/setup"))
    assert "Sở yêu cầu cán bộ" in setup.select_one(".notice.warning").get_text()
    key = setup.select_one(".two-step-secret").get_text().replace(" ", "")
    token = csrf_of(client, "/account/two-step/setup")
    client.post("/account/two-step/setup", data={"code": pyotp.TOTP(key).now(), "csrf_token": token})
    assert client.get("/review", follow_redirects=False).status_code == 200


def test_staff_held_on_the_set_up_page_may_still_log_out(
    client: TestClient, db: Session, staff_must_use_it: None
) -> None:
    log_in(client, make_user(db, role="admin"))
    token = csrf_of(client, "/account/two-step/setup")
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).headers["location"] == "/"
    assert client.get("/", follow_redirects=False).status_code == 200


def test_staff_held_on_the_set_up_page_may_read_it_in_english(
    client: TestClient, db: Session, staff_must_use_it: None
) -> None:
    log_in(client, make_user(db, role="staff"))
    switched = client.get("/lang/en", params={"next": "/account/two-step/setup"}, follow_redirects=False)
    assert switched.headers["location"] == "/account/two-step/setup"
    assert page(client.get("/account/two-step/setup")).html["lang"] == "en"


def test_members_are_not_held_and_staff_are_not_when_it_is_not_required(client: TestClient, db: Session) -> None:
    assert log_in(client, make_user(db, role="staff")).headers["location"] == "/"
    with TestClient(client.app) as other:
        assert log_in(other, make_user(db)).headers["location"] == "/"


def test_members_are_not_held_even_when_staff_must_use_it(
    client: TestClient, db: Session, staff_must_use_it: None
) -> None:
    assert log_in(client, make_user(db, role="researcher")).headers["location"] == "/"


POSTS = [
    "/login/two-step",
    "/account/two-step/setup",
    "/account/two-step/off",
    "/account/two-step/recovery-codes",
    "/users/{id}/two-step-reset",
]


@pytest.mark.parametrize("path", POSTS)
def test_every_two_step_form_needs_the_csrf_token(client: TestClient, db: Session, path: str) -> None:
    admin = make_user(db, role="admin")
    other = make_user(db)
    with_two_step(db, other)
    log_in(client, admin)
    answer = client.post(path.format(id=other.id), data={"code": "123456", "password": PASSWORD})
    assert answer.status_code == 403
    assert db.get(TwoStep, other.id) is not None


def test_the_pages_speak_english_too(client: TestClient, db: Session) -> None:
    user = make_user(db)
    totp, _ = with_two_step(db, user)
    client.cookies.set("lang", "en")
    log_in(client, user)
    asked = page(client.get("/login/two-step"))
    assert asked.select_one("h1").get_text() == "Two-step verification"
    assert asked.select_one("a[href$='recovery=1']").get_text() == "Lost your phone? Use a recovery code"
    assert page(send_code(client, "000000" if totp.now() != "000000" else "1")).select_one("#e-code").get_text() == (
        "This code is not right or has expired. Type the newest code from your app."
    )
    send_code(client, totp.now())
    manage = page(client.get("/account/two-step"))
    assert "10 unused recovery codes." in manage.get_text()
    assert manage.select_one("details.two-step-action summary").get_text() == "Make new recovery codes"


@pytest.fixture
def change_secret_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Restart the server with another SECRET_KEY and no DATA_ENCRYPTION_KEYS: secrets stored before are unreadable."""

    def change() -> None:
        monkeypatch.setenv("SECRET_KEY", "một-khoá-bí-mật-khác-" + "k" * 32)
        get_settings.cache_clear()

    yield change
    get_settings.cache_clear()


def test_a_secret_no_key_decrypts_gets_a_message_to_ask_an_administrator_not_an_error(
    client: TestClient, db: Session, change_secret_key: Callable[[], None]
) -> None:
    user = make_user(db, role="staff", full_name="Nguyễn Văn Bình")
    totp, _ = with_two_step(db, user)
    change_secret_key()
    log_in(client, user)
    refused = send_code(client, totp.now())
    assert refused.status_code == 422
    message = page(refused).select_one("#e-code").get_text()
    assert message.startswith("Hiện không thể kiểm tra xác minh hai bước của bạn. Vui lòng liên hệ quản trị viên")
    assert logged_in_as(client) is None


def test_an_administrator_resets_a_secret_no_key_decrypts_from_the_accounts_page(
    client: TestClient, db: Session, change_secret_key: Callable[[], None]
) -> None:
    admin = make_user(db, role="admin", full_name="Nguyễn Đức Hòa")
    user = make_user(db, role="staff", full_name="Trương Thị Mai")
    with_two_step(db, user)
    change_secret_key()
    log_in(client, admin)
    row = page(client.get("/users", params={"q": "Mai"})).select_one(f"#account-{user.id}")
    form = row.select_one("form[action$='/two-step-reset']")
    answer = client.post(form["action"], data={"csrf_token": csrf_of(client, "/users"), "next": "/users?q=Mai"})
    assert "Đã tắt xác minh hai bước của Trương Thị Mai" in page(answer).select_one(".notice.success").get_text()
    with TestClient(client.app) as theirs:
        assert log_in(theirs, user).headers["location"] == "/"
