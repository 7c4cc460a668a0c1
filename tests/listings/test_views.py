"""Views of published listings: counted for visitors and members of other organizations, shown to the
listing's managers and, as the most viewed, on the Department's dashboard."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import listing_views
from marketplace.models import ListingViews
from tests.builders import csrf_of, log_in, make_need, make_offer, make_org, make_user, page

BROWSER = {"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36"}


def test_visitors_and_other_organizations_count_but_not_the_owners_staff_or_robots(
    client: TestClient, db: Session
) -> None:
    org = make_org(db, name_vi="Viện Công nghệ Sinh học")
    offer = make_offer(db, org, title="Chế phẩm vi sinh xử lý chất thải chăn nuôi")
    for _ in range(3):
        client.get(f"/offers/{offer.id}", headers=BROWSER)
    client.get(f"/offers/{offer.id}", headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"})
    client.get(f"/offers/{offer.id}", headers={"User-Agent": "facebookexternalhit/1.1"})
    log_in(client, make_user(db, role="enterprise"))  # another organization's member
    client.get(f"/offers/{offer.id}", headers=BROWSER)
    client.cookies.clear()
    log_in(client, make_user(db, role="staff"))
    client.get(f"/offers/{offer.id}", headers=BROWSER)
    client.cookies.clear()
    owner = make_user(db, org)
    log_in(client, owner)
    shown = page(client.get(f"/offers/{offer.id}", headers=BROWSER))
    assert listing_views.views_of(db, "offer", offer.id) == listing_views.Views(total=4, recent=4)
    assert shown.select_one(".listing-views").get_text(strip=True) == (
        "Lượt xem của người ngoài tổ chức: 4 lượt, 4 lượt trong 30 ngày qua."
    )
    assert db.exec(select(ListingViews.views)).all() == [4]  # one row a day
    mine = page(client.get("/me")).select(".listing-row .listing-views")
    assert [m.get_text(strip=True) for m in mine] == ["4 lượt xem"]


def test_a_draft_is_not_counted_and_visitors_never_see_the_count(client: TestClient, db: Session) -> None:
    draft = make_offer(db, status="draft", published_at=None)
    assert not listing_views.count(db, draft, None, BROWSER["User-Agent"])
    offer = make_offer(db)
    html = page(client.get(f"/offers/{offer.id}", headers=BROWSER))
    assert html.select_one(".listing-views") is None


def test_the_dashboard_lists_the_most_viewed_listings_of_the_period(client: TestClient, db: Session) -> None:
    need = make_need(db, title="Cần máy tách vỏ hạt sen")
    offer = make_offer(db, title="Máy sấy bơm nhiệt cho dược liệu")
    for path, times in ((f"/needs/{need.id}", 2), (f"/offers/{offer.id}", 1)):
        for _ in range(times):
            client.get(path, headers=BROWSER)
    log_in(client, make_user(db, role="staff"))
    rows = page(client.get("/dashboard")).select("#most-viewed tbody tr")
    cells = [[c.get_text(" ", strip=True) for c in row.select("th, td")] for row in rows]
    assert cells == [["Cần máy tách vỏ hạt sen", "Nhu cầu công nghệ", "2"],
                     ["Máy sấy bơm nhiệt cho dược liệu", "Chào bán công nghệ", "1"]]  # fmt: skip


def test_the_demo_data_holds_sample_views_for_the_dashboard(seeded_client: TestClient) -> None:
    form = {"email": "staff@demo.hue.vn", "password": "HueDemo2026!"}
    seeded_client.post("/login", data=form | {"csrf_token": csrf_of(seeded_client)})
    rows = page(seeded_client.get("/dashboard")).select("#most-viewed tbody tr")
    counts = [int(row.select_one("td.num").get_text(strip=True).replace(".", "")) for row in rows]
    assert len(rows) == 10 and counts == sorted(counts, reverse=True) and counts[-1] > 0
