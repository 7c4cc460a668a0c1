"""A new user registers, logs out and in again, in a real browser; the language switch works."""

from tests.browser.conftest import log_in, screenshot


def test_register_log_out_and_log_in_again(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    screenshot(page, "home-vi")
    page.get_by_role("link", name="Đăng ký").first.click()
    page.get_by_label("Họ và tên").fill("Phan Thị Thu Hà")
    page.get_by_label("E-mail").fill("thuha@demo.example")
    page.get_by_label("nhà nghiên cứu (trường, viện, bệnh viện)").check()
    page.get_by_label("Chọn tổ chức của bạn").select_option(label="Trường Đại học Y - Dược, Đại học Huế")
    page.locator("#f-password").fill("mật-khẩu-của-hà")
    page.get_by_label("Nhập lại mật khẩu").fill("mật-khẩu-của-hà")
    screenshot(page, "register-filled")
    page.get_by_role("button", name="Tạo tài khoản").click()
    assert page.locator(".user-name").inner_text() == "Phan Thị Thu Hà"
    page.get_by_role("button", name="Đăng xuất").click()
    assert page.locator(".user-name").count() == 0
    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("E-mail").fill("thuha@demo.example")
    page.get_by_label("Mật khẩu").fill("mật-khẩu-của-hà")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.locator(".user-name").inner_text() == "Phan Thị Thu Hà"


def test_registration_errors_keep_the_input(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/register")
    page.get_by_label("Họ và tên").fill("Lê Văn Khoa")
    page.get_by_label("E-mail").fill("không-phải-email")
    page.get_by_role("button", name="Tạo tài khoản").click()
    assert page.locator("#e-email").inner_text() == "Vui lòng nhập e-mail hợp lệ, ví dụ ten@donvi.vn."
    assert page.get_by_label("Họ và tên").input_value() == "Lê Văn Khoa"
    screenshot(page, "register-errors")


def test_staff_account_logs_in_and_the_language_switches(page) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "staff@demo.hue.vn")
    page.get_by_role("link", name="EN", exact=True).click()
    assert page.get_by_role("button", name="Log out").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "home-en-staff")
