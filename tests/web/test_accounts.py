"""Registration, log-in, log-out and password change through the real forms."""

from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.models import Membership, Organization, User
from tests.builders import PASSWORD, csrf_of, log_in, make_org, make_user, page


def register_form(client: TestClient, **overrides: str) -> dict[str, str]:
    org_id = overrides.pop("organization_id", "")
    return {
        "csrf_token": csrf_of(client, "/register"),
        "full_name": "Nguyễn Văn Phúc",
        "email": "phuc@demo.hue.vn",
        "role": "researcher",
        "organization_mode": "existing",
        "organization_id": org_id,
        "language": "vi",
        "password": "mật-khẩu-dài-2026",
        "password_confirm": "mật-khẩu-dài-2026",
    } | overrides


def test_a_new_researcher_registers_and_sees_their_name(client: TestClient, db: Session) -> None:
    org = make_org(db)
    response = client.post("/register", data=register_form(client, organization_id=str(org.id)))
    assert response.status_code == 200
    assert page(response).select_one(".user-name").get_text(strip=True) == "Nguyễn Văn Phúc"
    user = db.exec(select(User).where(User.email == "phuc@demo.hue.vn")).one()
    assert user.role == "researcher" and user.password_hash.startswith("$argon2id$")
    # joining an existing organization is a request: no membership until someone approves it
    assert user.organization_id is None
    request = db.exec(select(Membership).where(Membership.user_id == user.id)).one()
    assert (request.organization_id, request.status) == (org.id, "pending")


def test_registering_can_create_a_new_organization(client: TestClient, db: Session) -> None:
    form = register_form(
        client,
        organization_mode="new",
        new_organization_name="HTX Dược liệu Hồng Vân",
        new_organization_kind="cooperative",
        role="enterprise",
    )
    assert client.post("/register", data=form).status_code == 200
    org = db.exec(select(Organization).where(Organization.name_vi == "HTX Dược liệu Hồng Vân")).one()
    assert org.kind == "cooperative" and not org.verified
    # whoever registers a new organization belongs to it at once and manages it (it stays unverified)
    user = db.exec(select(User).where(User.email == "phuc@demo.hue.vn")).one()
    assert user.organization_id == org.id
    membership = db.exec(select(Membership).where(Membership.user_id == user.id)).one()
    assert (membership.status, membership.manager) == ("approved", True)


def test_registration_errors_appear_beside_fields_and_keep_what_was_typed(client: TestClient, db: Session) -> None:
    make_user(db, email="da.co@demo.hue.vn")
    form = register_form(
        client,
        email="DA.CO@demo.hue.vn",
        full_name="Lê Thị Mai",
        password="ngắn",
        password_confirm="ngắn",
        role="staff",
    )
    response = client.post("/register", data=form)
    assert response.status_code == 422
    html = page(response)
    assert (
        html.select_one("#e-email").get_text()
        == "Đã có tài khoản dùng e-mail này. Hãy đăng nhập hoặc dùng e-mail khác."
    )
    assert html.select_one("#e-password").get_text() == "Mật khẩu cần ít nhất 8 ký tự."
    assert html.select_one("#e-role") is not None  # staff cannot be chosen here
    assert html.select_one("#e-organization_id") is not None
    assert html.select_one("#f-full_name")["value"] == "Lê Thị Mai"
    assert html.select_one("#f-email")["value"] == "DA.CO@demo.hue.vn"
    assert html.select_one("#f-password")["value"] == ""  # passwords are never sent back


def test_registration_rejects_empty_overlong_and_malformed_input(client: TestClient, db: Session) -> None:
    form = register_form(client, full_name="", email="khong-phai-email", organization_id="abc")
    html = page(client.post("/register", data=form))
    assert html.select_one("#e-full_name").get_text() == "Vui lòng nhập trường này."
    assert html.select_one("#e-email").get_text() == "Vui lòng nhập e-mail hợp lệ, ví dụ ten@donvi.vn."
    form = register_form(client, full_name="Phúc" * 100, email="a" * 300 + "@demo.hue.vn")
    html = page(client.post("/register", data=form))
    assert "không quá 120 ký tự" in html.select_one("#e-full_name").get_text()
    assert "không quá 254 ký tự" in html.select_one("#e-email").get_text()
    assert db.exec(select(User)).all() == []


def test_wrong_email_and_wrong_password_give_the_same_message(client: TestClient, db: Session) -> None:
    user = make_user(db)
    wrong_password = client.post(
        "/login", data={"email": user.email, "password": "sai-mật-khẩu", "csrf_token": csrf_of(client)}
    )
    unknown = client.post(
        "/login", data={"email": "khong.co@demo.hue.vn", "password": PASSWORD, "csrf_token": csrf_of(client)}
    )
    messages = {page(r).select_one(".notice.error").get_text(strip=True) for r in (wrong_password, unknown)}
    assert messages == {"E-mail hoặc mật khẩu không đúng."}
    assert page(unknown).select_one("#f-email")["value"] == "khong.co@demo.hue.vn"


