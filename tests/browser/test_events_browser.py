"""Events in a real browser: a company's member opens the demo matchmaking day from the menu, asks an exhibitor
for a B2B meeting (a time outside the event's days is refused and what was typed stays), sees it among their
meetings, and the page holds no accessibility problem axe can find."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import accessibility_problems, log_in, screenshot

pytestmark = pytest.mark.browser
EVENT = "Ngày kết nối cung cầu công nghệ dược liệu Huế 2027"  # the demo upcoming event
MESSAGE = "Cơ sở Kim Vui muốn trao đổi về giống sâm bố chính để trồng xen dưới tán rừng ở Phong Điền."


def test_a_member_asks_an_exhibitor_for_a_meeting_at_the_demo_matchmaking_day(page: Page) -> None:
    log_in(page, "hung.pv@demo.hue.vn")
    page.get_by_role("navigation").get_by_role("link", name="Sự kiện").first.click()
    page.get_by_role("link", name=EVENT).click()
    expect(page.locator("h1")).to_have_text(EVENT)

    form = page.locator("#request-meeting")
    option = form.locator("#f-exhibit_id option", has_text="sâm bố chính")
    form.get_by_label("Sản phẩm trưng bày").select_option(option.get_attribute("value"))
    form.get_by_label("Thời gian mong muốn (giờ Huế)").fill("2027-03-25T10:00")  # after the event
    form.get_by_label("Bạn muốn trao đổi về điều gì?").fill(MESSAGE)
    form.get_by_role("button", name="Gửi đề nghị").click()
    form = page.locator("#request-meeting")
    expect(form.locator("#e-slot_at")).to_have_text("Vui lòng chọn một thời điểm trong các ngày diễn ra sự kiện.")
    expect(form.get_by_label("Bạn muốn trao đổi về điều gì?")).to_have_value(MESSAGE)

    form.get_by_label("Thời gian mong muốn (giờ Huế)").fill("2027-03-19T10:00")
    form.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.locator(".notice.success")).to_have_text("Đã gửi đề nghị; đơn vị trưng bày đã được báo.")
    mine = page.locator("#my-meetings .event-meeting")
    expect(mine).to_have_count(1)
    expect(mine.locator(".meeting-when time")).to_have_text("10:00 19/03/2027")
    expect(mine.get_by_role("button", name="Rút lại yêu cầu")).to_be_visible()
    assert accessibility_problems(page) == []
    screenshot(page, "event-meeting-request")


def test_staff_read_the_report_of_the_2024_techfest(page: Page) -> None:
    log_in(page, "staff@demo.hue.vn")
    page.goto("/events")
    page.get_by_role("link", name="Techfest vùng Bắc Trung Bộ và duyên hải miền Trung 2024").click()
    report = page.locator("#report")
    expect(report.locator(".report-accepted")).to_have_text("2")
    expect(report.locator(".report-declined")).to_have_text("1")
    expect(report.get_by_role("link", name="Các cuộc gặp (CSV)")).to_be_visible()
    assert accessibility_problems(page) == []
    screenshot(page, "event-report")


def test_staff_find_a_listing_typed_without_accents_and_show_it_at_the_matchmaking_day(page: Page) -> None:
    log_in(page, "staff@demo.hue.vn")
    page.goto("/events")
    page.get_by_role("link", name=EVENT).click()
    form = page.locator("#add-exhibit")
    expect(form.locator("input[name=listing]")).to_have_count(0)  # nothing listed before a word is typed
    form.get_by_label("Tìm một công nghệ chào bán hoặc nhu cầu đã công bố").press_sequentially("mau nhuom tu nhien")
    choice = form.locator("#listing-choices label.choice", has_text="màu nhuộm tự nhiên")
    expect(choice.first).to_be_visible()
    assert form.locator("#listing-choices input[name=listing]").count() <= 20
    title = choice.first.locator("span[lang]").inner_text()
    choice.first.locator("input").check()
    form.get_by_label("Gian hàng hoặc bàn (không bắt buộc)").fill("C04")
    assert accessibility_problems(page) == []
    screenshot(page, "event-add-exhibit-search")
    form.get_by_role("button", name="Trưng bày tại sự kiện").click()
    expect(page.locator(".notice.success")).to_be_visible()
    expect(page.locator("#exhibits .exhibit", has_text=title).locator(".exhibit-booth")).to_have_text("Gian hàng C04")
