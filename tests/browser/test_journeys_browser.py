"""Journeys 3 and 4 in Chromium: an enterprise finds a researcher and expresses interest, the owner answers;
contacts appear on both sides only after acceptance; a decline's reason reaches the asker; and without JavaScript."""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, log_out, screenshot
from tests.conftest import SEED_DIR

pytestmark = pytest.mark.browser
RESEARCHER = "researcher@demo.hue.vn"
ENTERPRISE = "enterprise@demo.hue.vn"
MESSAGE = (
    "Medipharco muốn đưa công nghệ này vào dây chuyền năm 2027. "
    "Chúng tôi mong được trao đổi về điều kiện chuyển giao và thử nghiệm tại nhà máy."
)


def published_offer_title(org_key: str, owner: str) -> str:
    """The title of a published demo offer of `org_key` whose owner is `owner` (the first member by default)."""
    for path in sorted((SEED_DIR / "offers").glob("*.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            if row["org"] == org_key and row["status"] == "published" and row.get("owner") in (None, owner):
                return str(row["title"])
    raise AssertionError(f"no published offer of {org_key} in the demo data")


def both_widths(page: Page, name: str) -> None:
    """Screenshots at desktop and phone width, to look at."""
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"{name}-375")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_enterprise_reaches_a_researcher_who_accepts(page: Page) -> None:
    title = published_offer_title("hu-med", RESEARCHER)
    log_in(page, ENTERPRISE)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Chuyên gia").click()
    page.get_by_label("Tên, chuyên môn hoặc tổ chức").fill("tinh dau tram")  # typed without accents
    expect(page).to_have_url(re.compile(r"q=tinh"))  # the list filtered as the reader typed
    expect(page.locator(".result-count")).not_to_have_text("0 chuyên gia")
    both_widths(page, "journeys-experts")
    page.get_by_role("link", name="PGS.TS. Trần Thị Minh Hạnh").click()
    expect(page.locator("h1")).to_have_text("PGS.TS. Trần Thị Minh Hạnh")
    both_widths(page, "journeys-expert")
    page.locator(".org-listings").get_by_role("link", name=title).click()
    box = page.locator("#interest-box")
    expect(box).not_to_contain_text(RESEARCHER)
    box.get_by_label("Lời nhắn của bạn").fill(MESSAGE)
    box.get_by_role("button", name="Gửi bày tỏ quan tâm").click()
    expect(page.locator("#interest-box .notice.success")).to_have_text(
        "Đã gửi bày tỏ quan tâm. Bạn sẽ nhận được thông báo khi bên kia trả lời."
    )
    both_widths(page, "journeys-offer-interest-sent")
    log_out(page)

    log_in(page, RESEARCHER)
    expect(page.locator(".notice-count .count")).not_to_have_text("0")
    page.locator(".notice-count").click()
    card = page.locator("#received .inquiry").filter(has_text=title).first
    expect(card.locator(".inquiry-message")).to_have_text(MESSAGE)
    expect(card).not_to_contain_text(ENTERPRISE)  # no contact details before acceptance
    both_widths(page, "journeys-me-researcher-before")
    waiting_before = int(page.locator("#me-nav a[href='#received'] .count").inner_text())
    deals_before = int(page.locator("#me-nav a[href='#collaborations'] .count").inner_text())
    card.get_by_role("button", name="Chấp nhận và chia sẻ thông tin liên hệ").click()
    accepted = page.locator("#received .inquiry.status-accepted").filter(has_text=title)
    expect(accepted.locator(".contact-email")).to_have_text([ENTERPRISE, RESEARCHER])
    # without reloading: the collaboration opened is listed, the counts and the waiting line follow
    expect(page.locator("#collaborations .deal-row").filter(has_text=title)).to_be_visible()
    expect(page.locator("#me-nav a[href='#collaborations'] .count")).to_have_text(str(deals_before + 1))
    expect(page.locator("#me-nav a[href='#received'] .count")).to_have_text(str(waiting_before - 1))
    if waiting_before == 1:
        expect(page.locator("#received-waiting")).to_be_hidden()
    else:
        expect(page.locator("#received-waiting")).to_contain_text(f"{waiting_before - 1} bày tỏ quan tâm")
    page.reload()
    expect(page.locator("#collaborations .deal-row").filter(has_text=title)).to_be_visible()
    both_widths(page, "journeys-me-researcher-accepted")
    log_out(page)

    log_in(page, ENTERPRISE)
    page.goto("/me")
    sent = page.locator("#sent .inquiry.status-accepted").filter(has_text=title)
    expect(sent.locator(".contact-email")).to_have_text([ENTERPRISE, RESEARCHER])
    expect(page.locator("#collaborations .deal-row").filter(has_text=title).locator(".stage-pill")).to_have_text(
        "Đã liên hệ"
    )
    both_widths(page, "journeys-me-enterprise-accepted")


def test_a_decline_and_its_reason_reach_the_asker_in_english(page: Page) -> None:
    log_in(page, "loc.tv@demo.hue.vn")
    page.get_by_role("link", name="EN", exact=True).click()
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Experts").click()
    page.get_by_label("Name, expertise or organization").fill("Minh Hạnh")
    expect(page).to_have_url(re.compile(r"q=Minh"))
    expect(page.locator(".expert-card")).to_have_count(1)
    page.get_by_role("link", name="PGS.TS. Trần Thị Minh Hạnh").click()
    box = page.locator("#interest-box")
    box.get_by_label("Your message").fill("HTX Lộc Thủy cần tư vấn chuẩn hóa dầu tràm theo hàm lượng cineol.")
    box.get_by_role("button", name="Send inquiry").click()
    expect(page.locator("#interest-box .notice.success")).to_be_visible()
    log_out(page)

    log_in(page, RESEARCHER, english=True)
    page.get_by_role("link", name="VI", exact=True).click()
    page.goto("/me")
    card = page.locator("#received .inquiry").filter(has_text="HTX Lộc Thủy cần tư vấn").first
    card.get_by_text("Từ chối kèm lý do").click()
    card.get_by_role("button", name="Từ chối", exact=True).click()  # no reason chosen yet
    card = page.locator("#received .inquiry").filter(has_text="HTX Lộc Thủy cần tư vấn").first
    expect(card.locator(".error").first).to_have_text("Vui lòng chọn một mục.")
    card.get_by_label("Lý do").select_option(label="Thời điểm chưa phù hợp")
    card.get_by_label("Vài lời gửi người hỏi").fill("Nhóm đang kín lịch đến tháng 6/2027, xin liên hệ lại sau.")
    card.get_by_role("button", name="Từ chối", exact=True).click()
    expect(page.locator("#received .inquiry.status-declined").filter(has_text="HTX Lộc Thủy")).to_be_visible()
    log_out(page)

    log_in(page, "loc.tv@demo.hue.vn")
    page.get_by_role("link", name="EN", exact=True).click()
    page.goto("/me")
    declined = page.locator("#sent .inquiry.status-declined").first
    expect(declined.locator(".reason")).to_have_text("Timing does not suit")
    expect(declined.locator(".reason-note")).to_have_text("Nhóm đang kín lịch đến tháng 6/2027, xin liên hệ lại sau.")
    expect(declined.locator(".contacts")).to_have_count(0)
    both_widths(page, "journeys-me-declined-en")


def test_without_javascript_interest_is_sent_and_accepted_with_plain_forms(no_js_page: Page) -> None:
    page = no_js_page
    title = published_offer_title("hu-agri", "thang.vv@demo.hue.vn")
    log_in(page, "hung.pv@demo.hue.vn")
    page.goto("/experts?q=thang")
    page.get_by_role("link", name="PGS.TS. Võ Văn Thắng").click()
    page.locator(".org-listings").get_by_role("link", name=title).click()
    page.locator("#interest-box").get_by_role("button", name="Gửi bày tỏ quan tâm").click()  # empty message
    expect(page.locator("#e-message")).to_have_text("Vui lòng nhập trường này.")
    screenshot(page, "journeys-nojs-interest-error")
    page.get_by_label("Lời nhắn của bạn").fill("Công ty Kim Vui muốn thử nghiệm quy trình này ở quy mô 200 kg/mẻ.")
    page.get_by_role("button", name="Gửi bày tỏ quan tâm").click()
    expect(page.locator(".notice.success")).to_have_text(
        "Đã gửi bày tỏ quan tâm. Bạn sẽ nhận được thông báo khi bên kia trả lời."
    )
    expect(page.locator("h1")).to_have_text(f"Bày tỏ quan tâm về “{title}”")
    log_out(page)

    log_in(page, "thang.vv@demo.hue.vn")
    page.goto("/me")
    card = page.locator("#received .inquiry").filter(has_text="quy mô 200 kg/mẻ").first
    expect(card).not_to_contain_text("hung.pv@demo.hue.vn")
    card.get_by_role("button", name="Chấp nhận và chia sẻ thông tin liên hệ").click()
    expect(page.locator(".notice.success")).to_contain_text("Đã chấp nhận.")
    expect(page.locator(".contacts .contact-email")).to_have_text(["hung.pv@demo.hue.vn", "thang.vv@demo.hue.vn"])
    both_widths(page, "journeys-nojs-accepted")
