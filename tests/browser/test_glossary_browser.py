"""The glossary page in a real browser: staff add a term, are told the proposals lag behind it, and
recalculate them; the card follows the run in the background until it is done."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def test_staff_add_a_term_then_recalculate_and_the_card_follows_the_run(page) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "staff@demo.hue.vn")
    page.goto("/glossary")
    card = page.locator("#recalculation")
    page.get_by_label("Tiếng Việt").fill("rau má")
    page.get_by_label("Tiếng Anh").fill("gotu kola")
    page.get_by_role("button", name="Thêm vào bảng thuật ngữ").click()
    expect(page.locator(".notice.success")).to_have_text("Đã thêm: “rau má = gotu kola”.")
    expect(card).to_contain_text("Bảng thuật ngữ đã thay đổi")

    card.get_by_role("button", name="Tính lại đề xuất đối tác").click()
    expect(page.locator(".notice.success")).to_contain_text("Đã bắt đầu tính lại")
    # Running, the card asks for itself every 3 s; done, it says so, and the warning is gone.
    expect(card).to_contain_text("Lần tính lại gần nhất", timeout=60_000)
    expect(card).to_contain_text("Lê Thị Ngọc Ánh")
    expect(card).not_to_contain_text("Bảng thuật ngữ đã thay đổi")
    expect(card.get_by_role("button", name="Tính lại đề xuất đối tác")).to_be_enabled()
    screenshot(page, "glossary-recalculated")


def test_the_glossary_pages_through_its_terms_in_place(page) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "staff@demo.hue.vn")
    page.goto("/glossary")
    first = page.locator("table.glossary tbody tr").first.inner_text()
    page.locator(".pager a[rel=next]").click()
    expect(page.locator(".pager-where")).to_have_text(re.compile(r"^Trang 2/\d+$"))
    expect(page).to_have_url(re.compile(r"/glossary\?page=2$"))
    expect(page.locator("table.glossary tbody tr").first).not_to_have_text(first)
    expect(page.locator("table.glossary tbody tr")).to_have_count(100)
    expect(page.locator("#recalculation")).to_have_count(1)  # only the list was replaced
