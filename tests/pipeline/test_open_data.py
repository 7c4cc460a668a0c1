"""The open-data API, the export command and commissioned problems."""

import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from marketplace.cli import main
from marketplace.config import get_settings
from marketplace.db import get_engine
from marketplace.models import Need
from marketplace.models._base import utcnow
from tests.builders import csrf_of, make_need, make_offer, make_org, make_user, page
from tests.pipeline.conftest import client_for


def test_offers_are_published_only_and_paginated_with_a_total(client: TestClient, db: Session) -> None:
    org = make_org(db)
    for n in range(3):
        make_offer(db, org, title=f"Chế phẩm sinh học số {n}", published_at=utcnow() - timedelta(days=n))
    make_offer(db, org, status="draft", title="Bản nháp chưa công bố")
    body = client.get("/api/v1/offers?limit=2&offset=1").json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 1)
    assert [o["title"] for o in body["items"]] == ["Chế phẩm sinh học số 1", "Chế phẩm sinh học số 2"]
    assert body["items"][0]["organization"] == org.name_vi


def test_needs_and_organizations_can_be_filtered(client: TestClient, db: Session) -> None:
    make_need(db, sector_code="aquaculture", title="Cần quy trình nuôi cua đầm phá")
    make_need(db)
    body = client.get("/api/v1/needs?sector=aquaculture").json()
    assert body["total"] == 1 and body["items"][0]["title"] == "Cần quy trình nuôi cua đầm phá"
    orgs = client.get("/api/v1/organizations?kind=enterprise").json()
    assert orgs["total"] == 2 and {o["published_needs"] for o in orgs["items"]} == {1}


def test_bad_api_parameters_get_a_422_with_the_field_named(client: TestClient) -> None:
    for query, field in (("/api/v1/offers?limit=0", "limit"), ("/api/v1/offers?limit=1000", "limit"),
                         ("/api/v1/needs?offset=-1", "offset"), ("/api/v1/offers?sector=vu-tru", "sector"),
                         ("/api/v1/organizations?kind=ufo", "kind"), ("/api/v1/stats?from=2026-02-30", "from")):  # fmt: skip
        response = client.get(query)
        assert response.status_code == 422, query
        assert field in response.json()["errors"], query


def test_stats_give_the_stock_and_the_flows_of_a_period(client: TestClient, db: Session) -> None:
    make_offer(db)
    make_need(db, status="submitted", published_at=None)
    body = client.get("/api/v1/stats").json()
    assert body["published_offers_now"] == 1 and body["published_needs_now"] == 0
    assert set(body["collaborations_by_stage"]) == {"proposed", "contacted", "negotiating", "agreement_signed",
                                                    "implementing", "commercialized", "closed"}  # fmt: skip


def test_the_openapi_document_describes_the_open_data_routes(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/offers", "/api/v1/needs", "/api/v1/organizations", "/api/v1/stats"} <= set(paths)


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The command line pointed at the test database (its settings and engine are cached per process)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield
    get_engine().dispose()
    get_settings.cache_clear()
    get_engine.cache_clear()


def test_the_export_command_writes_an_xlsx_of_the_indicators(db: Session, tmp_path, cli_database) -> None:  # type: ignore[no-untyped-def]
    make_offer(db)
    out = tmp_path / "chi-tieu.xlsx"
    assert main(["export", "--what", "indicators", "--format", "xlsx", "--out", str(out)]) == 0
    rows = {
        r[1]: r[2]
        for r in load_workbook(io.BytesIO(out.read_bytes()))["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)
    }
    assert rows["Công nghệ chào bán đã đăng trong kỳ"] == 1


def test_the_export_command_refuses_a_bad_period(cli_database, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["export", "--what", "listings", "--format", "csv", "--out", "-", "--from", "2026-13-01"]) == 2
    assert "--from" in capsys.readouterr().err


def test_staff_post_a_commissioned_problem_featured_on_the_home_page(staff_client: TestClient, db: Session) -> None:
    dost = make_org(db, key="dost", kind="government", name_vi="Sở Khoa học và Công nghệ thành phố Huế")
    token = csrf_of(staff_client, "/commissioned/new")
    form = {"csrf_token": token, "title": "Đặt hàng: quy trình bảo quản sen tươi xuất khẩu", "sector_code": "agri_food",
            "problem": "Hạt sen tươi Huế hư hỏng sau 3 ngày, không đủ thời gian vận chuyển đi xa.",
            "desired_outcome": "Quy trình bảo quản ít nhất 14 ngày, chi phí hợp lý cho HTX.",
            "funding_note": "Ngân sách KH&CN thành phố năm 2027, tối đa 800 triệu đồng.", "st_task_code": "ĐH.TTH.2027-01",
            "st_task_level": "city", "collaboration_types": ["research_contract"], "keywords": "sen, bảo quản"}  # fmt: skip
    response = staff_client.post("/commissioned/new", data=form, follow_redirects=False)
    assert response.status_code == 303
    need = db.exec(select(Need)).one()
    assert (need.commissioned, need.status, need.organization_id) == (True, "published", dost.id)
    home = page(staff_client.get("/"))
    card = home.select_one(".listing-card.need")
    assert card.select_one(".badge.commissioned").get_text() == "Đặt hàng"
    # the badge says "Đặt hàng" already: the title beside it does not repeat it (the stored title keeps it)
    assert card.select_one(".card-title").get_text(strip=True) == "Quy trình bảo quản sen tươi xuất khẩu"


def test_a_commissioned_problem_needs_a_funding_note_and_staff(
    app: FastAPI, staff_client: TestClient, db: Session
) -> None:
    token = csrf_of(staff_client, "/commissioned/new")
    response = staff_client.post("/commissioned/new", data={"csrf_token": token, "title": "Đặt hàng thử"})
    assert response.status_code == 422
    html = page(response)
    assert html.select_one("#e-funding_note") is not None and html.select_one("#e-problem") is not None
    assert html.select_one("#f-title")["value"] == "Đặt hàng thử"
    for client in client_for(app, make_user(db, role="enterprise")):
        assert client.get("/commissioned/new").status_code == 403


def test_the_api_documentation_is_served_without_a_cdn(client: TestClient) -> None:
    html = page(client.get("/docs"))
    sources = [s["src"] for s in html.select("script[src]")] + [
        link["href"] for link in html.select("link[rel=stylesheet]")
    ]
    assert sources and all(src.startswith("http://testserver/") for src in sources)
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/assets/..%2Fconsts.py").status_code == 404


def test_the_openapi_document_lists_only_the_json_api(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert all(path.startswith("/api/") for path in paths)
