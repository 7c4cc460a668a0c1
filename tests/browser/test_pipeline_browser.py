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
    assert card.locator("xpath=ancestor::section[contains(@class, 'stage-negotiating')]").count() == 1
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
