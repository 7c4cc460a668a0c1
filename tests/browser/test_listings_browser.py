"""Journeys 1 and 2 in Chromium: a researcher writes an offer with the coach, staff approve it; and without JavaScript."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, log_out, screenshot

pytestmark = pytest.mark.browser
OFFER_TITLE = "Chiết xuất cao khô lá sen giàu nuciferin bằng ethanol 70 %"
NEED_TITLE = "Cần quy trình sấy lạnh hạt sen giữ màu trắng ngà"
REASON = "Vui lòng nêu công suất sấy mong muốn (kg/mẻ) và thời hạn cần có kết quả."
ADVANTAGES = "Hàm lượng nuciferin cao hơn 35 % so với cao chiết thông thường, thời gian chiết giảm 2 lần."


def coach_item(page: Page, key: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#coach li[data-check={key}]")


def test_a_researcher_writes_an_offer_with_the_coach_and_staff_publish_it(page: Page) -> None:
    log_in(page, "researcher@demo.hue.vn")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Công nghệ").click()
    page.get_by_role("link", name="Đăng tin chào bán công nghệ").click()
    page.get_by_role("textbox", name="Tiêu đề", exact=True).fill(OFFER_TITLE)
    page.get_by_label("Lĩnh vực").select_option(label="Dược liệu và sản phẩm tự nhiên")
    expect(coach_item(page, "advantages")).to_have_class("check todo")
    page.get_by_label("Ưu điểm so với giải pháp hiện có").press_sequentially(ADVANTAGES)
    expect(coach_item(page, "advantages")).to_have_class("check done")  # the coach followed the typing
    screenshot(page, "listing-form-coach-1280")
    page.get_by_role("textbox", name="Tóm tắt", exact=True).fill(
        "Cao khô lá sen Huế chuẩn hóa nuciferin ≥ 2 %, dùng cho trà và thực phẩm bảo vệ sức khỏe."
    )
    page.get_by_label("Mô tả").fill("Chiết lá sen Tây Hồ bằng ethanol 70 % ở 60 °C, cô chân không, sấy phun. " * 4)
    page.get_by_label("Mức độ sẵn sàng công nghệ (TRL)").select_option("5")
    page.get_by_label("Sở hữu trí tuệ").select_option(label="Đã nộp đơn")
    page.get_by_label("Số bằng hoặc số đơn").fill("2-2026-00123")  # a filed application goes with its number
    page.get_by_label("Li-xăng (chuyển quyền sử dụng)").check()
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".notice.success")).to_contain_text("Đã lưu bản nháp")
    page.get_by_role("button", name="Lưu và gửi duyệt").click()
    expect(page.locator(".facts .badge")).to_have_text("Chờ duyệt")
    log_out(page)

    log_in(page, "staff@demo.hue.vn")
    page.get_by_role("link", name="Duyệt tin").click()
    row = page.locator("article.review-item", has_text=OFFER_TITLE)
    screenshot(page, "review-queue-1280")
    row.get_by_role("button", name="Duyệt và đăng").click()
    expect(page.locator("article.review-item.decided", has_text=OFFER_TITLE)).to_contain_text("Đã đăng")
    page.goto("/offers?sector=medicinal")
    page.get_by_role("link", name=OFFER_TITLE).click()
    expect(page.locator(".facts")).to_contain_text("xác nhận hôm nay")


def test_without_javascript_a_need_is_saved_sent_back_and_its_reason_shown(no_js_page: Page) -> None:
    page = no_js_page
    log_in(page, "enterprise@demo.hue.vn")
    page.goto("/needs/new")
    page.get_by_role("textbox", name="Tiêu đề", exact=True).fill(NEED_TITLE)
    page.get_by_label("Lĩnh vực").select_option(label="Nông nghiệp và chế biến thực phẩm")
    page.get_by_label("Vấn đề").fill(
        "Hạt sen sấy nóng bị sẫm màu, mất 20 % giá bán; cần quy trình sấy lạnh phù hợp cơ sở nhỏ."
    )
    page.get_by_label("Kết quả mong muốn").fill("Hạt sen khô giữ màu trắng ngà, độ ẩm dưới 12 %.")
    page.get_by_label("Kinh phí từ (đồng)").fill("-50.000.000")
    page.get_by_label("Tư vấn / dịch vụ kỹ thuật").check()
    page.get_by_role("button", name="Lưu và gửi duyệt").click()
    expect(page.locator("#e-budget_min_vnd")).to_have_text("Vui lòng nhập số từ 0 đến 1.000.000.000.000.")
    expect(page.get_by_role("textbox", name="Tiêu đề", exact=True)).to_have_value(NEED_TITLE)
    page.get_by_label("Kinh phí từ (đồng)").fill("80.000.000")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("#coach .coach-number")).not_to_have_text("0")  # the coach shows after saving
    page.get_by_role("button", name="Lưu và gửi duyệt").click()
    expect(page.locator(".facts .badge")).to_have_text("Chờ duyệt")
    need_page = page.url
    log_out(page)

    log_in(page, "staff@demo.hue.vn")
    page.goto("/review")
    row = page.locator("article.review-item", has_text=NEED_TITLE)
    row.get_by_text("Trả lại…").click()
    row.get_by_label("Lý do (chủ tin sẽ thấy)").fill(REASON)
    row.get_by_role("button", name="Trả lại cho chủ tin").click()
    expect(page.locator(".notice.success")).to_have_text("Đã trả tin về cho chủ tin kèm lý do của bạn.")
    log_out(page)

    log_in(page, "enterprise@demo.hue.vn")
    page.goto(need_page)
    expect(page.locator(".manage-panel .rejection")).to_contain_text(REASON)
    expect(page.locator(".facts .badge")).to_have_text("Bị trả lại")


@pytest.mark.parametrize("width", [375])
def test_the_form_coach_and_queue_fit_a_phone(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "staff@demo.hue.vn")
    page.goto("/offers/new")
    page.get_by_role("textbox", name="Tiêu đề", exact=True).fill(OFFER_TITLE)
    expect(coach_item(page, "title")).to_have_class("check done")
    screenshot(page, f"listing-form-coach-{width}")
    page.goto("/review")
    screenshot(page, f"review-queue-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
