"""The public open-data page, the single-record API endpoints and the CSV downloads of published listings."""

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from marketplace.api.v1 import NeedOut, OfferOut
from tests.builders import make_need, make_offer, make_org, page
from tests.pipeline.conftest import make_collab


def _figures(db: Session) -> None:
    """Two published offers (medicinal, aquaculture), one published need, a draft of each, a deal negotiating."""
    institute = make_org(db, name_vi="Viện Công nghệ Sinh học Huế")
    company = make_org(db, kind="enterprise", name_vi="Công ty CP Dược Huế Xanh")
    make_offer(db, institute, title="Quy trình chiết xuất tinh dầu tràm")
    make_offer(db, institute, sector_code="aquaculture", title="Mô hình nuôi cua đầm phá Tam Giang")
    make_offer(db, institute, status="draft", published_at=None, title="Bản nháp chưa công bố")
    make_need(db, company)
    make_need(db, company, status="submitted", published_at=None, title="Nhu cầu đang chờ duyệt")
    make_collab(db, provider=institute, seeker=company, stage="negotiating")


def _row(html, table: str, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    for row in html.select(f"table.{table} tr"):
        if row.select_one("th[scope=row]") and row.select_one("th[scope=row]").get_text(strip=True) == name:
            return [td.get_text(strip=True) for td in row.select("td")]
    raise AssertionError(f"no row {name!r} in {table}")


def test_the_open_data_page_shows_the_published_figures_in_vietnamese(client: TestClient, db: Session) -> None:
    _figures(db)
    html = page(client.get("/open-data"))
    assert html.select_one("h1").get_text() == "Dữ liệu mở"
    assert [dd.get_text() for dd in html.select(".stats dd")] == ["2", "1", "2", "0", "0"]  # no meeting, no story
    assert _row(html, "od-by-sector", "Dược liệu và sản phẩm tự nhiên") == ["1", "1"]
    assert len(html.select("table.od-by-sector tbody tr")) == 2  # drafts and submitted needs are not counted
    assert _row(html, "od-by-kind", "Viện nghiên cứu") == ["1"]
    assert _row(html, "od-by-stage", "Đang đàm phán") == ["1"]
    assert "Công ty CP Dược Huế Xanh" not in html.select_one("table.od-by-stage").get_text()  # counts, not deals


def test_the_open_data_page_speaks_english_and_links_the_docs_api_and_downloads(
    client: TestClient, db: Session
) -> None:
    _figures(db)
    client.get("/lang/en")
    html = page(client.get("/open-data"))
    assert html.select_one("h1").get_text() == "Open data"
    assert _row(html, "od-by-sector", "Medicinal plants and natural products") == ["1", "1"]
    links = {a["href"].removeprefix("http://testserver") for a in html.select("main a[href]")}
    assert {
        "/docs",
        "/api/v1/offers.csv",
        "/api/v1/needs.csv",
        "/api/v1/openapi.json",
        "/api/v1/needs?limit=5",
    } <= links
    examples = [a["href"].removeprefix("http://testserver") for a in html.select("table.od-endpoints a")]
    for href in examples:  # every example answers
        assert client.get(href).status_code == 200, href


def test_the_site_footer_links_to_the_open_data_page(client: TestClient) -> None:
    link = page(client.get("/")).select_one("footer a[href='http://testserver/open-data']")
    assert link is not None and link.get_text() == "Dữ liệu mở / API"


def test_one_published_offer_or_need_has_the_fields_of_the_list_items_and_its_files(
    client: TestClient, db: Session
) -> None:
    offer, need = make_offer(db), make_need(db)
    listed = client.get("/api/v1/offers").json()["items"][0]
    assert client.get(f"/api/v1/offers/{offer.id}").json() == listed | {"attachments": []}
    body = client.get(f"/api/v1/needs/{need.id}").json()
    assert body == client.get("/api/v1/needs").json()["items"][0] | {"attachments": []} and body["title"] == need.title


def test_one_organization_has_the_fields_of_the_list_items(client: TestClient, db: Session) -> None:
    org = make_org(db, name_vi="Trường Đại học Y - Dược, Đại học Huế", kind="university")
    make_offer(db, org)
    body = client.get(f"/api/v1/organizations/{org.id}").json()
    assert body == client.get("/api/v1/organizations").json()["items"][0]
    assert body["published_offers"] == 1


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "archived"])
def test_an_unpublished_listing_is_not_found_through_the_api(client: TestClient, db: Session, status: str) -> None:
    offer = make_offer(db, status=status, title="Bí mật chưa công bố")
    need = make_need(db, status=status, title="Nhu cầu chưa công bố")
    for path in (f"/api/v1/offers/{offer.id}", f"/api/v1/needs/{need.id}"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "chưa công bố" not in response.text and set(response.json()) == {"detail"}


@pytest.mark.parametrize("record", ["999999", "0", "abc", "99999999999", "-1"])
def test_an_unknown_or_impossible_id_answers_404_json(client: TestClient, record: str) -> None:
    for kind in ("offers", "needs", "organizations"):
        response = client.get(f"/api/v1/{kind}/{record}")
        assert response.status_code == 404 and response.headers["content-type"] == "application/json"


def _csv(client: TestClient, path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_downloads_hold_only_published_listings_with_the_api_fields(client: TestClient, db: Session) -> None:
    _figures(db)
    offers = _csv(client, "/api/v1/offers.csv")
    assert list(offers[0]) == list(OfferOut.model_fields)
    assert sorted(o["title"] for o in offers) == [
        "Mô hình nuôi cua đầm phá Tam Giang",
        "Quy trình chiết xuất tinh dầu tràm",
    ]
    assert offers[0]["keywords"] == "tinh dầu tràm; chưng cất; cineole"
    needs = _csv(client, "/api/v1/needs.csv")
    assert list(needs[0]) == list(NeedOut.model_fields) and len(needs) == 1
    assert [o["title"] for o in _csv(client, "/api/v1/offers.csv?sector=aquaculture")] == [
        "Mô hình nuôi cua đầm phá Tam Giang"
    ]


def test_an_empty_csv_still_has_its_header_row(client: TestClient) -> None:
    text = client.get("/api/v1/needs.csv").content.decode("utf-8-sig")
    assert text.strip() == ",".join(NeedOut.model_fields)
    assert client.get("/api/v1/offers.csv?sector=vu-tru").status_code == 422


def test_the_openapi_document_describes_the_single_records_and_downloads(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    one_offer = paths["/api/v1/offers/{offer_id}"]["get"]["responses"]
    assert one_offer["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/OfferDetailOut"}
    assert (
        "404" in one_offer and "/api/v1/needs/{need_id}" in paths and "/api/v1/organizations/{organization_id}" in paths
    )
    assert "text/csv" in paths["/api/v1/offers.csv"]["get"]["responses"]["200"]["content"]
