"""A staff member turns on two-step verification, logs out, and logs in again with a code from "their app"
(pyotp, from the key the set-up page shows); at desktop and phone width."""

import time

import pyotp

from tests.browser.conftest import DEMO_PASSWORD, accessibility_problems, log_in, log_out, screenshot

PHONE = {"width": 390, "height": 844}


def test_turn_on_log_out_and_log_in_with_a_code(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    log_in(page, "staff@demo.hue.vn")
    page.goto("/account")
    page.locator(".two-step-section").get_by_role("link", name="Bật").click()
    page.get_by_text("Không quét được? Nhập khóa bằng tay").click()
    totp = pyotp.TOTP(page.locator(".two-step-secret").inner_text().replace(" ", ""))
    screenshot(page, "two-step-setup")
    assert not accessibility_problems(page), "\n".join(accessibility_problems(page))
    page.set_viewport_size(PHONE)
    screenshot(page, "two-step-setup-phone")
    page.get_by_label("Mã 6 chữ số").fill(totp.now())
    page.get_by_role("button", name="Bật", exact=True).click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert not accessibility_problems(page), "\n".join(accessibility_problems(page))
    screenshot(page, "two-step-recovery-codes-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "two-step-recovery-codes")
    page.get_by_role("link", name="Tôi đã lưu các mã này").click()
    log_out(page)

    page.goto("/login")
    page.get_by_label("E-mail").fill("staff@demo.hue.vn")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Xác minh hai bước")).to_be_visible()
    assert not accessibility_problems(page), "\n".join(accessibility_problems(page))
    page.set_viewport_size(PHONE)
    screenshot(page, "two-step-login-phone")
    # The code of the next 30 seconds: the one typed at set-up may still be the current one, and is used up.
    page.get_by_label("Mã 6 chữ số").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Xác minh và đăng nhập").click()
    expect(page.locator(".user-name")).to_be_attached()
    page.goto("/account")
    expect(page.locator(".two-step-section")).to_contain_text("Còn 10 mã khôi phục chưa dùng.")
    screenshot(page, "two-step-account-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/account/two-step")
    screenshot(page, "two-step-manage")