def test_login_is_throttled_after_repeated_failures(client: TestClient, db: Session) -> None:
    user = make_user(db)
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "sai", "csrf_token": csrf_of(client)})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_of(client)})
    assert response.status_code == 429
    assert "quá nhiều lần" in page(response).select_one(".notice.error").get_text()


def test_a_locked_out_login_shows_the_form_again_with_the_email_and_where_to_go_next(
    client: TestClient, db: Session
) -> None:
    user = make_user(db)
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "sai", "csrf_token": csrf_of(client)})
    form = {"email": user.email, "password": PASSWORD, "next": "/needs/7", "csrf_token": csrf_of(client)}
    html = page(response := client.post("/login", data=form))
    assert response.status_code == 429
    assert html.select_one("form #f-email")["value"] == user.email
    assert html.select_one("form input[name=next]")["value"] == "/needs/7"
    assert html.select_one("#f-password")["value"] == ""
    assert html.select_one(".toast") is None  # the form itself, not an error page


def test_an_empty_registration_flags_every_field_at_once(client: TestClient, db: Session) -> None:
    form = {"csrf_token": csrf_of(client, "/register"), "organization_mode": "existing"}
    html = page(client.post("/register", data=form))
    flagged = {p["id"] for p in html.select("p.error[id]")}
    assert {"e-email", "e-full_name", "e-role", "e-password", "e-password_confirm"} <= flagged
    assert html.select_one("#e-password_confirm").get_text() == "Vui lòng nhập lại mật khẩu."


def test_a_short_password_and_a_different_repetition_are_both_flagged(client: TestClient, db: Session) -> None:
    html = page(client.post("/register", data=register_form(client, password="ngắn", password_confirm="khác")))
    assert html.select_one("#e-password").get_text() == "Mật khẩu cần ít nhất 8 ký tự."
    assert html.select_one("#e-password_confirm").get_text() == "Hai mật khẩu không khớp nhau."


def test_login_rotates_the_session_and_sets_safe_cookie_flags(client: TestClient, db: Session) -> None:
    user = make_user(db)
    before = csrf_of(client)
    response = log_in(client, user)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert csrf_of(client, "/") != before  # the CSRF token from before log-in is gone


def test_log_out_ends_the_session(client: TestClient, db: Session) -> None:
    user = make_user(db, full_name="Hoàng Minh Tâm")
    log_in(client, user)
    assert page(client.get("/")).select_one(".user-name").get_text() == "Hoàng Minh Tâm"
    client.post("/logout", data={"csrf_token": csrf_of(client, "/")})
    assert page(client.get("/")).select_one(".user-name") is None


def test_a_form_without_the_csrf_token_is_refused(client: TestClient, db: Session) -> None:
    user = make_user(db)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert page(client.get("/")).select_one(".user-name") is None


def test_changing_the_password_ends_other_sessions(app, db: Session) -> None:  # type: ignore[no-untyped-def]
    user = make_user(db)
    with TestClient(app) as first, TestClient(app) as second:
        log_in(first, user)
        log_in(second, user)
        form = {
            "current_password": PASSWORD,
            "new_password": "mật-khẩu-mới-2027",
            "new_password_confirm": "mật-khẩu-mới-2027",
            "csrf_token": csrf_of(first, "/account/password"),
        }
        assert first.post("/account/password", data=form, follow_redirects=False).status_code == 303
        assert page(first.get("/")).select_one(".user-name") is not None
        assert page(second.get("/")).select_one(".user-name") is None
        assert log_in(second, user, "mật-khẩu-mới-2027").status_code == 303


def test_a_wrong_current_password_is_reported_beside_the_field(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db))
    form = {
        "current_password": "sai",
        "new_password": "mật-khẩu-mới-2027",
        "new_password_confirm": "khác-hẳn-2027",
        "csrf_token": csrf_of(client, "/account/password"),
    }
    html = page(client.post("/account/password", data=form))
    assert html.select_one("#e-current_password").get_text() == "Mật khẩu hiện tại không đúng."
    assert html.select_one("#e-new_password_confirm").get_text() == "Hai mật khẩu không khớp nhau."


def test_pages_for_signed_in_users_send_visitors_to_log_in(client: TestClient) -> None:
    response = client.get("/account/password", follow_redirects=False)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/login" and parse_qs(location.query) == {"next": ["/account/password"]}
