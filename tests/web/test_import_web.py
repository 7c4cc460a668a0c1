"""The import page: a template to download, an upload that shows a preview, a confirmation that creates drafts."""

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from marketplace.models import AuditLog, Offer, Organization, User
from tests.builders import csrf_of, log_in, make_manager, make_offer, make_org, make_user, page, xlsx

HEADER = ["Tiêu đề", "Lĩnh vực", "TRL", "Hình thức hợp tác"]
ROWS = [
    ["Quy trình chưng cất tinh dầu tràm đạt chuẩn 1,8-cineole", "Dược liệu", 6, "Li-xăng"],
    ["Cao khô cà gai leo hỗ trợ điều trị viêm gan", "duoc lieu", "TRL 5", "tu van"],
    ["Nấm", "Nấm ăn", 12, ""],
]


@pytest.fixture
def institute(db: Session) -> Organization:
    return make_org(db, name_vi="Viện Công nghệ Sinh học, Đại học Huế")


@pytest.fixture
def manager(db: Session, institute: Organization) -> User:
    return make_manager(db, institute, role="researcher", full_name="PGS.TS. Lê Văn Khiêm")


def upload(client: TestClient, content: bytes, *, organization: Organization, kind: str = "offer", lang: str = "vi") -> Any:  # fmt: skip
    token = csrf_of(client, f"/listings/import?lang={lang}")
    return client.post(
        f"/listings/import?lang={lang}",
        data={"csrf_token": token, "kind": kind, "organization_id": str(organization.id)},
        files={"file": ("danh-muc-ket-qua-2025.xlsx", content, "application/octet-stream")},
    )


def test_a_manager_uploads_sees_the_preview_and_confirms_drafts(
    client: TestClient, db: Session, manager: User, institute: Organization
) -> None:
    log_in(client, manager)
    preview = upload(client, xlsx([HEADER, *ROWS]), organization=institute)
    assert preview.status_code == 200
    html = page(preview)
    fates = [tr.select_one("td:nth-of-type(3) .badge").get_text(strip=True) for tr in html.select("table.import-rows tbody tr")]  # fmt: skip
    assert fates == ["Sẽ được tạo thành bản nháp", "Sẽ được tạo thành bản nháp", "Bị từ chối"]
    problems = [li.get_text(" ", strip=True) for li in html.select("tr.is-refused .import-problems li")]
    assert problems[0].startswith("A4 Tiêu đề: Vui lòng viết ít nhất 5 ký tự")
    assert any(p.startswith("B4 Lĩnh vực: “Nấm ăn”") for p in problems)
    assert db.exec(select(Offer)).all() == []  # nothing written before the confirmation
    form = html.select_one("form.import-confirm")
    data: dict[str, Any] = {"csrf_token": form.select_one("input[name=csrf_token]")["value"]}
    data["row"] = [str(i["value"]) for i in form.select("input[name=row]")]
    done = client.post("/listings/import/confirm", data=data, follow_redirects=False)
    assert done.status_code == 303
    offers = db.exec(select(Offer).order_by(Offer.id)).all()
    assert [(o.title, o.status, o.sector_code, o.trl) for o in offers] == [
        (ROWS[0][0], "draft", "medicinal", 6),
        (ROWS[1][0], "draft", "medicinal", 5),
    ]
    told = page(client.get(done.headers["location"])).select_one(".notice.success").get_text(" ", strip=True)
    assert told.startswith("Đã tạo 2 bản nháp.")
    again = client.post("/listings/import/confirm", data=data, follow_redirects=True)
    assert "đã được nhập rồi" in page(again).select_one(".notice.success").get_text()
    assert len(db.exec(select(Offer)).all()) == 2
    entry = db.exec(select(AuditLog).where(AuditLog.action == "listing.import")).one()
    assert (entry.entity, entry.entity_id, entry.detail["created"]) == ("organization", institute.id, 2)


def test_a_wrong_file_answers_422_with_its_message_beside_the_field_in_english(
    client: TestClient, manager: User, institute: Organization
) -> None:
    log_in(client, manager)
    response = upload(client, b"%PDF-1.7\n" + b"0" * 100, organization=institute, lang="en")
    assert response.status_code == 422
    assert page(response).select_one("#e-f-file").get_text() == (
        "This file is neither an Excel workbook (.xlsx) nor a CSV file."
    )
    assert page(response).select_one("input[name=kind][value=offer]").has_attr("checked")


def test_a_previewed_duplicate_is_shown_as_skipped(client: TestClient, db: Session, manager: User, institute: Organization) -> None:  # fmt: skip
    make_offer(db, institute, title=ROWS[0][0])
    log_in(client, manager)
    html = page(upload(client, xlsx([HEADER, ROWS[0]]), organization=institute, lang="en"))
    assert html.select_one("tr.is-duplicate .badge").get_text(strip=True).startswith("Skipped")
    assert html.select_one("form.import-confirm") is None


def test_the_upload_without_the_csrf_token_is_refused(client: TestClient, db: Session, manager: User, institute: Organization) -> None:  # fmt: skip
    log_in(client, manager)
    response = client.post("/listings/import", data={"kind": "offer", "organization_id": str(institute.id)},
                           files={"file": ("a.xlsx", xlsx([HEADER, ROWS[0]]), "application/octet-stream")})  # fmt: skip
    assert response.status_code == 403
    assert db.exec(select(Offer)).all() == []


def test_a_confirmation_with_a_forged_row_is_refused(client: TestClient, db: Session, manager: User) -> None:
    log_in(client, manager)
    token = csrf_of(client, "/listings/import")
    response = client.post("/listings/import/confirm", data={"csrf_token": token, "row": ["giả mạo", "giả mạo"]})
    assert response.status_code == 422
    assert db.exec(select(Offer)).all() == []


def test_staff_choose_the_organization_and_a_plain_member_is_told_who_imports(
    client: TestClient, db: Session, institute: Organization
) -> None:
    log_in(client, make_user(db, role="staff"))
    choices = page(client.get("/listings/import")).select("select[name=organization_id] option")
    assert "Viện Công nghệ Sinh học, Đại học Huế" in [o.get_text() for o in choices]
    client.cookies.clear()
    log_in(client, make_user(db, institute))
    html = page(client.get("/listings/import?lang=en"))
    assert html.select_one("form.import-form") is None
    assert "Only a manager of an organization" in html.select_one(".notice.warning").get_text()
    other = make_org(db, name_vi="Trường Đại học Nông Lâm Huế")
    refused = upload(client, xlsx([HEADER, ROWS[0]]), organization=other)
    assert refused.status_code == 403


def test_the_templates_download_as_xlsx_and_csv(client: TestClient) -> None:
    book = client.get("/listings/import/template-need.xlsx")
    assert book.headers["content-disposition"] == 'attachment; filename="mau-nhap-nhu-cau.xlsx"'
    assert load_workbook(io.BytesIO(book.content)).worksheets[0]["A2"].value == "title"
    sheet = client.get("/listings/import/template-offer.csv")
    assert sheet.content.decode("utf-8").startswith("\ufeffTiêu đề *,Lĩnh vực *")
    assert client.get("/listings/import/template-expert.csv").status_code == 404
