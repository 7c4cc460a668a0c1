"""Browsing published offers and needs: only what is public, by sector, a page at a time."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from marketplace.models._base import utcnow
from tests.builders import make_need, make_offer, make_org, page


def titles(client: TestClient, path: str) -> list[str]:
    return [a.get_text() for a in page(client.get(path)).select(".listing-card .card-title a")]


def test_only_published_offers_are_listed_newest_first(client: TestClient, db: Session) -> None:
    org = make_org(db)
    make_offer(db, org, title="Chế phẩm vi sinh xử lý phụ phẩm tôm", published_at=utcnow() - timedelta(days=9))
    make_offer(db, org, title="Quy trình nhân giống sen Huế", published_at=utcnow() - timedelta(days=2))
    for status in ("draft", "submitted", "rejected", "archived", "expired"):
        make_offer(db, org, title=f"Không hiển thị ({status})", status=status)
    assert titles(client, "/offers") == ["Quy trình nhân giống sen Huế", "Chế phẩm vi sinh xử lý phụ phẩm tôm"]


def test_the_sector_filter_keeps_one_sector(client: TestClient, db: Session) -> None:
    make_need(db, title="Cần hệ thống truy xuất nguồn gốc cho nông sản", sector_code="digital")
    make_need(db, title="Cần ổn định chất lượng dầu tràm", sector_code="medicinal")
    html = page(client.get("/needs?sector=digital"))
    assert [a.get_text() for a in html.select(".card-title a")] == ["Cần hệ thống truy xuất nguồn gốc cho nông sản"]
    assert html.select_one("#f-sector option[selected]")["value"] == "digital"
    assert html.select_one(".result-count").get_text(strip=True) == "1 nhu cầu · Chuyển đổi số và phần mềm"


def test_an_unknown_sector_shows_every_sector(client: TestClient, db: Session) -> None:
    make_offer(db)
    assert len(titles(client, "/offers?sector=<script>")) == 1


def test_lists_are_cut_into_pages_of_twenty(client: TestClient, db: Session) -> None:
    org = make_org(db)
    for n in range(23):
        make_offer(db, org, title=f"Công nghệ số {n:02d}", published_at=utcnow() - timedelta(days=n))
    first, second = page(client.get("/offers")), page(client.get("/offers?page=2"))
    assert len(first.select(".listing-card")) == 20 and len(second.select(".listing-card")) == 3
    assert first.select_one(".pager-where").get_text() == "Trang 1/2"
    assert first.select_one(".pager a[rel=next]")["href"] == "http://testserver/offers?page=2"
    assert second.select_one(".pager a[rel=prev]")["href"] == "http://testserver/offers?page=1"


def test_page_links_keep_the_sector(client: TestClient, db: Session) -> None:
    org = make_org(db)
    for n in range(21):
        make_offer(db, org, title=f"Dược liệu {n}", sector_code="medicinal")
    link = page(client.get("/offers?sector=medicinal")).select_one(".pager a[rel=next]")["href"]
    assert link == "http://testserver/offers?page=2&sector=medicinal"


def test_a_page_past_the_end_shows_the_last_and_a_bad_page_number_is_refused(client: TestClient, db: Session) -> None:
    make_offer(db, title="Máy sấy dược liệu bằng năng lượng mặt trời")
    past = page(client.get("/offers?page=9"))  # as the directory, the audit log and /me do
    assert past.select_one(".empty") is None
    assert [t.get_text(strip=True) for t in past.select(".listing-card .card-title")] == [
        "Máy sấy dược liệu bằng năng lượng mặt trời"
    ]
    assert client.get("/offers?page=abc").status_code == 422
    assert client.get("/offers?page=0").status_code == 422


def test_htmx_filtering_answers_only_the_results(client: TestClient, db: Session) -> None:
    make_offer(db)
    response = client.get("/offers?sector=medicinal", headers={"HX-Request": "true", "HX-Target": "results"})
    html = page(response)
    assert html.select_one("div#results .listing-card") is not None
    assert html.select_one("header") is None and html.select_one("form") is None


def test_visitors_see_the_publish_button_that_leads_to_the_form(client: TestClient) -> None:
    assert page(client.get("/needs")).select_one(".listings-head a.button")["href"] == "http://testserver/needs/new"


def test_an_id_too_large_for_the_database_is_not_found_not_a_server_error(client: TestClient) -> None:
    for path in ("/offers/99999999999", "/needs/99999999999", "/organizations/99999999999"):
        assert client.get(path).status_code == 404, path
