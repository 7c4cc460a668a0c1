"""The organizations directory (/organizations): search with or without accents, kind and ward filters with
counts, paging, published listings per card, and bad URLs answered with a page, never a 500."""

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import event
from sqlmodel import Session

from marketplace.organizations import DIRECTORY_PAGE_SIZE
from tests.builders import make_need, make_offer, make_org, page


def names(response: Response) -> list[str]:
    """The organizations' names on the cards, in order."""
    return [a.get_text() for a in page(response).select(".org-card .card-title a")]


def options(html: BeautifulSoup, name: str) -> list[str]:
    return [o.get_text() for o in html.select(f"#f-{name} option")]


def test_words_typed_without_accents_find_the_accented_name(client: TestClient, db: Session) -> None:
    make_org(db, name_vi="Viện Công nghệ Sinh học", name_en="Institute of Biotechnology", ward="Thuận Hóa")
    make_org(db, name_vi="Hợp tác xã Tinh dầu tràm Lộc Thủy", kind="cooperative", ward="Phú Lộc")
    response = client.get("/organizations", params={"q": "vien cong nghe SINH HOC"})
    assert response.status_code == 200
    assert names(response) == ["Viện Công nghệ Sinh học"]
    assert page(response).select_one("#f-q")["value"] == "vien cong nghe SINH HOC"
    assert page(response).select_one(".result-count").get_text() == "1 tổ chức"


def test_words_of_the_description_and_the_ward_are_found_too(client: TestClient, db: Session) -> None:
    make_org(db, name_vi="Viện Dược liệu miền Trung", ward="Thuận Hóa", description_vi="Chiết xuất dược liệu Huế.")
    make_org(db, name_vi="Công ty Phần mềm Sông Hương", kind="enterprise", ward="Phú Xuân", description_vi="")
    assert names(client.get("/organizations?q=chiet xuat")) == ["Viện Dược liệu miền Trung"]
    assert names(client.get("/organizations?q=thuan hoa")) == ["Viện Dược liệu miền Trung"]


def test_names_holding_the_words_as_typed_come_before_descriptions_that_mention_them(
    client: TestClient, db: Session
) -> None:
    make_org(
        db, name_vi="Bệnh viện Trung ương Huế", kind="hospital", description_vi="Hợp tác với Viện Công nghệ Sinh học."
    )
    make_org(db, name_vi="Viện Công nghệ Sinh học")
    assert names(client.get("/organizations?q=cong nghe sinh hoc")) == [
        "Viện Công nghệ Sinh học",
        "Bệnh viện Trung ương Huế",
    ]


def test_the_kind_filter_keeps_one_kind_and_counts_every_kind(client: TestClient, db: Session) -> None:
    make_org(db, name_vi="Viện Công nghệ Sinh học", kind="research_institute")
    make_org(db, name_vi="Viện Tài nguyên và Môi trường", kind="research_institute")
    make_org(db, name_vi="Hợp tác xã Sen Tịnh Tâm", kind="cooperative")
    html = page(client.get("/organizations", params={"kind": "cooperative"}))
    assert [a.get_text() for a in html.select(".org-card .card-title a")] == ["Hợp tác xã Sen Tịnh Tâm"]
    assert options(html, "kind") == ["Tất cả các loại (3)", "Viện nghiên cứu (2)", "Hợp tác xã (1)"]
    assert html.select_one("#f-kind option[selected]")["value"] == "cooperative"


def test_the_ward_filter_combines_with_the_kind_and_each_counts_within_the_other(
    client: TestClient, db: Session
) -> None:
    make_org(db, name_vi="Viện Công nghệ Sinh học", kind="research_institute", ward="Thuận Hóa")
    make_org(db, name_vi="Viện Tài nguyên và Môi trường", kind="research_institute", ward="Phú Xuân")
    make_org(db, name_vi="Công ty Dược Thuận Hóa", kind="enterprise", ward="Thuận Hóa")
    html = page(client.get("/organizations", params={"kind": "research_institute", "ward": "Thuận Hóa"}))
    assert [a.get_text() for a in html.select(".org-card .card-title a")] == ["Viện Công nghệ Sinh học"]
    # kinds are counted in the chosen ward, wards among the chosen kind
    assert options(html, "kind") == ["Tất cả các loại (2)", "Viện nghiên cứu (1)", "Doanh nghiệp (1)"]
    assert options(html, "ward") == ["Tất cả phường, xã (2)", "Phú Xuân (1)", "Thuận Hóa (1)"]


def test_organizations_without_a_ward_count_among_all_wards(client: TestClient, db: Session) -> None:
    make_org(db, name_vi="Viện Dược liệu Trung ương", ward="")
    make_org(db, name_vi="Viện Công nghệ Sinh học", ward="Thuận Hóa")
    assert options(page(client.get("/organizations")), "ward") == ["Tất cả phường, xã (2)", "Thuận Hóa (1)"]


def test_paging_shows_every_organization_once(client: TestClient, db: Session) -> None:
    for n in range(DIRECTORY_PAGE_SIZE + 5):
        make_org(db, name_vi=f"Công ty Công nghệ Huế {n:02d}", kind="enterprise")
    first = client.get("/organizations", params={"kind": "enterprise"})
    html = page(first)
    assert html.select_one(".result-count").get_text() == f"{DIRECTORY_PAGE_SIZE + 5} tổ chức"
    assert html.select_one(".pager-where").get_text() == "Trang 1/2"
    following = html.select_one(".pager a[rel=next]")["href"]
    assert "kind=enterprise" in following and "page=2" in following
    second = client.get(following)
    seen = names(first) + names(second)
    assert len(seen) == len(set(seen)) == DIRECTORY_PAGE_SIZE + 5
    assert seen == sorted(seen)


