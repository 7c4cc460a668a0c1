"""GET /api/v1/search: the same results as the page, as JSON; bad input is a 422 with a message per field."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.builders import make_need, make_offer, make_org, page


def test_the_api_returns_results_facets_and_the_total(client: TestClient, db: Session) -> None:
    org = make_org(db, name_vi="Trường Đại học Nông Lâm, Đại học Huế")
    offer = make_offer(db, org, title="Chế phẩm sinh học cho ao nuôi tôm", trl=7, sector_code="aquaculture")
    make_need(db, title="Cần chế phẩm sinh học xử lý nước ao", sector_code="aquaculture")
    body = client.get("/api/v1/search", params={"q": "che pham sinh hoc", "kind": "offer"}).json()
    assert (body["total"], body["page"], body["pages"], body["degraded"]) == (1, 1, 1, False)
    hit = body["results"][0]
    assert (hit["kind"], hit["id"], hit["title"], hit["trl"]) == (
        "offer",
        offer.id,
        "Chế phẩm sinh học cho ao nuôi tôm",
        7,
    )
    assert hit["organization"]["name"] == "Trường Đại học Nông Lâm, Đại học Huế"
    assert hit["title_html"].startswith("<mark>Chế")
    assert hit["url"].endswith(f"/offers/{offer.id}")
    assert {v["value"]: v["count"] for v in body["facets"]["kind"]} == {"offer": 1, "need": 1}
    assert body["facets"]["sector"] == [{"value": "aquaculture", "label": "Thủy sản", "count": 1, "selected": False}]


def test_the_api_and_the_page_agree(client: TestClient, db: Session) -> None:
    for n in range(3):
        make_offer(db, title=f"Máy sấy dược liệu năng lượng mặt trời mẫu {n}")
    body = client.get("/api/v1/search", params={"q": "may say"}).json()
    html = page(client.get("/search", params={"q": "may say"}))
    assert [r["title"] for r in body["results"]] == [
        h.get_text(" ", strip=True) for h in html.select(".search-hit .card-title")
    ]


def test_the_public_api_never_returns_drafts(client: TestClient, db: Session) -> None:
    make_offer(db, title="Bản nháp: vắc-xin cho cá nước ngọt", status="draft", published_at=None)
    assert client.get("/api/v1/search", params={"q": "vac xin"}).json()["total"] == 0


def test_bad_input_is_refused_with_a_message_per_field(client: TestClient, db: Session) -> None:
    response = client.get("/api/v1/search", params={"q": "a" * 10_000, "kind": "tất cả", "sort": "giá", "page": "0"})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "q": "Nội dung tìm kiếm chỉ được dài tối đa 200 ký tự.",
        "kind": "Một số bộ lọc đã chọn không tồn tại.",
        "sort": "Không có cách sắp xếp này.",
        "page": "Số trang phải từ 1 đến 50.",
    }


def test_a_page_past_the_end_is_empty_with_the_total(client: TestClient, db: Session) -> None:
    make_offer(db, title="Gạch không nung từ tro bay")
    body = client.get("/api/v1/search", params={"q": "tro bay", "page": "40"}).json()
    assert (body["total"], body["results"]) == (1, [])
