"""A broker finds the inquiries from the menu and narrows the list in a real browser (htmx), at desk and phone size."""

from tests.browser.conftest import log_in, screenshot


def test_a_broker_opens_the_inquiries_from_the_menu_and_filters_them(page) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "staff@demo.hue.vn")
    page.locator("nav").get_by_role("link", name="Bày tỏ quan tâm").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bày tỏ quan tâm giữa các tổ chức"
    waiting = page.locator(".inquiry-board tbody tr[id]")
    assert waiting.count() > 0
    assert set(page.locator(".inquiry-board .inquiry-status").all_inner_texts()) == {"Đang chờ trả lời"}
    screenshot(page, "inquiry-board-1280")
    page.get_by_label("Trạng thái").select_option("all")
    page.wait_for_url("**/inquiries?state=all*")
    page.wait_for_function("document.querySelectorAll('.inquiry-board tbody tr[id]').length > 0")
    assert len(set(page.locator(".inquiry-board .inquiry-status").all_inner_texts())) > 1
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "inquiry-board-390")
    page.locator(".inquiry-board .inquiry-about a").first.click()
    page.wait_for_url("**/inquiries/*")
    assert page.locator(".thread, #thread, .inquiry").count() > 0