def test_a_page_past_the_end_shows_the_last_one(client: TestClient, db: Session) -> None:
    make_org(db, name_vi="Viện Công nghệ Sinh học")
    assert names(client.get("/organizations?page=7")) == ["Viện Công nghệ Sinh học"]


def test_an_unknown_kind_is_left_out_with_a_message(client: TestClient, db: Session) -> None:
    make_org(db, name_vi="Viện Công nghệ Sinh học")
    response = client.get("/organizations", params={"kind": "spaceport", "ward": "Atlantis"})
    html = page(response)
    assert response.status_code == 422
    assert html.select_one("#e-kind").get_text() == "Không có loại tổ chức này; đang hiển thị tổ chức thuộc mọi loại."
    assert html.select_one("#e-ward").get_text() == "Không có phường, xã này; đang hiển thị tổ chức ở mọi phường, xã."
    assert names(response) == ["Viện Công nghệ Sinh học"]


def test_a_junk_page_number_is_refused_with_a_message(client: TestClient, db: Session) -> None:
    for junk in ("abc", "0", "-3", "99999999999"):
        response = client.get("/organizations", params={"page": junk})
        assert response.status_code == 422
        assert page(response).select_one("h1") is not None


def test_an_overlong_query_is_refused_beside_the_field(client: TestClient, db: Session) -> None:
    make_org(db, name_vi="Viện Công nghệ Sinh học")
    response = client.get("/organizations", params={"q": "dược liệu " * 20})
    assert response.status_code == 422
    assert page(response).select_one("#e-q").get_text() == "Vui lòng viết không quá 100 ký tự (hiện có 199)."


def test_nothing_found_offers_to_clear_the_search(client: TestClient, db: Session) -> None:
    make_org(db, name_vi="Viện Công nghệ Sinh học")
    html = page(client.get("/organizations?q=robot&kind=hospital"))
    assert html.select(".org-card") == []
    assert html.select_one(".empty a")["href"].endswith("/organizations")


def test_each_card_counts_the_published_offers_and_needs(client: TestClient, db: Session) -> None:
    institute = make_org(db, name_vi="Viện Công nghệ Sinh học")
    make_offer(db, institute)
    make_offer(db, institute, title="Chiết xuất curcumin từ nghệ vàng")
    make_offer(db, institute, title="Bản nháp", status="draft", published_at=None)
    make_need(db, institute)
    make_org(db, name_vi="Hợp tác xã Sen Tịnh Tâm", kind="cooperative")
    cards = page(client.get("/organizations")).select(".org-card")
    assert [b.get_text() for b in cards[1].select(".org-counts .badge")] == ["2 tin chào bán", "1 nhu cầu"]
    assert cards[0].select(".org-counts") == []


def test_the_listing_counts_take_one_query_whatever_the_number_of_cards(client: TestClient, db: Session) -> None:
    def statements_for_directory() -> int:
        seen: list[str] = []
        engine = db.get_bind()
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            client.get("/organizations")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    make_offer(db, make_org(db))
    client.get("/organizations")  # the first page a process serves also asks whether demo data is loaded
    few = statements_for_directory()
    for _ in range(6):
        make_need(db, make_org(db))
    assert statements_for_directory() == few


def test_verified_organizations_are_marked(client: TestClient, db: Session) -> None:
    make_org(db, name_vi="Viện Công nghệ Sinh học", verified=True)
    make_org(db, name_vi="Công ty Mới Thành Lập", kind="startup", verified=False)
    cards = page(client.get("/organizations")).select(".org-card")
    assert [c.select_one(".badge.verified") is not None for c in cards] == [False, True]


def test_in_english_names_and_labels_are_english(client: TestClient, db: Session) -> None:
    make_org(db, name_vi="Viện Công nghệ Sinh học", name_en="Institute of Biotechnology", ward="Thuận Hóa")
    make_org(db, name_vi="Hợp tác xã Sen Tịnh Tâm", name_en="", kind="cooperative")
    client.get("/lang/en")
    html = page(client.get("/organizations", params={"q": "sinh hoc"}))
    assert [a.get_text() for a in html.select(".org-card .card-title a")] == ["Institute of Biotechnology"]
    assert html.select_one(".result-count").get_text() == "1 organization"
    assert options(html, "kind") == ["All kinds (1)", "Research institute (1)"]
    html = page(client.get("/organizations"))
    assert [a.get_text() for a in html.select(".org-card .card-title a")] == [
        "Hợp tác xã Sen Tịnh Tâm",
        "Institute of Biotechnology",
    ]


def test_with_htmx_only_the_results_and_fresh_filter_counts_are_sent(client: TestClient, db: Session) -> None:
    make_org(db, name_vi="Viện Công nghệ Sinh học")
    make_org(db, name_vi="Hợp tác xã Sen Tịnh Tâm", kind="cooperative")
    response = client.get("/organizations?q=sen", headers={"HX-Request": "true", "HX-Target": "results"})
    html = page(response)
    assert html.select_one("form") is None and html.select_one("#results") is not None
    assert html.select_one("#field-kind")["hx-swap-oob"] == "true"
    assert options(html, "kind") == ["Tất cả các loại (1)", "Hợp tác xã (1)"]
    assert names(response) == ["Hợp tác xã Sen Tịnh Tâm"]
