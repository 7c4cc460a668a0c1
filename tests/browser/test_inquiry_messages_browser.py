"""Questions and answers on a waiting inquiry in a real browser: with htmx the message joins the thread in
place; without JavaScript the same form posts and lands on the new message."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import accessibility_problems, log_in, screenshot

pytestmark = pytest.mark.browser
COATING = "Bảo quản thanh trà sau thu hoạch bằng màng bao chitosan"
ANSWER = "Bên em đã liên hệ được kho mát ở Hương Thủy, giữ được 8–10 °C. Viện có thể cử người xuống xem kho vào tuần sau không?"


def open_card(page: Page, title: str, messages: int | None = None) -> None:
    """Open the inquiry about `title` from its card on My exchange (showing how many messages it holds)."""
    page.goto("/me")
    card = page.locator("article.inquiry", has_text=title).first
    if messages is not None:
        expect(card.locator(".thread-count")).to_have_text(f"{messages} tin nhắn")
    card.get_by_role("link", name="Xem bày tỏ quan tâm này").click()
    if messages is not None:
        expect(page.locator("#inquiry-thread .thread-message")).to_have_count(messages)


def test_the_sender_answers_a_question_and_the_thread_grows_in_place(page: Page) -> None:
    log_in(page, "thien.nv@demo.hue.vn")
    open_card(page, COATING, messages=3)  # the demo cooperative's question about the institute's coating
    address = page.url
    expect(page.locator(".thread-message.side-broker .thread-broker")).to_have_text("Sở KH&CN (đơn vị môi giới)")
    expect(page.locator("#h-thread-body")).to_contain_text("được chia sẻ tự động khi yêu cầu được chấp nhận")
    page.get_by_label("Đặt câu hỏi hoặc trả lời").fill(ANSWER)
    page.get_by_role("button", name="Gửi tin nhắn").click()
    expect(page.locator("#inquiry-thread .thread-message")).to_have_count(4)
    expect(page.locator(".thread-message.is-new .thread-body")).to_have_text(ANSWER)
    expect(page.get_by_label("Đặt câu hỏi hoặc trả lời")).to_have_value("")
    assert page.url == address  # stayed on the page: only the thread was swapped
    assert accessibility_problems(page) == []
    screenshot(page, "inquiry-thread")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "inquiry-thread-phone")


def test_an_empty_message_is_refused_beside_the_field(page: Page) -> None:
    log_in(page, "thang.vv@demo.hue.vn")
    open_card(page, "saponin")
    page.get_by_role("button", name="Gửi tin nhắn").click()
    expect(page.locator("#e-thread-body")).to_have_text("Vui lòng nhập trường này.")
    expect(page.locator("#inquiry-thread .thread-message")).to_have_count(2)


def test_without_javascript_the_form_posts_and_lands_on_the_new_message(no_js_page: Page) -> None:
    page = no_js_page
    log_in(page, "thang.vv@demo.hue.vn")
    open_card(page, "saponin")
    question = "Chúng tôi có thể gửi 20 lít chế phẩm để HTX làm thử trên 1 ha trước khi báo giá cho cả 25 ha."
    page.get_by_label("Đặt câu hỏi hoặc trả lời").fill(question)
    page.get_by_role("button", name="Gửi tin nhắn").click()
    assert "#message-" in page.url
    expect(page.locator("#inquiry-thread .thread-message").last.locator(".thread-body")).to_have_text(question)
