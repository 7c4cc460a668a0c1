"""The queries the issue names, typed by real users, on the whole demo data."""

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("duoc lieu hue", "dược liệu"),  # accent-free Vietnamese
        ("tinh dầu tràm", "tràm"),  # accented
        ("digital twin", "Bản sao số"),  # English, through the glossary
        ("phong dien", "Phong Điền"),  # đ folded to d
    ],
)
def test_demo_queries_find_the_listings_they_are_about(seeded_client: TestClient, query: str, expected: str) -> None:
    body = seeded_client.get("/api/v1/search", params={"q": query}).json()
    assert body["total"] > 0
    shown = " ".join(f"{hit['title']} {hit.get('snippet_html', '')}" for hit in body["results"][:5])
    assert expected.lower() in shown.lower()
