"""Following a search in a real browser: with htmx the button turns into what it did; without JavaScript
the same button posts a plain form; the member then changes how often they hear, and stops."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def test_a_member_follows_a_search_then_changes_how_often_and_stops(page: Page) -> None:
    log_in(page, "enterprise@demo.hue.vn")
    page.goto("/search?q=n%E1%BA%A5m+linh+chi")
    page.get_by_role("button", name="Theo dõi tìm kiếm này").click()
    expect(page.locator("#follow-search .follow-state")).to_contain_text("Đang theo dõi")
    assert page.url.endswith("/search?q=n%E1%BA%A5m+linh+chi")  # stayed on the results
    screenshot(page, "saved-search-followed")

    page.get_by_role("link", name="Quản lý tìm kiếm đã lưu").click()
    card = page.locator(".saved-search", has_text="“nấm linh chi”")
    expect(card).to_have_count(1)
    card.get_by_label("Tần suất").select_option("weekly")
    card.get_by_role("button", name="Lưu").click()
    expect(page.locator(".notice.success")).to_have_text("Đã lưu: “nấm linh chi”, hằng tuần.")
    screenshot(page, "saved-searches")
    page.locator(".saved-search", has_text="“nấm linh chi”").get_by_role("button", name="Bỏ theo dõi").click()
    expect(page.locator(".notice.success")).to_have_text("Bạn không còn theo dõi “nấm linh chi”.")
    expect(page.locator(".saved-search", has_text="“nấm linh chi”")).to_have_count(0)


def test_without_javascript_the_follow_button_posts_a_plain_form(no_js_page: Page) -> None:
    page = no_js_page
    log_in(page, "researcher@demo.hue.vn")
    page.goto("/search?q=g%E1%BB%91m+Ph%C6%B0%E1%BB%9Bc+T%C3%ADch&kind=need")
    page.get_by_role("button", name="Theo dõi tìm kiếm này").click()
    expect(page.locator(".notice.success")).to_contain_text("Bạn đang theo dõi “gốm Phước Tích” · Nhu cầu công nghệ")
    link = page.locator(".saved-search .card-title a", has_text="gốm Phước Tích")
    link.click()
    assert page.get_by_label("Bạn đang tìm gì?").input_value() == "gốm Phước Tích"
    expect(page.locator(".follow-state")).to_contain_text("Bạn đang theo dõi tìm kiếm này.")
