"""Success stories in a real browser: the public Results page and a story's page show the demo cajeput-oil story
with both organizations and its value, fit a phone, and hold no accessibility problem axe can find; on the deal's
page staff see the story with both consents."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import accessibility_problems, log_in, screenshot

pytestmark = pytest.mark.browser
HEADLINE = "HTX Lộc Thủy giữ được khách sỉ tinh dầu tràm nhờ quy trình kiểm soát 1,8-cineol của Viện Hóa học"
DEAL = "Chuẩn hóa hàm lượng 1,8-cineol tinh dầu tràm theo lô cho HTX Lộc Thủy"


def test_a_visitor_reads_the_demo_story_from_the_footer(page: Page) -> None:
    page.goto("/")
    page.locator(".site-footer").get_by_role("link", name="Kết quả").click()
    card = page.locator(".story-card", has_text=HEADLINE)
    expect(card.locator(".story-parties a")).to_have_text(["Viện Hóa học", "Hợp tác xã Dầu tràm Lộc Thủy"])
    expect(card.locator(".story-value dd")).to_have_text("250.000.000 ₫")
    assert accessibility_problems(page) == []
    screenshot(page, "results")
    card.get_by_role("link", name=HEADLINE).click()
    expect(page.locator("h1")).to_have_text(HEADLINE)
    assert accessibility_problems(page) == []
    screenshot(page, "result")


def test_the_results_page_fits_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/results")
    expect(page.locator(".story-card")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "results-375")


def test_staff_see_the_published_story_with_both_consents_on_the_deal(page: Page) -> None:
    log_in(page, "staff@demo.hue.vn")
    page.goto("/pipeline?view=list")
    page.get_by_role("link", name=DEAL).first.click()
    section = page.locator("#story")
    expect(section.locator(".story-status")).to_have_text("Đã đăng")
    expect(section.locator(".story-consents li")).to_have_count(2)
    expect(section.get_by_role("button", name="Rút câu chuyện")).to_be_visible()
    assert accessibility_problems(page) == []
    screenshot(page, "collaboration-story")
