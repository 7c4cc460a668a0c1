"""Attaching files in a real browser: a file over the limit is refused before it is sent, a photo uploads with
its title and waits for the Department, staff approve it on /review, and readers then see its preview."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from marketplace import attachments
from tests.browser.conftest import log_in, log_out, screenshot

pytestmark = pytest.mark.browser
OWN_OFFER = "Phát hiện tinh dầu tràm pha trộn"  # a published offer of the demo researcher's university


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (70, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def test_an_owner_attaches_a_photo_that_staff_approve_before_readers_see_it(page: Page) -> None:
    log_in(page, "researcher@demo.hue.vn")
    page.goto("/me")
    page.get_by_role("link", name=OWN_OFFER).first.click()
    offer_url = page.url
    page.get_by_text("Đính kèm tệp…").click()
    too_big = {"name": "ban-quet.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-" + bytes(attachments.MAX_BYTES)}
    page.get_by_label("Tệp").set_input_files(too_big)
    expect(page.locator("p.error.client")).to_have_text("Tệp này lớn hơn 10 MB. Vui lòng nén hoặc tách nhỏ tệp.")
    page.get_by_role("button", name="Tải lên").click()
    assert page.url == offer_url  # not sent
    expect(page.get_by_label("Tệp")).to_be_focused()

    page.get_by_label("Tệp").set_input_files({"name": "mau-dau-tram.jpg", "mimeType": "image/jpeg", "buffer": jpeg()})
    expect(page.locator("p.error.client")).to_have_count(0)
    page.get_by_label("Tiêu đề hiển thị cho người xem").fill("Mẫu dầu tràm đối chứng trong phòng thí nghiệm")
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#attachments .notice.success")).to_have_text(
        "Đã đính kèm “mau-dau-tram.jpg”. Tệp sẽ hiển thị sau khi Sở kiểm tra."
    )
    item = page.locator(".attachment", has_text="Mẫu dầu tràm đối chứng")
    expect(item.locator(".badge")).to_have_text("Chờ Sở kiểm tra")
    screenshot(page, "attachment-waiting")
    log_out(page)

    page.goto(offer_url)
    expect(page.locator(".attachment", has_text="Mẫu dầu tràm đối chứng")).to_have_count(0)
    log_in(page, "staff@demo.hue.vn")
    page.goto("/review")
    page.get_by_role("link", name="1 tệp thêm vào tin đã đăng đang chờ bạn kiểm tra").click()
    waiting = page.locator("#attachments .attachment", has_text="Mẫu dầu tràm đối chứng")
    waiting.get_by_role("button", name="Duyệt").click()
    expect(page.locator("#attachments .notice.success")).to_have_text(
        "“mau-dau-tram.jpg” đã được hiển thị cùng tin đăng."
    )
    log_out(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(offer_url)
    shown = page.locator(".attachment", has_text="Mẫu dầu tràm đối chứng")
    preview = shown.locator(".attachment-preview img")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.naturalWidth") == 640  # the preview loaded, not a broken image
    page.locator("#attachments").scroll_into_view_if_needed()
    screenshot(page, "attachments-phone")
