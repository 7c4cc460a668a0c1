"""Administrators manage accounts on /users: find, appoint staff, deactivate (with a reason) and reactivate."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.models import AuditLog, User
from tests.builders import csrf_of, log_in, make_org, make_user, page


def admin_client(client: TestClient, db: Session) -> User:
    admin = make_user(db, role="admin", full_name="Nguyễn Đức Hòa")
    log_in(client, admin)
    return admin


def names(response: object) -> list[str]:
    cells = page(response).select(".accounts tbody td:first-child strong")  # type: ignore[arg-type]
    return [strong.get_text(strip=True) for strong in cells]


def test_an_administrator_finds_accounts_with_or_without_accents(client: TestClient, db: Session) -> None:
    admin_client(client, db)
    make_user(db, full_name="Trần Thị Hạnh", email="hanh.tran@dongduoc.vn",
              organization=make_org(db, name_vi="Công ty Đông dược Huế"))  # fmt: skip
    make_user(db, full_name="Lê Văn Đức", role="enterprise")
    make_user(db, full_name="Phạm Minh Hạnh", role="staff", is_active=False)
    assert names(client.get("/users", params={"q": "hanh"})) == ["Phạm Minh Hạnh", "Trần Thị Hạnh"]
    assert names(client.get("/users", params={"q": "Đức"})) == ["Lê Văn Đức", "Nguyễn Đức Hòa"]
    assert names(client.get("/users", params={"q": "dongduoc"})) == ["Trần Thị Hạnh"]  # the e-mail too
    assert names(client.get("/users", params={"q": "hanh", "state": "inactive"})) == ["Phạm Minh Hạnh"]
    assert names(client.get("/users", params={"role": "enterprise"})) == ["Lê Văn Đức"]
    row = page(client.get("/users", params={"q": "tran thi"})).select_one(".accounts tbody tr")
    assert row.select_one("td:nth-child(2) a").get_text(strip=True) == "Công ty Đông dược Huế"


def test_unknown_filters_are_left_out_with_a_message(client: TestClient, db: Session) -> None:
    admin_client(client, db)
    response = client.get("/users", params={"role": "vua", "q": "hòa"})
    assert response.status_code == 422
    html = page(response)
    assert html.select_one("#e-role").get_text(strip=True) == "Vui lòng chọn một trong các mục có sẵn."
    assert names(response) == ["Nguyễn Đức Hòa"]
    assert html.select_one("#f-q")["value"] == "hòa"


def test_an_administrator_appoints_staff_and_it_is_audited(client: TestClient, db: Session) -> None:
    admin = admin_client(client, db)
    user = make_user(db, full_name="Võ Thị Lan", role="researcher")
    token = csrf_of(client, "/users")
    response = client.post(
        f"/users/{user.id}/role", data={"csrf_token": token, "role": "staff", "next": "/users?q=lan"}
    )
    assert page(response).select_one(".notice.success").get_text(strip=True) == "Võ Thị Lan từ nay là: Cán bộ Sở KH&CN."
    assert names(response) == ["Võ Thị Lan"]  # back on the list it came from
    db.refresh(user)
    assert user.role == "staff"
    entry = db.exec(select(AuditLog).where(AuditLog.action == "user.role")).one()
    assert (entry.actor_id, entry.entity_id, entry.detail) == (
        admin.id,
        user.id,
        {"from_role": "researcher", "to_role": "staff"},
    )


def test_deactivating_needs_a_reason_keeps_what_was_typed_and_ends_the_sessions(
    client: TestClient, db: Session, app: object
) -> None:
    admin_client(client, db)
    user = make_user(db, full_name="Đặng Văn Spam", role="enterprise")
    with TestClient(app) as other:  # type: ignore[arg-type]
        log_in(other, user)
        assert other.get("/me").status_code == 200
        token = csrf_of(client, "/users")
        refused = client.post(
            f"/users/{user.id}/deactivate", data={"csrf_token": token, "reason": "x", "next": "/users"}
        )
        assert refused.status_code == 422
        html = page(refused)
        assert html.select_one(f"#reason-error-{user.id}").get_text(strip=True) == "Vui lòng viết ít nhất 3 ký tự."
        assert html.select_one(f"#reason-{user.id}")["value"] == "x"
        assert html.select_one(f"#account-{user.id} details").has_attr("open")
        done = client.post(f"/users/{user.id}/deactivate",
                           data={"csrf_token": token, "reason": "Đăng tin rác hàng loạt", "next": "/users"})  # fmt: skip
        assert page(done).select_one(".notice.success").get_text(strip=True) == "Đặng Văn Spam không thể đăng nhập nữa."
        assert other.get("/me", follow_redirects=False).status_code == 303  # logged out at the next request
    db.refresh(user)
    assert not user.is_active
    entry = db.exec(select(AuditLog).where(AuditLog.action == "user.deactivate")).one()
    assert entry.detail == {"reason": "Đăng tin rác hàng loạt"}
    failed = client.post("/logout", data={"csrf_token": csrf_of(client, "/users")})
    assert failed.status_code in (200, 303)
    assert log_in(client, user).status_code != 303  # cannot log in any more

    admin_client(client, db)
    back = client.post(f"/users/{user.id}/reactivate", data={"csrf_token": csrf_of(client, "/users"), "next": "/users"})
    assert page(back).select_one(".notice.success").get_text(strip=True) == "Đặng Văn Spam có thể đăng nhập lại."
    db.refresh(user)
    assert user.is_active


def test_an_administrator_cannot_demote_or_deactivate_themselves(client: TestClient, db: Session) -> None:
    admin = admin_client(client, db)
    own_row = page(client.get("/users")).select_one(f"#account-{admin.id}")
    assert own_row.select_one("form") is None and own_row.select_one("select") is None
    token = csrf_of(client, "/users")
    assert client.post(f"/users/{admin.id}/role", data={"csrf_token": token, "role": "researcher"}).status_code == 403
    assert (
        client.post(f"/users/{admin.id}/deactivate", data={"csrf_token": token, "reason": "thử xem"}).status_code == 403
    )
    db.refresh(admin)
    assert (admin.role, admin.is_active) == ("admin", True)


def test_only_administrators_reach_the_accounts(client: TestClient, db: Session) -> None:
    target = make_user(db)
    log_in(client, make_user(db, role="staff"))
    assert client.get("/users").status_code == 403
    token = csrf_of(client, "/me")
    assert client.post(f"/users/{target.id}/role", data={"csrf_token": token, "role": "admin"}).status_code == 403
    db.refresh(target)
    assert target.role == "researcher"
    assert "/users" not in page(client.get("/me")).select_one(".main-nav").decode()


def test_the_administrator_sees_the_accounts_link(client: TestClient, db: Session) -> None:
    admin_client(client, db)
    link = page(client.get("/me")).select_one(".main-nav a[href$='/users']")
    assert link is not None and link.get_text(strip=True) == "Tài khoản"


def test_an_administrator_takes_an_address_as_confirmed_when_no_link_can_reach_it(
    client: TestClient, db: Session
) -> None:
    admin = admin_client(client, db)
    waiting = make_user(db, full_name="Lê Thị Mơ", email_confirmed_at=None)
    make_user(db, full_name="Trần Văn Xác")
    assert names(client.get("/users", params={"state": "unconfirmed"})) == ["Lê Thị Mơ"]
    token = csrf_of(client, "/users")
    done = client.post(f"/users/{waiting.id}/confirm-email", data={"csrf_token": token, "next": "/users"})
    assert page(done).select_one(".notice.success").get_text(strip=True) == (
        "Địa chỉ e-mail của Lê Thị Mơ được coi là đã xác nhận."
    )
    db.refresh(waiting)
    assert waiting.email_confirmed_at is not None
    entry = db.exec(select(AuditLog).where(AuditLog.action == "user.confirm_email")).one()
    assert (entry.actor_id, entry.entity_id) == (admin.id, waiting.id)
    assert names(client.get("/users", params={"state": "unconfirmed"})) == []
