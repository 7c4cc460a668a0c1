"""Public pages on the demo data, visibility of unpublished listings, errors in the reader's language."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.models import Need, Offer, Organization
from tests.builders import log_in, make_offer, make_org, make_user, page


def test_home_shows_counts_and_the_latest_listings(seeded_client: TestClient) -> None:
    html = page(seeded_client.get("/"))
    counts = [int(dd.get_text().replace(".", "")) for dd in html.select(".stats dd")]
    assert counts[0] >= 120 and counts[1] >= 80 and counts[2] >= 40
    assert len(html.select(".listing-card.offer")) >= 6
    assert html.select_one("h1").get_text() == "Nơi kết quả nghiên cứu của Huế gặp doanh nghiệp cần đến"


SAMPLE_NOTE = "Các tổ chức, tin đăng và người dùng trong bản trình diễn này là dữ liệu mẫu."


def test_the_footer_calls_the_data_samples_only_where_the_demo_data_is_loaded(
    seeded_client: TestClient, client: TestClient, db: Session
) -> None:
    """A city's own installation (no `seed`) holds real organisations: no "sample data" note under them."""
    assert page(seeded_client.get("/")).select_one(".site-footer").get_text().count(SAMPLE_NOTE) == 1
    make_offer(db, make_org(db, name_vi="Viện Dược liệu Huế"))
    footer = page(client.get("/")).select_one(".site-footer").get_text()
    assert "Sàn Kết nối Công nghệ" in footer and SAMPLE_NOTE not in footer


def test_home_features_the_departments_commissioned_problems(seeded_client: TestClient) -> None:
    html = page(seeded_client.get("/"))
    assert html.select(".grid .badge.commissioned")


def test_offer_and_need_pages_show_their_content(seeded_client: TestClient, seeded_engine) -> None:  # type: ignore[no-untyped-def]
    with Session(seeded_engine) as session:
        offer = session.exec(select(Offer).where(Offer.status == "published")).first()
        need = session.exec(select(Need).where(Need.status == "published")).first()
    assert offer and need
    offer_page = page(seeded_client.get(f"/offers/{offer.id}"))
    assert offer_page.select_one("h1").get_text() == offer.title
    assert offer_page.select_one(".facts")
    need_page = page(seeded_client.get(f"/needs/{need.id}"))
    assert need_page.select_one("h1").get_text() == need.title


def test_organization_page_lists_its_published_listings(seeded_client: TestClient, seeded_engine) -> None:  # type: ignore[no-untyped-def]
    with Session(seeded_engine) as session:
        org = session.exec(select(Organization).where(Organization.key == "hu-med")).one()
        titles = {
            o.title
            for o in session.exec(select(Offer).where(Offer.organization_id == org.id, Offer.status == "published"))
        }
    html = page(seeded_client.get(f"/organizations/{org.id}"))
    assert {a.get_text() for a in html.select(".listing-card.offer .card-title a")} == titles


def test_a_draft_is_hidden_from_visitors_but_shown_to_its_owner(client: TestClient, db: Session) -> None:
    org = make_org(db)
    draft = make_offer(db, org, status="draft", published_at=None, title="Chiết xuất flavonoid từ lá sen Tịnh Tâm")
    assert client.get(f"/offers/{draft.id}").status_code == 404
    log_in(client, make_user(db, org))
    response = client.get(f"/offers/{draft.id}")
    assert response.status_code == 200
    assert page(response).select_one(".badge.status-draft").get_text() == "Bản nháp"


def test_another_organizations_member_cannot_see_a_draft(client: TestClient, db: Session) -> None:
    draft = make_offer(db, status="submitted", published_at=None)
    log_in(client, make_user(db))
    assert client.get(f"/offers/{draft.id}").status_code == 404


def test_unknown_pages_get_a_404_page_in_the_readers_language(client: TestClient) -> None:
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert page(response).select_one("h1").get_text() == "Không tìm thấy trang"
    client.get("/lang/en")
    english = page(client.get("/khong-co-trang-nay"))
    assert english.select_one("h1").get_text() == "Page not found"
    assert english.select_one("html")["lang"] == "en"


def test_a_malformed_id_is_a_page_not_found_not_a_crash(client: TestClient) -> None:
    response = client.get("/offers/abc")
    assert response.status_code == 404
    assert page(response).select_one("h1").get_text() == "Không tìm thấy trang"


def test_the_language_switch_only_redirects_within_the_site(client: TestClient) -> None:
    response = client.get("/lang/en", params={"next": "https://example.com/"}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_health_reports_the_database(client: TestClient) -> None:
    assert client.get("/health").json()["checks"]["database"] == "ok"


def test_vnd_and_dates_follow_vietnamese_conventions(client: TestClient, db: Session) -> None:
    from datetime import date

    from tests.builders import make_need

    need = make_need(db, budget_min_vnd=1_500_000_000, budget_max_vnd=2_000_000_000, deadline=date(2027, 3, 31))
    html = page(client.get(f"/needs/{need.id}"))
    facts = html.select_one(".facts").get_text(" ", strip=True)
    assert "1.500.000.000 ₫ – 2.000.000.000 ₫" in facts and "31/03/2027" in facts
