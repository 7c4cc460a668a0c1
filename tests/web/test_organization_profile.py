"""Members keep their organization's profile current; staff verify organizations."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.models import AuditLog, Organization
from tests.builders import csrf_of, log_in, make_org, make_user, page


def profile_form(client: TestClient, org: Organization, **overrides: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_of(client, f"/organizations/{org.id}/edit"),
        "name_vi": org.name_vi,
        "name_en": "Huong Tra Green Environment Co., Ltd.",
        "ward": "Hương Trà",
        "website": "https://moitruongxanh.vn/",
        "description_vi": "Xử lý chất thải hữu cơ thành phân compost cho nông hộ.",
        "description_en": "",
    } | overrides


def test_a_member_edits_the_profile_and_visitors_see_it(client: TestClient, db: Session) -> None:
    org = make_org(db, kind="enterprise", name_vi="Công ty TNHH Môi trường Xanh Hương Trà")
    log_in(client, make_user(db, org, role="enterprise"))
    response = client.post(f"/organizations/{org.id}/edit", data=profile_form(client, org))
    html = page(response)
    assert html.select_one(".notice.success").get_text() == "Đã lưu hồ sơ tổ chức."
    assert "Hương Trà" in html.select_one("p.muted").get_text()
    assert html.select_one("a[rel~=noopener]").get_text() == "moitruongxanh.vn"
    assert db.get(Organization, org.id).kind == "enterprise"  # only staff change the kind


def test_profile_errors_keep_the_input(client: TestClient, db: Session) -> None:
    org = make_org(db)
    log_in(client, make_user(db, org))
    form = profile_form(client, org, name_vi="", website="không phải web", ward="Quận 1")
    html = page(client.post(f"/organizations/{org.id}/edit", data=form))
    assert html.select_one("#e-name_vi").get_text() == "Vui lòng nhập trường này."
    assert html.select_one("#e-website").get_text() == "Vui lòng nhập địa chỉ web, ví dụ donvi.edu.vn."
    assert html.select_one("#e-ward") is not None
    assert html.select_one("#f-website")["value"] == "không phải web"


def test_another_organization_cannot_edit_the_profile(client: TestClient, db: Session) -> None:
    org = make_org(db)
    log_in(client, make_user(db))
    assert client.get(f"/organizations/{org.id}/edit").status_code == 403
    token = csrf_of(client, "/")
    response = client.post(f"/organizations/{org.id}/edit", data={"csrf_token": token, "name_vi": "Chiếm quyền"})
    assert response.status_code == 403
    assert db.get(Organization, org.id).name_vi != "Chiếm quyền"


def test_staff_verify_an_organization_and_it_is_recorded(client: TestClient, db: Session) -> None:
    org = make_org(db, verified=False)
    staff = make_user(db, role="staff")
    log_in(client, staff)
    client.post(
        f"/organizations/{org.id}/verify",
        data={"verified": "1", "csrf_token": csrf_of(client, f"/organizations/{org.id}")},
    )
    db.refresh(org)
    assert org.verified
    entry = db.exec(select(AuditLog).where(AuditLog.action == "verify_organization")).one()
    assert (entry.actor_id, entry.entity_id) == (staff.id, org.id)


def test_only_staff_verify(client: TestClient, db: Session) -> None:
    org = make_org(db, verified=False)
    log_in(client, make_user(db, org))
    assert page(client.get(f"/organizations/{org.id}")).select_one("button[name=verified]") is None
    response = client.post(
        f"/organizations/{org.id}/verify", data={"verified": "1", "csrf_token": csrf_of(client, "/")}
    )
    assert response.status_code == 403
    db.refresh(org)
    assert not org.verified
