"""Keeping a deal's documents in a real browser: a broker opens a demo collaboration from the pipeline's list,
a file over the limit is refused before it is sent, and a signed contract uploads and is listed."""

import pytest
from playwright.sync_api import Page, expect

from marketplace import attachments
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
DEAL = "Chuẩn hóa hàm lượng 1,8-cineol tinh dầu tràm theo lô cho HTX Lộc Thủy"  # a demo deal at "agreement signed"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_broker_uploads_the_signed_contract_of_a_demo_deal(page: Page) -> None:
    log_in(page, "staff@demo.hue.vn")
    page.goto("/pipeline?view=list")
    page.get_by_role("link", name=DEAL).first.click()
    deal_url = page.url
    documents = page.locator("#documents")
    expect(documents.locator(".attachment")).to_have_count(1)  # the institute's technology profile
    documents.get_by_text("Thêm tài liệu…").click()

    too_big = {
        "name": "hop-dong-scan.pdf",
        "mimeType": "application/pdf",
        "buffer": b"%PDF-" + bytes(attachments.MAX_BYTES),
    }
    documents.get_by_label("Tệp").set_input_files(too_big)
    expect(documents.locator("p.error.client")).to_have_text("Tệp này lớn hơn 10 MB. Vui lòng nén hoặc tách nhỏ tệp.")
    documents.get_by_role("button", name="Tải lên").click()
    assert page.url == deal_url  # not sent

    contract = {"name": "Hợp đồng li-xăng số 07-2026.pdf", "mimeType": "application/pdf", "buffer": PDF}
    documents.get_by_label("Tệp").set_input_files(contract)
    documents.get_by_label("Loại tài liệu").select_option(label="Hợp đồng")
    documents.get_by_label("Tiêu đề").fill("Hợp đồng li-xăng quy trình chuẩn hóa cineol đã ký")
    documents.get_by_role("button", name="Tải lên").click()

    expect(documents.locator(".notice.success")).to_have_text("Đã thêm “Hợp đồng li-xăng số 07-2026.pdf”.")
    item = documents.locator(".attachment", has_text="Hợp đồng li-xăng quy trình chuẩn hóa cineol đã ký")
    expect(item.locator(".badge")).to_have_text("Hợp đồng")
    expect(item).to_contain_text("Hợp đồng li-xăng số 07-2026.pdf")
    added = page.locator(".timeline-entry.document_add", has_text="Hợp đồng li-xăng quy trình chuẩn hóa cineol đã ký")
    expect(added).to_contain_text("Đã thêm tài liệu")
    screenshot(page, "collaboration-documents")
