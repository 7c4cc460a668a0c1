"""At phone width (390 px) the header folds behind a menu button and no page scrolls sideways."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Pages holding a short list or a form, as a signed-in staff member sees them.
SMALL_PAGES = [
    "/",
    "/offers?page=2",
    "/search?q=sen+hue",
    "/me",
    "/dashboard",
    "/pipeline?view=list",
    "/offers/new",
    "/account",
]


def scrolls_sideways(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))


def test_the_phone_menu_starts_folded_and_opens_with_the_keyboard(page) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    page.goto("/")
    menu = page.locator(".menu-toggle summary")
    expect(menu).to_have_text("Trình đơn")
    expect(page.locator(".main-nav")).to_be_hidden()
    expect(page.locator(".header-tools")).to_be_hidden()

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site name
    page.keyboard.press("Tab")
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".main-nav")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Trang chủ", exact=True)).to_be_focused()
    screenshot(page, "phone-menu-open")
    menu.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".main-nav")).to_be_hidden()


def test_the_phone_menu_works_without_javascript(no_js_page) -> None:  # type: ignore[no-untyped-def]
    no_js_page.set_viewport_size(PHONE)
    no_js_page.goto("/")
    no_js_page.locator(".menu-toggle summary").click()
    no_js_page.get_by_role("link", name="Công nghệ", exact=True).click()
    expect(no_js_page).to_have_url("/offers")


def test_the_desktop_header_shows_its_links_without_a_menu_button(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    expect(page.locator(".menu-toggle")).to_be_hidden()
    expect(page.locator(".main-nav")).to_be_visible()


def test_no_page_scrolls_sideways_on_a_phone(page) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "staff@demo.hue.vn")
    page.set_viewport_size(PHONE)
    wide = []
    for path in SMALL_PAGES:
        page.goto(path)
        if scrolls_sideways(page):
            wide.append(path)
    assert wide == []
    screenshot(page, "phone-account")
