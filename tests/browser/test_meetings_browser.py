"""Meetings of a deal in a real browser: a broker schedules one on a demo collaboration in place (htmx), a
refused form keeps what was typed, and the page holds no accessibility problem axe can find."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from marketplace.i18n import TIMEZONE
from tests.browser.conftest import accessibility_problems, log_in, screenshot

pytestmark = pytest.mark.browser
DEAL = "Chuẩn hóa hàm lượng 1,8-cineol tinh dầu tràm theo lô cho HTX Lộc Thủy"  # the demo deal with meetings


def test_a_broker_schedules_a_meeting_in_place_and_it_is_listed_in_hue_time(page: Page) -> None:
    log_in(page, "staff@demo.hue.vn")
    page.goto("/pipeline?view=list")
    page.get_by_role("link", name=DEAL).first.click()
    section = page.locator("#meetings")
    expect(section.locator(".meeting-list.upcoming .meeting")).to_have_count(1)  # the seeded training meeting
    expect(section.locator(".meeting-list.past .meeting-held")).to_have_count(1)
    section.get_by_text("Lên lịch họp…").click()

    section.get_by_label("Địa điểm").fill("Hội trường Sở KH&CN, 26 Hoàng Hoa Thám")
    section.get_by_role("button", name="Lên lịch", exact=True).click()  # no date yet: refused in place
    expect(section.locator("#e-starts_at")).to_have_text("Vui lòng nhập trường này.")
    expect(section.get_by_label("Địa điểm")).to_have_value("Hội trường Sở KH&CN, 26 Hoàng Hoa Thám")
    assert page.locator("h1").count() == 1  # the section was swapped, no page nested inside

    day = datetime.now(TIMEZONE).date() + timedelta(days=10)
    section.get_by_label("Ngày giờ (giờ Huế)").fill(f"{day.isoformat()}T08:30")
    section.get_by_label("Nội dung").fill("Nghiệm thu lô dầu đầu tiên đạt chuẩn 1,8-cineol.")
    section.get_by_role("button", name="Lên lịch", exact=True).click()
    expect(section.locator(".notice.success")).to_have_text("Đã lên lịch cuộc họp; các bên khác đã được báo.")
    expect(section.locator(".meeting-list.upcoming .meeting")).to_have_count(2)
    added = section.locator(".meeting", has_text="Nghiệm thu lô dầu đầu tiên")
    expect(added.locator(".meeting-when time")).to_have_text(f"08:30 {day.strftime('%d/%m/%Y')}")
    expect(added.get_by_role("link", name="Thêm vào lịch")).to_have_attribute(
        "href", re.compile(r"/meetings/\d+\.ics$")
    )
    assert accessibility_problems(page) == []
    screenshot(page, "collaboration-meetings")


def test_the_meetings_of_a_deal_fit_a_phone_and_open_their_forms_in_place(page: Page) -> None:
    log_in(page, "staff@demo.hue.vn")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/pipeline?view=list")
    page.get_by_role("link", name=DEAL).first.click()
    planned = page.locator("#meetings .meeting-list.upcoming .meeting").first
    planned.get_by_role("link", name="Đổi").click()
    expect(planned.locator("form.meeting-form")).to_be_visible()
    expect(planned.get_by_label("Địa điểm")).to_have_value("HTX Dầu tràm Lộc Thủy, Phú Lộc")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "collaboration-meetings-375")
