"""Input QA found accepted: IP without its number, symbol-only keywords, invisible characters in titles."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import validation
from marketplace.models import Need, Offer
from tests.builders import page
from tests.listings.conftest import new_need_form, new_offer_form


@pytest.mark.parametrize("status", ["filed", "patent", "utility_solution"])
def test_a_filed_or_granted_ip_status_needs_its_number_to_go_for_review(
    researcher_client: TestClient, db: Session, status: str
) -> None:
    form = new_offer_form(researcher_client, ip_status=status, ip_reference="  ", intent="submit")
    response = researcher_client.post("/offers/new", data=form)
    assert response.status_code == 422
    assert (
        page(response).select_one("#e-ip_reference").get_text()
        == "Vui lòng ghi số bằng hoặc số đơn đăng ký cho tình trạng sở hữu trí tuệ này."
    )
    assert db.exec(select(Offer)).all() == []


@pytest.mark.parametrize("status", ["none", "trade_secret", "expired"])
def test_other_ip_statuses_need_no_number(researcher_client: TestClient, db: Session, status: str) -> None:
    form = new_offer_form(researcher_client, ip_status=status, ip_reference="", intent="submit")
    researcher_client.post("/offers/new", data=form)
    assert db.exec(select(Offer.status)).one() == "submitted"


def test_a_draft_may_leave_the_patent_number_for_later(researcher_client: TestClient, db: Session) -> None:
    form = new_offer_form(researcher_client, ip_status="patent", ip_reference="", intent="draft")
    researcher_client.post("/offers/new", data=form)
    assert db.exec(select(Offer.status)).one() == "draft"


@pytest.mark.parametrize("junk", ["🌿", "---", "🌿🌿, ★"])
def test_a_keyword_without_a_letter_or_digit_is_refused(researcher_client: TestClient, db: Session, junk: str) -> None:
    form = new_need_form(researcher_client, keywords=f"dầu tràm, {junk}", intent="draft")
    html = page(researcher_client.post("/needs/new", data=form))
    assert html.select_one("#e-keywords").get_text() == "Mỗi từ khóa phải có ít nhất một chữ cái hoặc chữ số."
    assert html.select_one("#f-keywords")["value"] == f"dầu tràm, {junk}"  # what was typed is kept
    assert db.exec(select(Need)).all() == []


def test_keywords_with_letters_digits_or_symbols_beside_them_are_kept(
    researcher_client: TestClient, db: Session
) -> None:
    form = new_need_form(researcher_client, keywords="tinh dầu 🌿, GMP-WHO; CO₂", intent="draft")
    researcher_client.post("/needs/new", data=form)
    assert db.exec(select(Need.keywords)).one() == ["tinh dầu 🌿", "GMP-WHO", "CO₂"]


def test_a_nul_byte_and_invisible_characters_in_a_title_are_removed_and_the_listing_saved(
    researcher_client: TestClient, db: Session
) -> None:
    """PostgreSQL refuses NUL in text: the form cleans it at the boundary, so the save is a normal one (not a 500)."""
    title = "Quy trình\x00 chiết\u200b xuất\ufeff cao lá sen\x07"
    form = new_need_form(researcher_client, title=title, intent="draft")
    response = researcher_client.post("/needs/new", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert db.exec(select(Need.title)).one() == "Quy trình chiết xuất cao lá sen"


def test_line_breaks_stay_in_long_text_but_not_in_a_title(researcher_client: TestClient, db: Session) -> None:
    form = new_need_form(
        researcher_client,
        title="Cần quy trình\r\nổn định\tdầu tràm",
        problem=new_need_form(researcher_client)["problem"] + "\r\n\r\nDòng thứ hai\x00 của vấn đề.",
        intent="draft",
    )
    researcher_client.post("/needs/new", data=form)
    need = db.exec(select(Need)).one()
    assert need.title == "Cần quy trình ổn định dầu tràm"
    assert need.problem.endswith("\r\n\r\nDòng thứ hai của vấn đề.")


def test_the_cleaning_helper_removes_what_nobody_types() -> None:
    assert validation.nfc(" a\x00b\x1f\x7fc\u200bd\u200de\u2060f\ufeffg\u202eh ") == "abcdefgh"
    assert validation.nfc("dòng 1\n\tdòng 2") == "dòng 1\n\tdòng 2"
    assert validation.one_line("dòng 1\r\n  dòng 2\tcuối") == "dòng 1 dòng 2 cuối"
    assert validation.nfc("cafe\u0301") == "café"  # still NFC
