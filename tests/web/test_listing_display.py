"""How listings read on their pages and in lists: no empty boxes, no repeated words, the text's own language."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.builders import log_in, make_need, make_offer, make_org, make_user, page


def test_a_need_without_budget_deadline_or_trl_shows_no_empty_facts_box(client: TestClient, db: Session) -> None:
    need = make_need(db, budget_min_vnd=None, budget_max_vnd=None, min_trl=None, deadline=None)
    aside = page(client.get(f"/needs/{need.id}")).select_one(".listing-aside")
    assert [dl.select_one("dt").get_text() for dl in aside.select("dl.facts")] == ["Tổ chức"]  # only the shared facts


def test_a_budget_with_only_an_upper_bound_reads_up_to(client: TestClient, db: Session) -> None:
    need = make_need(db, budget_min_vnd=None, budget_max_vnd=400_000_000)
    facts = page(client.get(f"/needs/{need.id}")).select_one(".listing-aside dl.facts dd").get_text()
    assert facts == "đến 400.000.000 ₫"


def test_a_commissioned_title_does_not_repeat_its_badge(client: TestClient, db: Session) -> None:
    need = make_need(db, commissioned=True, title="Đặt hàng: Cảnh báo ngập lụt chi tiết đến từng thôn")
    html = page(client.get("/"))
    card = html.select_one(".listing-card.need")
    assert card.select_one(".badge.commissioned").get_text() == "Đặt hàng"
    assert card.select_one(".card-title").get_text(strip=True) == "Cảnh báo ngập lụt chi tiết đến từng thôn"
    detail = page(client.get(f"/needs/{need.id}"))
    assert detail.select_one("h1").get_text() == "Cảnh báo ngập lụt chi tiết đến từng thôn"
    assert detail.select_one("title").get_text().startswith("Đặt hàng: Cảnh báo ngập lụt")  # the data is unchanged


def test_an_english_listing_on_a_vietnamese_page_marks_its_own_text_as_english(client: TestClient, db: Session) -> None:
    offer = make_offer(
        db, language="en", title="Cold-chain storage for fresh lotus seeds", summary="Keeps seeds 14 days."
    )
    detail = page(client.get(f"/offers/{offer.id}"))
    assert detail.select_one("html")["lang"] == "vi"
    assert detail.select_one("h1")["lang"] == "en" and detail.select_one(".lead")["lang"] == "en"
    assert all(p["lang"] == "en" for p in detail.select(".listing-body .prose"))
    assert not detail.select_one(".listing-page").has_attr("lang")  # the interface around it stays Vietnamese
    card = page(client.get("/offers")).select_one(".listing-card")
    assert card.select_one(".card-title")["lang"] == "en" and card.select_one(".card-summary")["lang"] == "en"


def test_members_see_how_to_post_on_my_exchange_even_before_their_first_listing(
    client: TestClient, db: Session
) -> None:
    log_in(client, make_user(db, make_org(db, kind="enterprise"), role="enterprise"))
    html = page(client.get("/me"))
    head = [a.get_text() for a in html.select(".page-head .post-actions a")]
    # an enterprise's usual kind first, then bringing many in from a spreadsheet
    assert head == ["Đăng nhu cầu công nghệ", "Đăng tin chào bán công nghệ", "Nhập nhiều tin từ bảng tính"]
    empty = html.select_one("#listings .empty")
    assert [a["href"].rsplit("/", 2)[-2:] for a in empty.select(".post-actions a")] == [
        ["needs", "new"],
        ["offers", "new"],
        ["listings", "import"],
    ]
    assert (
        html.select_one(".me-nav a[href='#listings']")
        .get_text(" ", strip=True)
        .startswith(html.select_one("#listings-title").get_text())
    )  # the tab and the section it opens have one name


def test_an_account_without_an_organization_is_not_invited_to_post(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, role="staff"))
    assert page(client.get("/me")).select_one(".post-actions") is None


def test_a_printed_listing_ends_with_its_public_address(client: TestClient, db: Session) -> None:
    offer = make_offer(db, title="Quy trình phục tráng thanh trà Huế")
    address = page(client.get(f"/offers/{offer.id}", params={"lang": "vi"})).select_one("main")["data-print-url"]
    assert address.startswith(("http://", "https://")) and address.endswith(f"/offers/{offer.id}?lang=vi")
