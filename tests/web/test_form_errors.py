"""Forms sent back with errors: every invalid control is marked and described, the summary links to it."""

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import Session

from marketplace.i18n import Msg, current_locale
from marketplace.validation import text
from marketplace.web.templating import env
from tests.builders import log_in, make_user, page
from tests.listings.conftest import hidden_fields


@pytest.fixture
def failed_offer(client: TestClient, db: Session):  # type: ignore[no-untyped-def]
    """The offer form sent back: a short title (input), no sector (select), an overlong summary (textarea)."""
    log_in(client, make_user(db))
    form = hidden_fields(client, "/offers/new") | {"title": "Sen", "sector_code": "", "trl": "4", "summary": "ạ" * 601}
    response = client.post("/offers/new", data=form | {"intent": "draft"})
    assert response.status_code == 422
    return page(response)


@pytest.mark.parametrize("field", ["title", "sector_code", "summary"])
def test_every_invalid_control_is_marked_invalid_and_described_by_its_message(failed_offer, field: str) -> None:  # type: ignore[no-untyped-def]
    control = failed_offer.select_one(f"#f-{field}")
    assert control.name == {"title": "input", "sector_code": "select", "summary": "textarea"}[field]
    assert control["aria-invalid"] == "true"
    assert failed_offer.select_one(f"#{control['aria-describedby']}").get_text(strip=True)


def test_required_and_invalid_stay_separate_attributes_on_a_select(failed_offer) -> None:  # type: ignore[no-untyped-def]
    select = failed_offer.select_one("#f-sector_code")
    assert select.has_attr("required") and not any(
        name.startswith("required") and name != "required" for name in select.attrs
    )


def test_valid_controls_are_not_marked_invalid(failed_offer) -> None:  # type: ignore[no-untyped-def]
    assert not failed_offer.select_one("#f-language").has_attr("aria-invalid")
    assert not failed_offer.select_one("#f-description").has_attr("aria-invalid")


def test_the_error_summary_links_each_error_to_its_field() -> None:
    template = env.from_string(
        '{% from "_partials/_field.html" import error_summary with context %}'
        "{{ error_summary(message, errors, label_of=label_of) }}"
    )
    errors = {
        "title": Msg("Please write at least %(min)d characters.", min=5),
        "sector_code": Msg("Please choose one option."),
    }
    html = BeautifulSoup(
        template.render(message=Msg("Please correct the highlighted fields."), errors=errors, label_of=str.upper),
        "html.parser",
    )
    summary = html.select_one("[data-error-summary]")
    assert summary["tabindex"] == "-1"
    assert summary.select_one("#error-summary-title").get_text() == "Vui lòng sửa các trường được đánh dấu."
    assert [(a["href"], a.get_text()) for a in summary.select("li a")] == [
        ("#f-title", "TITLE: Vui lòng viết ít nhất 5 ký tự."),
        ("#f-sector_code", "SECTOR_CODE: Vui lòng chọn một mục."),
    ]


@pytest.mark.parametrize(
    ("locale", "shown"), [("vi", "8.000 ký tự (hiện có 207.999)"), ("en", "8,000 characters (now 207,999)")]
)
def test_lengths_in_messages_have_the_readers_thousands_separator(locale: str, shown: str) -> None:
    token = current_locale.set(locale)
    try:
        errors: dict[str, Msg] = {}
        text(errors, {"description": "ạ" * 207_999}, "description", max_len=8000)
        assert shown in str(errors["description"])
    finally:
        current_locale.reset(token)


def test_the_form_shows_an_overlong_description_with_a_separated_count(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db))
    form = hidden_fields(client, "/offers/new") | {"title": "Chiết xuất cao khô lá sen", "sector_code": "medicinal"}
    html = page(client.post("/offers/new", data=form | {"trl": "4", "intent": "draft", "description": "ạ" * 12_345}))
    assert html.select_one("#e-description").get_text() == "Vui lòng viết không quá 8.000 ký tự (hiện có 12.345)."


def test_the_error_summary_lists_the_fields_in_the_order_of_the_form(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db))
    html = page(
        client.post("/offers/new", data=hidden_fields(client, "/offers/new") | {"title": "Sen", "intent": "submit"})
    )
    linked = [a["href"].removeprefix("#f-") for a in html.select(".error-summary-list a")]
    shown = [
        control["id"].removeprefix("f-") for control in html.select("[aria-invalid=true], fieldset[aria-invalid=true]")
    ]
    assert len(linked) >= 4 and "collaboration_types" in linked
    assert linked == [f for f in dict.fromkeys(shown) if f in linked]


def test_extra_attributes_of_an_input_reach_the_control_as_attributes(client: TestClient, db: Session) -> None:
    """`input(attrs=…)` writes attributes, not text: the record number brings up the phone's number pad."""
    log_in(client, make_user(db, role="staff"))
    record = page(client.get("/audit")).select_one("#f-record")
    assert record["inputmode"] == "numeric" and record["size"] == "8"
