"""Importing listings in a real browser: a manager goes from My exchange to the import page, uploads a filled
workbook, reads the preview (a refused row says which cell is wrong), confirms, and finds the drafts."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import accessibility_problems, log_in, screenshot
from tests.builders import xlsx

pytestmark = pytest.mark.browser
ROWS = [
    ["Tiêu đề", "Lĩnh vực", "TRL", "Hình thức hợp tác", "Tóm tắt"],
    ["Viên nang cao khô cà gai leo hỗ trợ bảo vệ gan", "Dược liệu", "TRL 6", "Li-xăng; Tư vấn",
     "Cao khô cà gai leo chuẩn hóa glycoalcaloid, bào chế viên nang đạt tiêu chuẩn cơ sở."],
    ["Quy trình nuôi trồng nấm linh chi đỏ trên giá thể mùn cưa", "cong nghe sinh hoc", 7, "chuyen nhuong", ""],
    ["Tôm", "Thủy hải sản", "mười", "", ""],
]  # fmt: skip


def test_a_manager_previews_a_workbook_and_confirms_its_drafts(page: Page) -> None:
    log_in(page, "researcher@demo.hue.vn")
    page.goto("/me")
    screenshot(page, "import-link-on-my-exchange")
    page.get_by_role("link", name="Nhập nhiều tin từ bảng tính").first.click()
    expect(page.get_by_role("heading", name="Nhập tin từ bảng tính")).to_be_visible()
    page.get_by_label("Tệp đã điền (.xlsx hoặc .csv)").set_input_files(
        {"name": "danh-muc-ket-qua-2025.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx(ROWS)}
    )
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator(".import-counts")).to_contain_text("2 bản nháp sẽ được tạo")
    refused = page.locator("tr.is-refused")
    expect(refused.locator(".import-problems li").first).to_contain_text("A4")
    expect(refused).to_contain_text("“Thủy hải sản” không thuộc các giá trị được chấp nhận")
    screenshot(page, "import-preview")
    assert not accessibility_problems(page), "\n".join(accessibility_problems(page))
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "import-preview-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Tạo 2 bản nháp").click()
    expect(page.locator(".notice.success")).to_contain_text("Đã tạo 2 bản nháp.")
    screenshot(page, "import-done")
    page.get_by_role("link", name="Xem các tin của tổ chức").click()
    row = page.locator("#listings .listing-row", has_text="Viên nang cao khô cà gai leo hỗ trợ bảo vệ gan")
    expect(row.locator(".badge.status-draft")).to_have_text("Bản nháp")
