"""QA polish in a real browser: long words on a phone, focus after paging, the app's own error messages."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
URL = "https://duoclieu.hue.gov.vn/tai-lieu/quy-trinh-chiet-xuat-tinh-dau-tram-gio-melaleuca-cajuputi-dat-chuan-gacp-who.pdf"


def scrolls_sideways(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))


def test_a_url_in_a_title_and_a_long_word_do_not_widen_a_phone_page(page) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "enterprise@demo.hue.vn")
    page.goto("/needs/new")
    page.get_by_role("textbox", name="Tiêu đề", exact=True).fill("Cần tài liệu " + URL)
    page.locator("#f-sector_code").select_option("medicinal")
    page.locator("#f-problem").fill("Xem " + URL + " và " + "Chiếtxuấttinhdầutràmgióđạtchuẩn" * 6)
    page.locator("button[name=intent][value=draft]").click()
    page.wait_for_url(re.compile(r"/needs/\d+/edit$"))
    detail = page.url.removesuffix("/edit")
    page.set_viewport_size(PHONE)
    for path in (detail, "/me", "/needs", "/search?q=duoc+lieu"):
        page.goto(path)
        assert not scrolls_sideways(page), path
    page.goto(detail)
    screenshot(page, "phone-long-title")


def test_after_paging_the_search_results_their_heading_is_in_view_and_focused(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/search?q=duoc+lieu")
    page.locator(".pager a[rel=next]").click()
    page.wait_for_url(re.compile(r"page=2"))
    heading = page.locator("#search-results-title")
    expect(heading).to_be_focused()
    assert 0 <= heading.bounding_box()["y"] < 200  # near the top of the window, not left below the old page
    page.get_by_label("Bạn đang tìm gì?").fill("tinh dau tram")  # typing is not interrupted by the focus rule
    page.wait_for_url(re.compile(r"q=tinh"))
    expect(page.get_by_label("Bạn đang tìm gì?")).to_be_focused()


def test_an_empty_dismiss_reason_gets_the_apps_message_not_the_browsers(page) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "enterprise@demo.hue.vn")
    page.goto("/me#proposals")
    page.locator("#proposals a.answer").first.click()
    card = page.locator("#proposals .proposal").first
    card.locator("details.dismiss summary").click()
    card.get_by_role("button", name="Bỏ qua đề xuất này").click()
    expect(page.locator("#proposals p.error").first).to_be_visible()
