"""Organizations' logos: their managers upload one on the profile form; the page and the directory show it."""

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session, select

from marketplace import logos
from marketplace.models import AuditLog, OrganizationLogo
from tests.builders import csrf_of, log_in, make_manager, make_org, make_user, page


def picture(size: tuple[int, int], kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if kind == "PNG" else "RGB", size, (75, 42, 107)).save(out, kind)
    return out.getvalue()


def send(client: TestClient, org_id: int, content: bytes, name: str = "logo.png") -> object:
    token = csrf_of(client, f"/organizations/{org_id}/edit")
    return client.post(
        f"/organizations/{org_id}/logo", data={"csrf_token": token}, files={"logo": (name, content, "image/png")}
    )


def test_a_manager_adds_a_logo_that_the_page_and_directory_show(client: TestClient, db: Session) -> None:
    org = make_org(db, kind="enterprise", name_vi="Công ty CP Dược liệu Trường Sơn")
    log_in(client, make_manager(db, org))
    response = send(client, org.id, picture((1200, 600), "JPEG"), "logo-truong-son.jpg")
    html = page(response)  # type: ignore[arg-type]
    assert html.select_one(".notice.success").get_text() == "Đã lưu logo."
    shown = html.select_one(".org-head img.org-logo")
    served = client.get(str(shown["src"]))
    assert served.headers["content-type"] == "image/png"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert Image.open(io.BytesIO(served.content)).size == (256, 128)  # fits 256 × 256, proportions kept
    assert html.select_one('meta[property="og:image"]')["content"].endswith(
        str(shown["src"]).removeprefix("http://testserver")
    )
    client.cookies.clear()
    card = page(client.get("/organizations?q=truong+son")).select_one(".org-card")
    assert card.select_one("img.org-card-logo")["src"] == shown["src"]
    logged = select(AuditLog.action).where(AuditLog.entity == "organization", AuditLog.entity_id == org.id)
    assert db.exec(logged).all() == ["organization.logo"]


def test_a_new_logo_gets_a_new_address_and_can_be_removed(client: TestClient, db: Session) -> None:
    org = make_org(db)
    log_in(client, make_manager(db, org))
    send(client, org.id, picture((300, 300)))
    first = page(client.get(f"/organizations/{org.id}")).select_one(".org-logo")["src"]
    send(client, org.id, picture((400, 200)))
    second = page(client.get(f"/organizations/{org.id}")).select_one(".org-logo")["src"]
    assert first != second
    old = client.get(str(first))  # an address with a past version is not kept long
    assert old.headers["cache-control"] == "public, max-age=300"
    token = csrf_of(client, f"/organizations/{org.id}/edit")
    done = page(client.post(f"/organizations/{org.id}/logo/delete", data={"csrf_token": token}))
    assert done.select_one(".notice.success").get_text() == "Đã gỡ logo." and done.select_one(".org-logo") is None
    assert client.get(f"/organizations/{org.id}/logo.png").status_code == 404


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Vui lòng chọn ảnh logo."),
        (b"%PDF-1.7 not a picture", "Logo phải là ảnh PNG, JPEG hoặc WebP."),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "Không đọc được ảnh này."),
        (b"\x89PNG\r\n\x1a\n" + bytes(logos.MAX_BYTES), "Ảnh này nặng 2 MB; logo tối đa 2 MB."),
    ],
)
def test_a_refused_logo_is_explained_beside_the_field(
    client: TestClient, db: Session, content: bytes, message: str
) -> None:
    org = make_org(db)
    log_in(client, make_manager(db, org))
    response = send(client, org.id, content)
    assert response.status_code == 422  # type: ignore[attr-defined]
    html = page(response)  # type: ignore[arg-type]
    assert message in html.select_one("#e-logo").get_text()
    assert html.select_one("#f-name_vi")["value"] == org.name_vi  # the profile form is still there
    assert db.get(OrganizationLogo, org.id) is None


def test_only_those_who_edit_the_profile_change_the_logo(client: TestClient, db: Session) -> None:
    org = make_org(db)
    log_in(client, make_user(db, org, role="researcher"))  # a member, not a manager
    token = csrf_of(client, "/")
    response = client.post(
        f"/organizations/{org.id}/logo", data={"csrf_token": token}, files={"logo": ("x.png", picture((64, 64)))}
    )
    assert response.status_code == 403 and db.get(OrganizationLogo, org.id) is None
    client.cookies.clear()
    log_in(client, make_user(db, role="staff"))
    assert send(client, org.id, picture((64, 64))).status_code == 200  # type: ignore[attr-defined]
    assert db.get(OrganizationLogo, org.id) is not None


def test_the_logo_form_speaks_english(client: TestClient, db: Session) -> None:
    org = make_org(db)
    log_in(client, make_manager(db, org))
    html = page(client.get(f"/organizations/{org.id}/edit?lang=en"))
    assert html.select_one("#logo-title").get_text() == "Logo"
    assert html.select_one("#f-logo-hint").get_text().startswith("PNG, JPEG or WebP, up to 2 MB")
    assert html.select_one(".logo-box button").get_text() == "Add the logo"
