"""Addresses that name no record answer 404; the site icon is served where browsers look for it."""

import pytest
from fastapi.testclient import TestClient

from tests.builders import page


@pytest.mark.parametrize("path", ["/organizations/0", "/needs/abc", "/offers/-1", "/offers/99999999999", "/experts/x"])
def test_a_malformed_or_non_positive_id_in_the_path_is_a_page_not_found(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert page(response).select_one("h1").get_text() == "Không tìm thấy trang"


def test_a_malformed_id_in_an_api_path_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/offers/abc")
    assert response.status_code == 404 and "detail" in response.json()


def test_junk_in_a_query_parameter_is_still_a_422(client: TestClient) -> None:
    assert client.get("/api/v1/offers", params={"limit": "abc"}).status_code == 422


def test_the_favicon_is_served_at_favicon_ico(client: TestClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_every_page_links_the_svg_icon(client: TestClient) -> None:
    icon = page(client.get("/")).select_one("link[rel=icon]")
    assert icon["type"] == "image/svg+xml"
    assert client.get(icon["href"]).headers["content-type"].startswith("image/svg+xml")
