"""Shareable and findable listings: link previews, robots.txt, the sitemap, Atom feeds of new listings."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.robotparser import RobotFileParser

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from marketplace import syndication
from marketplace.config import get_settings
from marketplace.models import AuditLog
from marketplace.models._base import utcnow
from tests.builders import log_in, make_need, make_offer, make_org, make_user, page

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def base() -> str:
    return get_settings().PUBLIC_BASE_URL.rstrip("/")


def meta(html, key: str) -> str | None:  # type: ignore[no-untyped-def]
    """The content of the <meta property=…> or <meta name=…> tag `key`, or None."""
    tag = html.select_one(f'meta[property="{key}"]') or html.select_one(f'meta[name="{key}"]')
    return None if tag is None else str(tag["content"])


def test_a_published_offer_has_a_link_preview_with_its_text_escaped(client: TestClient, db: Session) -> None:
    org = make_org(db, name_vi="Viện Công nghệ Sinh học Huế")
    offer = make_offer(
        db, org, title='Chế phẩm "Vi sinh Hương Thủy" <xử lý> bùn đáy ao & mương',
        summary="Chế phẩm vi sinh bản địa phân hủy bùn đáy ao nuôi tôm ở Tam Giang.\n\nGiảm 40% khí H₂S. " * 6,
    )  # fmt: skip
    response = client.get(f"/offers/{offer.id}")
    assert "<xử lý>" not in response.text and "&lt;xử lý&gt; bùn đáy ao &amp; mương" in response.text
    html = page(response)
    url = f"{base()}/offers/{offer.id}"
    assert meta(html, "og:title") == offer.title == meta(html, "twitter:title")
    assert (meta(html, "og:type"), meta(html, "og:url"), meta(html, "og:locale")) == ("article", url, "vi_VN")
    assert meta(html, "og:site_name") == "Sàn Kết nối Công nghệ và Đổi mới Sáng tạo Huế"
    assert html.select_one("link[rel=canonical]")["href"] == url
    description = meta(html, "og:description")
    assert description == meta(html, "description") == meta(html, "twitter:description")
    assert description.startswith("Chế phẩm vi sinh bản địa phân hủy bùn đáy ao nuôi tôm ở Tam Giang. Giảm 40%")
    assert len(description) <= 200 and description.endswith("…") and "\n" not in description
    assert len(html.select('meta[name="description"]')) == 1  # the page's own, not also the site's
    assert meta(html, "robots") is None


def test_a_draft_seen_by_its_owner_has_no_preview_and_is_not_indexed(client: TestClient, db: Session) -> None:
    org = make_org(db)
    draft = make_offer(db, org, status="draft", published_at=None, title="Chiết xuất flavonoid từ lá sen Tịnh Tâm")
    log_in(client, make_user(db, org))
    html = page(client.get(f"/offers/{draft.id}"))
    assert html.select_one("h1").get_text() == "Chiết xuất flavonoid từ lá sen Tịnh Tâm"
    assert meta(html, "robots") == "noindex"
    assert not html.select('meta[property^="og:"]') and not html.select('meta[name^="twitter:"]')
    assert html.select_one("link[rel=canonical]") is None


def test_a_need_and_an_organization_have_previews_in_the_readers_language(client: TestClient, db: Session) -> None:
    org = make_org(db, kind="enterprise", name_vi="Công ty TNHH Tinh dầu Lộc Thủy", name_en="Loc Thuy Essential Oils",
                   description_vi="Chưng cất tinh dầu tràm ở Phú Lộc.", description_en="Cajeput oil distillers.")  # fmt: skip
    need = make_need(db, org)
    html = page(client.get(f"/needs/{need.id}"))
    assert meta(html, "og:title") == "Cần ổn định chất lượng dầu tràm xuất khẩu"
    assert meta(html, "og:description") == need.problem and meta(html, "og:type") == "article"
    client.get("/lang/en?next=/")
    html = page(client.get(f"/organizations/{org.id}"))
    assert (meta(html, "og:title"), meta(html, "og:type")) == ("Loc Thuy Essential Oils", "website")
    assert (meta(html, "og:description"), meta(html, "og:locale")) == ("Cajeput oil distillers.", "en_US")
    assert meta(html, "og:site_name") == "Hue Innovation Exchange"
    assert meta(html, "og:url") == f"{base()}/organizations/{org.id}"


def test_every_other_page_has_the_sites_description_and_name(client: TestClient) -> None:
    html = page(client.get("/"))
    assert meta(html, "description").startswith("Sàn kết nối công nghệ và đổi mới sáng tạo của Huế")
    assert meta(html, "og:site_name") == "Sàn Kết nối Công nghệ và Đổi mới Sáng tạo Huế"


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_names_the_sitemap(client: TestClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"] == "text/plain; charset=utf-8"
    rules = RobotFileParser()
    rules.parse(response.text.splitlines())
    b = base()
    for private in ("/me", "/account", "/review", "/pipeline", "/dashboard", "/audit", "/glossary", "/login?next=/me",
                    "/register", "/password/forgot", "/memberships", "/offers/new", "/api/v1/offers"):  # fmt: skip
        assert not rules.can_fetch("Googlebot", f"{b}{private}"), private
    for public in ("/", "/offers", "/offers/12", "/needs/3", "/organizations/7", "/experts", "/search", "/open-data"):
        assert rules.can_fetch("Googlebot", f"{b}{public}"), public
    assert rules.site_maps() == [f"{b}/sitemap.xml"]


def test_no_page_in_the_sitemap_is_closed_to_crawlers(client: TestClient, db: Session) -> None:
    org = make_org(db)
    make_offer(db, org), make_need(db, org)
    rules = RobotFileParser()
    rules.parse(client.get("/robots.txt").text.splitlines())
    urls = sitemap_urls(client)
    assert len(urls) == 11 and all(rules.can_fetch("Googlebot", url) for url in urls)


def sitemap_urls(client: TestClient, path: str = "/sitemap.xml") -> dict[str, str | None]:
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    assert root.tag == f"{SITEMAP}urlset"
    return {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.iter(f"{SITEMAP}url")}  # type: ignore[misc]


def test_the_sitemap_lists_the_public_pages_and_only_published_listings(client: TestClient, db: Session) -> None:
    org = make_org(db, name_vi="Trường Đại học Nông Lâm Huế")
    published = make_offer(db, org, title="Giống lúa chịu mặn HN6 cho vùng ven phá")
    hidden = [make_offer(db, org, status=status, published_at=None, title=f"Tin {status}")
              for status in ("draft", "submitted", "rejected", "archived", "expired")]  # fmt: skip
    need = make_need(db, org)
    old_need = make_need(db, org, status="archived", title="Cần máy sấy thanh long (đã đóng)")
    urls = sitemap_urls(client)
    b = base()
    for path in ("/", "/search", "/offers", "/needs", "/organizations", "/experts"):
        assert f"{b}{path}" in urls
    assert f"{b}/offers/{published.id}" in urls and f"{b}/needs/{need.id}" in urls
    assert f"{b}/organizations/{org.id}" in urls
    for gone in [f"{b}/offers/{x.id}" for x in hidden] + [f"{b}/needs/{old_need.id}"]:
        assert gone not in urls
    assert urls[f"{b}/offers/{published.id}"] == syndication.w3c(published.updated_at)


def test_an_organizations_lastmod_follows_its_newest_change(client: TestClient, db: Session) -> None:
    org = make_org(db, created_at=utcnow() - timedelta(days=300))
    quiet = make_org(db, created_at=utcnow() - timedelta(days=200))
    offer = make_offer(db, org, updated_at=utcnow() - timedelta(days=20))
    edited = utcnow() - timedelta(days=3)
    db.add(AuditLog(action="update_organization", entity="organization", entity_id=quiet.id, at=edited))
    db.commit()
    urls = sitemap_urls(client)
    assert urls[f"{base()}/organizations/{org.id}"] == syndication.w3c(offer.updated_at)
    assert urls[f"{base()}/organizations/{quiet.id}"] == syndication.w3c(edited)


def test_beyond_the_limit_the_sitemap_becomes_an_index_of_parts(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = make_org(db)
    for n in range(3):
        make_offer(db, org, title=f"Quy trình ủ phân hữu cơ số {n}")
    monkeypatch.setattr(syndication, "SITEMAP_MAX_URLS", 4)  # 8 pages + 3 offers + 1 organization = 12 URLs
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
    assert root.tag == f"{SITEMAP}sitemapindex"
    parts = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert parts == [f"{base()}/sitemap-{n}.xml" for n in (1, 2, 3)]
    found = [url for n in (1, 2, 3) for url in sitemap_urls(client, f"/sitemap-{n}.xml")]
    assert len(found) == len(set(found)) == 12
    assert client.get("/sitemap-4.xml").status_code == 404


def feed(client: TestClient, path: str = "/offers.atom") -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 (our own response)


def test_the_offer_feed_holds_the_newest_published_offers_in_order(client: TestClient, db: Session) -> None:
    org = make_org(db, name_vi="Viện Tài nguyên và Môi trường Huế")
    now = utcnow()
    titles = ["Bẫy đèn năng lượng mặt trời diệt rầy nâu", "Cảm biến độ mặn nước đầm phá Tam Giang",
              "Quy trình nhân giống sen Huế bằng nuôi cấy mô"]  # fmt: skip
    for days, title in zip((9, 1, 4), titles, strict=True):
        make_offer(db, org, title=title, published_at=now - timedelta(days=days), sector_code="agri_food")
    make_offer(db, org, status="draft", published_at=None, title="Bản nháp: máy bóc vỏ hạt sen")
    make_offer(db, org, status="archived", published_at=now, title="Đã lưu trữ: phân bón lá rong biển")
    root = feed(client)
    assert (
        root.findtext(f"{ATOM}title")
        == "Công nghệ chào bán mới đăng trên Sàn Kết nối Công nghệ và Đổi mới Sáng tạo Huế"
    )
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [titles[1], titles[2], titles[0]]
    first = entries[0]
    link = first.find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
    assert link.startswith(f"{base()}/offers/") and first.findtext(f"{ATOM}id") == link
    assert first.findtext(f"{ATOM}author/{ATOM}name") == "Viện Tài nguyên và Môi trường Huế"
    assert first.find(f"{ATOM}category").get("term") == "agri_food"  # type: ignore[union-attr]
    assert first.findtext(f"{ATOM}summary").startswith("Chưng cất phân đoạn chân không")  # type: ignore[union-attr]
    assert first.findtext(f"{ATOM}updated") == root.findtext(f"{ATOM}updated")


def test_the_need_feed_leaves_out_unpublished_needs(client: TestClient, db: Session) -> None:
    make_need(db, title="Cần công nghệ bảo quản tôm hùm sau thu hoạch")
    make_need(db, status="submitted", published_at=None, title="Cần máy phân loại mực khô")
    root = feed(client, "/needs.atom")
    assert [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")] == [
        "Cần công nghệ bảo quản tôm hùm sau thu hoạch"
    ]


def test_an_english_reader_gets_the_feed_title_and_names_in_english(client: TestClient, db: Session) -> None:
    org = make_org(db, name_vi="Công ty Cổ phần Dược Huế", name_en="Hue Pharmaceutical JSC")
    make_offer(db, org)
    client.get("/lang/en?next=/")
    root = feed(client)
    assert root.findtext(f"{ATOM}title") == "Technology offers newly published on the Hue Innovation Exchange"
    assert root.findtext(f"{ATOM}entry/{ATOM}author/{ATOM}name") == "Hue Pharmaceutical JSC"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == f"{base()}/offers.atom?lang=en"  # type: ignore[union-attr]
    assert feed(client, "/offers.atom?lang=vi").findtext(f"{ATOM}title").startswith("Công nghệ chào bán mới")  # type: ignore[union-attr]


def test_the_lists_point_feed_readers_to_their_feeds(client: TestClient) -> None:
    for path, title in (("/offers", "Công nghệ chào bán mới (Atom)"), ("/needs", "Nhu cầu công nghệ mới (Atom)")):
        link = page(client.get(path)).select_one('link[rel=alternate][type="application/atom+xml"]')
        assert link is not None and link["title"] == title and link["href"].endswith(f"{path}.atom")
        assert client.get(link["href"]).status_code == 200
