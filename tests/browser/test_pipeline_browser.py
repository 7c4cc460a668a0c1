"""A staff member moves a card on the pipeline board and the dashboard counts the signed agreement."""

import re

import pytest

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def signed_count(page) -> int:  # type: ignore[no-untyped-def]
    page.goto("/dashboard")
    return int(page.locator("#kpi-signed .kpi-value").inner_text().replace(".", ""))


def test_a_card_moved_to_agreement_signed_shows_on_the_dashboard(page) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "staff@demo.hue.vn")
    before = signed_count(page)
    page.goto("/collaborations/new")
    page.get_by_label("Tiêu đề").fill("Chuyển giao quy trình chưng cất tinh dầu tràm cho HTX Lộc Thủy")
    page.get_by_label("Bên cung cấp (chủ công nghệ)").select_option(index=1)
    page.get_by_label("Bên tiếp nhận (bên ứng dụng công nghệ)").select_option(index=2)
    page.get_by_label("Giai đoạn").select_option("negotiating")
    page.get_by_role("button", name="Mở hợp tác").click()
    collab_id = re.search(r"/collaborations/(\d+)", page.url).group(1)  # type: ignore[union-attr]

    page.goto("/pipeline")
    card = page.locator(f"#collab-{collab_id}")
    assert card.locator("xpath=ancestor::li[contains(@class, 'stage-negotiating')]").count() == 1
    card.get_by_text("Chuyển giai đoạn…").click()
    card.get_by_label("Giai đoạn mới").select_option("agreement_signed")
    card.get_by_label("Loại hợp đồng").select_option("licence")
    card.get_by_label("Giá trị hợp đồng (VND)").fill("450.000.000")
    card.get_by_role("button", name="Chuyển", exact=True).click()
    moved = page.locator(f".board-column.stage-agreement_signed #collab-{collab_id}")
    moved.wait_for()
    assert "450.000.000 ₫" in moved.inner_text()
    assert page.locator("#toasts .toast").first.inner_text() == "Đã chuyển sang “Đã ký hợp đồng”."
    screenshot(page, "pipeline-board-1280")

    assert signed_count(page) == before + 1
    screenshot(page, "dashboard-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "dashboard-375")
    page.goto("/pipeline")
    screenshot(page, "pipeline-board-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_empty_note_shows_its_message_in_place_and_a_note_then_goes_in(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    log_in(page, "staff@demo.hue.vn")
    page.goto("/collaborations/1")
    entries = page.locator(".timeline-entry").count()
    page.get_by_role("button", name="Thêm ghi chú").click()
    expect(page.locator(".note-form .notice.error")).to_contain_text("Chưa thêm được ghi chú của bạn.")
    assert page.locator("header").count() == 1 and page.locator("h1").count() == 1  # no page nested inside
    assert page.locator("#timeline").count() == 1 and page.locator(".timeline-entry").count() == entries
    expect(page.locator(".note-form .error-summary")).to_be_focused()
    screenshot(page, "collaboration-empty-note-1280")
    page.get_by_label("Thêm ghi chú").fill("Đã hẹn khảo sát vùng trồng tràm ở Phú Lộc")
    page.get_by_role("button", name="Thêm ghi chú").click()
    expect(page.locator(".timeline-entry.note .note-text").last).to_have_text(
        "Đã hẹn khảo sát vùng trồng tràm ở Phú Lộc"
    )
    assert page.locator(".note-form .notice.error").count() == 0 and page.locator("header").count() == 1


def test_without_javascript_an_empty_note_comes_back_on_the_page_with_its_message(no_js_page) -> None:  # type: ignore[no-untyped-def]
    log_in(no_js_page, "researcher@demo.hue.vn")
    no_js_page.goto("/me")
    no_js_page.locator("#collaborations a.row-title").first.click()
    no_js_page.get_by_label("Thêm ghi chú").fill(" ")
    no_js_page.get_by_role("button", name="Thêm ghi chú").click()
    assert no_js_page.locator("header").count() == 1 and no_js_page.locator("#timeline").count() == 1
    assert no_js_page.locator(".note-form .notice.error").inner_text() == "Chưa thêm được ghi chú của bạn."
    assert no_js_page.locator("#e-text").inner_text() == "Vui lòng nhập trường này."
