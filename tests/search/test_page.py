"""GET /search: the page a reader sees, with and without htmx."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session

from marketplace.app import create_app
from marketplace.config import Settings
from marketplace.models._base import utcnow
from marketplace.search import configure
from tests.builders import log_in, make_offer, make_org, make_user, page

HTMX = {"HX-Request": "true", "HX-Target": "search-results"}


def test_hits_show_the_original_accented_text_with_matches_marked(client: TestClient, db: Session) -> None:
    make_offer(db, title="Giống lúa chịu mặn cho vùng Phong Điền")
    html = page(client.get("/search", params={"q": "phong dien"}))
    assert [h.get_text(" ", strip=True) for h in html.select(".search-hit .card-title")] == [
        "Giống lúa chịu mặn cho vùng Phong Điền"
    ]
    assert [m.get_text() for m in html.select(".search-hit .card-title mark")] == ["Phong", "Điền"]


def test_each_hit_shows_its_organization_trl_and_freshness(client: TestClient, db: Session) -> None:
    org = make_org(db, name_vi="Viện Hóa học")
    offer = make_offer(db, org, trl=6, confirmed_at=utcnow() - timedelta(days=12))
    hit = page(client.get("/search", params={"q": "tinh dầu tràm"})).select_one(".search-hit")
    assert hit.select_one(".search-org").get_text(strip=True) == "Viện Hóa học"
    assert hit.select_one(".trl").get_text(strip=True) == "TRL 6"
    assert hit.select_one(".freshness").get_text(strip=True) == "xác nhận 12 ngày trước"
    assert path(hit.select_one(".card-title a")["href"]) == f"/offers/{offer.id}"


def test_an_organization_found_on_the_english_page_is_named_in_english(client: TestClient, db: Session) -> None:
    make_org(db, name_vi="Sở Khoa học và Công nghệ thành phố Huế", name_en="Hue City Department of Science and Technology",
             kind="government", parent_id=make_org(db, name_vi="Ủy ban nhân dân thành phố Huế").id)  # fmt: skip
    english = page(client.get("/search", params={"q": "so khoa hoc", "kind": "organization", "lang": "en"}))
    assert (
        english.select_one(".search-hit .card-title").get_text(strip=True)
        == "Hue City Department of Science and Technology"
    )
    assert (
        english.select_one(".search-other-name").get_text(" ", strip=True) == "Sở Khoa học và Công nghệ thành phố Huế"
    )
    vietnamese = page(client.get("/search", params={"q": "so khoa hoc", "kind": "organization", "lang": "vi"}))
    assert (
        vietnamese.select_one(".search-hit .card-title").get_text(" ", strip=True)
        == "Sở Khoa học và Công nghệ thành phố Huế"
    )
    assert vietnamese.select_one(".search-other-name") is None


def test_facets_are_checkboxes_with_counts_that_keep_the_choice(client: TestClient, db: Session) -> None:
    make_offer(db, title="Cao khô cà gai leo", sector_code="medicinal")
    make_offer(db, title="Trà cà gai leo túi lọc", sector_code="agri_food")
    html = page(client.get("/search", params={"q": "ca gai leo", "sector": "medicinal"}))
    boxes = {b["value"]: b.has_attr("checked") for b in html.select("#facet-sector input[type=checkbox][name=sector]")}
    assert boxes == {"medicinal": True, "agri_food": False}
    counts = [c.get_text(strip=True) for c in html.select("#facet-sector .facet-count")]
    assert counts == ["1", "1"]
    assert len(html.select(".search-hit")) == 1


def test_the_search_form_works_without_javascript(client: TestClient, db: Session) -> None:
    html = page(client.get("/search", params={"q": "sen Huế"}))
    form = html.select_one("form#search-form")
    assert (form["method"], path(form["action"])) == ("get", "/search")
    assert form.select_one("input#q[name=q]")["value"] == "sen Huế"
    assert form.select_one("noscript button[type=submit]") is not None
    assert form.select_one("select[name=sort]") is not None


def test_typing_searches_with_a_debounce_and_puts_the_query_in_the_address(client: TestClient, db: Session) -> None:
    box = page(client.get("/search")).select_one("input#q")
    assert box["hx-trigger"] == "input changed delay:300ms, search"
    assert (path(box["hx-get"]), box["hx-target"], box["hx-push-url"]) == ("/search", "#search-results", "true")
    results = page(client.get("/search")).select_one("#search-results")
    assert (results["hx-trigger"], results["hx-include"], results["hx-push-url"]) == ("change", "#search-form", "true")


def test_an_htmx_request_gets_only_the_results_block(client: TestClient, db: Session) -> None:
    make_offer(db, title="Máy tách tâm sen tự động")
    response = client.get("/search", params={"q": "tam sen"}, headers=HTMX)
    html = page(response)
    assert html.select_one("html") is None and html.select_one("form#search-form") is None
    assert [h.get_text(" ", strip=True) for h in html.select(".search-hit .card-title")] == ["Máy tách tâm sen tự động"]
    assert html.select_one("#facet-kind") is not None


def test_page_links_keep_the_words_and_filters(client: TestClient, db: Session) -> None:
    org = make_org(db)
    for n in range(23):
        make_offer(db, org, title=f"Giống lan kim tuyến dòng {n}", sector_code="medicinal")
    html = page(client.get("/search", params={"q": "lan kim tuyến", "sector": "medicinal", "sort": "newest"}))
    assert html.select_one(".pager-where").get_text(strip=True) == "Trang 1/2"
    query = parse_qs(urlsplit(html.select_one("a[rel=next]")["href"]).query)
    assert query == {"q": ["lan kim tuyến"], "sector": ["medicinal"], "sort": ["newest"], "page": ["2"]}
    second = page(client.get("/search", params=query))
    assert len(second.select(".search-hit")) == 3
    assert second.select_one("ol.search-hits")["start"] == "21"


def test_a_very_long_query_is_shortened_with_a_notice(client: TestClient, db: Session) -> None:
    response = client.get("/search", params={"q": "dầu tràm " * 1200})
    assert response.status_code == 200
    html = page(response)
    assert "tối đa 200 ký tự" in html.select_one(".search-problems").get_text()
    assert len(html.select_one("input#q")["value"]) == 200


def test_unknown_filters_sorts_and_pages_are_left_out_with_a_notice(client: TestClient, db: Session) -> None:
    make_offer(db, title="Chế phẩm Trichoderma ủ phân")
    response = client.get("/search?q=trichoderma&sector=khong-co&kind=x&sort=gia&page=-3")
    assert response.status_code == 200
    html = page(response)
    problems = [li.get_text(strip=True) for li in html.select(".search-problems li")]
    assert problems == [
        "Một số bộ lọc đã chọn không tồn tại.",
        "Một số bộ lọc đã chọn không tồn tại.",
        "Không có cách sắp xếp này.",
        "Số trang phải từ 1 đến 50.",
    ]
    assert len(html.select(".search-hit")) == 1


def test_a_page_past_the_end_links_back_to_the_first(client: TestClient, db: Session) -> None:
    make_offer(db, title="Chế phẩm Trichoderma ủ phân")
    html = page(client.get("/search", params={"q": "trichoderma", "page": "7"}))
    assert path(html.select_one(".empty a")["href"]) == "/search?q=trichoderma"


def test_an_empty_search_lists_recent_listings(client: TestClient, db: Session) -> None:
    make_offer(db, title="Công nghệ mới công bố")
    html = page(client.get("/search"))
    assert html.select_one(".search-total").get_text(" ", strip=True) == "Tin đăng mới (1)"
    assert html.select_one(".search-hit .card-title").get_text(strip=True) == "Công nghệ mới công bố"


def test_nothing_found_says_so_and_suggests_what_to_try(client: TestClient, db: Session) -> None:
    html = page(client.get("/search", params={"q": "xyzzy"}))
    assert html.select_one(".empty strong").get_text() == "Không tìm thấy kết quả nào cho “xyzzy”."


def test_members_see_their_drafts_marked_as_drafts(client: TestClient, db: Session) -> None:
    org = make_org(db)
    make_offer(db, org, title="Quy trình ủ chua thức ăn cho bò", status="draft", published_at=None)
    assert page(client.get("/search", params={"q": "u chua"})).select(".search-hit") == []
    log_in(client, make_user(db, org))
    hit = page(client.get("/search", params={"q": "u chua"})).select_one(".search-hit")
    assert hit.select_one(".badge.status-draft").get_text(strip=True) == "Bản nháp"


def test_the_page_says_results_may_be_incomplete_when_meilisearch_is_down(
    db: Session, engine: object, settings: Settings
) -> None:
    make_offer(db, title="Nấm linh chi trồng trên mùn cưa")
    unreachable = settings.model_copy(update={"MEILI_URL": "http://127.0.0.1:9", "MEILI_TIMEOUT_SECONDS": 0.5})
    try:
        with TestClient(create_app(unreachable, engine), raise_server_exceptions=False) as client:  # type: ignore[arg-type]
            html = page(client.get("/search", params={"q": "linh chi"}))
            assert "có thể chưa đầy đủ" in html.select_one(".search-degraded").get_text()
            assert len(html.select(".search-hit")) == 1
            assert client.get("/health").json() == {
                "status": "degraded",
                "checks": {"database": "ok", "search": "degraded"},
            }
    finally:
        configure(engine, settings)  # type: ignore[arg-type]


def path(url: str) -> str:
    """The path and query of a URL (url_for gives absolute ones)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_an_english_listing_found_on_the_vietnamese_page_is_marked_english(client: TestClient, db: Session) -> None:
    make_offer(db, title="Low-cost salinity sensors for shrimp ponds", summary="Sensors for Tam Giang lagoon farms.",
               language="en")  # fmt: skip
    hit = page(client.get("/search", params={"q": "salinity sensors"})).select_one(".search-hit")
    assert hit.select_one(".card-title")["lang"] == "en"
    assert hit.select_one(".search-snippet")["lang"] == "en"
