"""Choosing how the exchange e-mails a member, in a browser."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot


def test_a_member_chooses_one_mail_a_day_on_the_account_page(page) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "researcher@demo.hue.vn")
    page.goto("/account")
    section = page.locator("section.mail-notices")
    expect(section.get_by_label("Mỗi khi có việc")).to_be_checked()
    section.get_by_label("Gộp một thư mỗi ngày").check()
    section.get_by_role("button", name="Lưu lựa chọn").click()
    expect(page.locator(".notice.success")).to_have_text("Đã lưu lựa chọn nhận thư của bạn.")
    expect(page.locator("section.mail-notices").get_by_label("Gộp một thư mỗi ngày")).to_be_checked()
    screenshot(page, "account-mail-notices")
    page.locator("section.mail-notices").screenshot(path="/tmp/mail-notices-section.png")
