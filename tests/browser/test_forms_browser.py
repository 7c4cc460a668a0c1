"""Focus for keyboard and screen-reader users: the error summary after a failed submit, confirmations after
htmx actions; and the search pager asks for each parameter once."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def test_a_failed_submit_focuses_the_error_summary_which_links_to_each_field(page: Page) -> None:
    log_in(page, "researcher@demo.hue.vn")
    page.goto("/offers/new")
    page.get_by_role("textbox", name="Tiêu đề", exact=True).fill("Sen")
    page.get_by_role("textbox", name="Tiêu đề", exact=True).press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Vui lòng sửa các trường được đánh dấu.")
    links = summary.get_by_role("link")
    assert links.evaluate_all("links => links.map(a => a.getAttribute('href'))")[:2] == ["#f-title", "#f-sector_code"]
    expect(links.nth(1)).to_have_text("Lĩnh vực: Vui lòng chọn một mục.")
    screenshot(page, "form-error-summary")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Lĩnh vực")).to_be_focused()
    expect(page.get_by_label("Lĩnh vực")).to_have_attribute("aria-invalid", "true")


def test_after_approving_in_the_review_queue_the_focus_is_on_the_confirmation(page: Page) -> None:
    log_in(page, "staff@demo.hue.vn")
    page.goto("/review")
    page.locator("article.review-item").first.get_by_role("button", name="Duyệt và đăng").press("Enter")
    confirmation = page.locator("article.review-item.decided [role=status]").first
    expect(confirmation).to_be_focused()
    expect(confirmation).to_contain_text("Đã đăng")


def test_the_next_page_link_asks_for_each_parameter_once(page: Page) -> None:
    page.goto("/search?q=duoc+lieu&sort=newest")
    page.locator(".pager a[rel=next]").click()
    page.wait_for_url(lambda url: "page=2" in url)
    assert sorted(parse_qsl(urlsplit(page.url).query)) == [("page", "2"), ("q", "duoc lieu"), ("sort", "newest")]
    expect(page.locator(".pager-where")).to_contain_text("2")


def test_removing_a_filter_chip_removes_that_filter(page: Page) -> None:
    page.goto("/search?q=duoc+lieu&sector=medicinal")
    page.locator(".search-chips .chip").first.click()
    page.wait_for_url(lambda url: "sector=" not in url)
    expect(page.locator(".search-chips .chip")).to_have_count(0)
    assert not page.locator("#facet-sector input[value=medicinal]").is_checked()
