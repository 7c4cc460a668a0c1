"""Saving listings in a real browser: with htmx the button on an offer's page turns into what it did, the list on
/saved shows it first and takes a note in place; without JavaScript the same button posts a plain form."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
GEL = "Gel và xịt vi nhũ tương tinh dầu tràm dịu nhẹ dùng cho trẻ nhỏ"


def open_offer(page: Page, title: str) -> None:
    page.goto("/search?q=" + title.replace(" ", "+") + "&kind=offer")
    page.locator(".search-hit a", has_text=title).first.click()
    expect(page.locator("h1")).to_have_text(title)


def test_a_member_saves_an_offer_in_place_then_writes_a_note_on_the_list(page: Page) -> None:
    log_in(page, "enterprise@demo.hue.vn")
    page.goto("/saved")
    expect(page.locator("li.saved-listing")).to_have_count(3)  # the demo enterprise keeps three already
    open_offer(page, GEL)
    address = page.url
    page.get_by_role("button", name="Lưu tin").click()
    expect(page.locator("#save-listing button")).to_have_text("★ Đã lưu — bỏ lưu")
    expect(page.locator("#save-listing [role=status]")).to_contain_text("Đã lưu vào danh sách của bạn.")
    assert page.url == address  # stayed on the offer
    screenshot(page, "saved-listing-button")

    page.locator("#save-listing").get_by_role("link", name="Tin đã lưu").click()
    card = page.locator("li.saved-listing").first
    expect(card.locator(".card-title")).to_have_text(GEL)
    expect(page.locator("#saved-list > p.muted")).to_have_text("Đã lưu 4 trên tối đa 200 tin.")
    card.get_by_text("Thêm ghi chú").click()
    card.get_by_label("Ghi chú của bạn (chỉ bạn xem được)").fill("Hỏi Trường ĐH Y Dược về dữ liệu kích ứng da ở trẻ.")
    card.get_by_role("button", name="Lưu ghi chú").click()
    card = page.locator("li.saved-listing").first
    expect(card.locator("[role=status]")).to_have_text("Đã lưu ghi chú của bạn.")
    expect(card.locator(".saved-note")).to_contain_text("Hỏi Trường ĐH Y Dược về dữ liệu kích ứng da ở trẻ.")
    assert page.url.endswith("/saved")
    screenshot(page, "saved-listings")
    page.reload()
    expect(page.locator("li.saved-listing").first.locator(".saved-note")).to_contain_text("dữ liệu kích ứng da")


def test_without_javascript_the_save_button_posts_a_plain_form(no_js_page: Page) -> None:
    page = no_js_page
    log_in(page, "researcher@demo.hue.vn")
    open_offer(page, GEL)
    page.get_by_role("button", name="Lưu tin").click()
    expect(page.locator(".notice.success")).to_have_text("Đã lưu tin. Bạn xem lại trong mục Tin đã lưu.")
    expect(page.locator("h1")).to_have_text(GEL)
    page.get_by_role("button", name="Đã lưu — bỏ lưu").click()
    expect(page.locator(".notice.success")).to_contain_text("khỏi danh sách tin đã lưu.")
    expect(page.locator("#save-listing button")).to_have_text("☆ Lưu tin")
