"""Managers keep their organization's profile current (staff edit every one); staff verify organizations."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.models import AuditLog, Organization
from tests.builders import csrf_of, log_in, make_manager, make_org, make_user, page


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


def test_a_manager_edits_the_profile_and_visitors_see_it(client: TestClient, db: Session) -> None:
    org = make_org(db, kind="enterprise", name_vi="Công ty TNHH Môi trường Xanh Hương Trà")
    log_in(client, make_manager(db, org))
    edit = page(client.get(f"/organizations/{org.id}")).select_one(".org-tools a[href$='/edit']")
    assert edit.get_text() == "Sửa hồ sơ"
    response = client.post(f"/organizations/{org.id}/edit", data=profile_form(client, org))
    html = page(response)
    assert html.select_one(".notice.success").get_text() == "Đã lưu hồ sơ tổ chức."
    assert "Hương Trà" in html.select_one("p.muted").get_text()
    assert html.select_one("a[rel~=noopener]").get_text() == "moitruongxanh.vn"
    assert db.get(Organization, org.id).kind == "enterprise"  # only staff change the kind


def test_profile_errors_keep_the_input(client: TestClient, db: Session) -> None:
    org = make_org(db)
    log_in(client, make_manager(db, org, role="researcher"))
    form = profile_form(client, org, name_vi="", website="không phải web", ward="Quận 1")
    html = page(client.post(f"/organizations/{org.id}/edit", data=form))
    assert html.select_one("#e-name_vi").get_text() == "Vui lòng nhập trường này."
    assert html.select_one("#e-website").get_text() == "Vui lòng nhập địa chỉ web, ví dụ donvi.edu.vn."
    assert html.select_one("#e-ward") is not None
    assert html.select_one("#f-website")["value"] == "không phải web"


def test_a_manager_of_another_organization_cannot_edit_the_profile(client: TestClient, db: Session) -> None:
    org = make_org(db)
    log_in(client, make_manager(db, make_org(db, kind="enterprise")))
    assert client.get(f"/organizations/{org.id}/edit").status_code == 403
    token = csrf_of(client, "/")
    response = client.post(f"/organizations/{org.id}/edit", data={"csrf_token": token, "name_vi": "Chiếm quyền"})
    assert response.status_code == 403
    assert db.get(Organization, org.id).name_vi != "Chiếm quyền"


def test_a_member_who_is_not_a_manager_is_told_who_edits_the_profile(client: TestClient, db: Session) -> None:
    org = make_org(db, kind="cooperative", name_vi="HTX Dược liệu Nam Đông")
    make_manager(db, org, full_name="Hồ Văn Lực")
    log_in(client, make_user(db, org, role="enterprise", full_name="Trần Thị Mai"))
    html = page(client.get(f"/organizations/{org.id}"))
    assert html.select_one("a[href$='/edit']") is None and html.select_one(".org-tools") is None
    assert html.select_one("#who-edits").get_text() == (
        "Chỉ người quản lý của tổ chức hoặc cán bộ Sở mới sửa được hồ sơ này."
    )
    refused = client.get(f"/organizations/{org.id}/edit")
    assert refused.status_code == 403
    assert page(refused).select_one(".error-page .toast").get_text() == (
        "Chỉ người quản lý của tổ chức hoặc cán bộ Sở mới sửa được hồ sơ này."
    )
    response = client.post(f"/organizations/{org.id}/edit", data={"csrf_token": csrf_of(client, "/"),
                                                                  "name_vi": "HTX Dược liệu Nam Đông mới"})  # fmt: skip
    assert response.status_code == 403
    db.refresh(org)
    assert org.name_vi == "HTX Dược liệu Nam Đông"
    assert db.exec(select(AuditLog).where(AuditLog.action == "update_organization")).all() == []
    client.get("/lang/en?next=/")
    english = page(client.get(f"/organizations/{org.id}/edit")).select_one(".error-page .toast").get_text()
    assert english == "Only the organization's managers or Department staff can edit this profile."


def test_only_staff_edit_the_profile_of_a_government_body(client: TestClient, db: Session) -> None:
    department = make_org(db, kind="government", name_vi="Sở Khoa học và Công nghệ thành phố Huế")
    log_in(client, make_manager(db, department, full_name="Lê Văn Hùng"))  # marked manager: still not enough
    refused = page(client.get(f"/organizations/{department.id}/edit"))
    assert (
        refused.select_one(".error-page .toast").get_text() == "Chỉ cán bộ Sở mới sửa được hồ sơ của cơ quan nhà nước."
    )
    client.cookies.clear()
    log_in(client, make_user(db, role="staff"))
    assert page(client.get(f"/organizations/{department.id}")).select_one("#who-edits").get_text() == (
        "Chỉ cán bộ Sở mới sửa được hồ sơ của cơ quan nhà nước."
    )
    form = profile_form(client, department, name_en="Hue City Department of Science and Technology", website="",
                        ward="Thuận Hóa", kind="government")  # fmt: skip
    assert client.post(f"/organizations/{department.id}/edit", data=form, follow_redirects=False).status_code == 303
    db.refresh(department)
    assert (department.name_en, department.ward) == ("Hue City Department of Science and Technology", "Thuận Hóa")


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
