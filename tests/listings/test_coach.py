"""The listing quality coach: what it counts as convincing, and the panel the form updates while typing."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.quality import assess
from tests.builders import page
from tests.listings.conftest import CONVINCING_NEED, CONVINCING_OFFER, hidden_fields


def done(kind: str, values: dict[str, Any]) -> set[str]:
    return {c.key for c in assess(kind, values).checks if c.done}  # type: ignore[arg-type]


def test_an_empty_offer_scores_nothing_and_a_convincing_one_full_marks() -> None:
    assert assess("offer", {}).score == 0
    assert assess("offer", CONVINCING_OFFER).score == 100
    assert assess("need", CONVINCING_NEED).score == 100


@pytest.mark.parametrize(
    ("advantages", "counted"),
    [
        ("Chất lượng tinh dầu tốt hơn hẳn, ổn định hơn và được khách hàng đánh giá rất cao.", False),
        ("Hàm lượng cineole cao hơn 25 % so với chưng cất thủ công, tiêu hao củi giảm đáng kể.", True),
        ("Nhanh gấp 2 lần.", False),  # a figure, but too short to say what it is compared with
    ],
)
def test_advantages_count_only_with_figures(advantages: str, counted: bool) -> None:
    assert ("advantages" in done("offer", {"advantages": advantages})) is counted


@pytest.mark.parametrize(
    ("status", "reference", "counted"),
    [("patent", "", False), ("patent", "1-0034567", True), ("filed", "", False), ("none", "", True), ("", "", False)],
)
def test_ip_status_counts_with_its_number_where_one_exists(status: str, reference: str, counted: bool) -> None:
    assert ("ip" in done("offer", {"ip_status": status, "ip_reference": reference})) is counted


@pytest.mark.parametrize(("sector", "asked"), [("medicinal", True), ("agri_food", True), ("digital", False)])
def test_bio_resource_fields_are_asked_for_only_where_relevant(sector: str, asked: bool) -> None:
    keys = {c.key for c in assess("offer", {"sector_code": sector}).checks}
    assert ("bio" in keys) is asked


def test_keywords_count_once_each_and_up_to_fifteen() -> None:
    assert "keywords" not in done("offer", {"keywords": "dầu tràm, Dầu tràm, chưng cất"})
    assert "keywords" in done("offer", {"keywords": "dầu tràm; chưng cất\ncineole"})
    assert "keywords" not in done("offer", {"keywords": ", ".join(f"từ khóa {n}" for n in range(16))})


def test_a_need_is_convincing_with_budget_deadline_and_outcome() -> None:
    missing = {c.key for c in assess("need", CONVINCING_NEED | {"budget_min_vnd": "", "budget_max_vnd": ""}).missing}
    assert missing == {"budget"}
    assert "deadline" in {c.key for c in assess("need", CONVINCING_NEED | {"deadline": ""}).missing}


def test_the_coach_endpoint_answers_the_panel_for_what_was_typed(researcher_client: TestClient) -> None:
    typed = hidden_fields(researcher_client, "/offers/new") | {
        "title": "Chiết xuất cao khô lá sen giàu nuciferin", "sector_code": "medicinal",
        "advantages": "Hàm lượng nuciferin cao hơn 35 % so với cao chiết thông thường, thời gian chiết giảm 2 lần.",
    }  # fmt: skip
    html = page(researcher_client.post("/offers/coach", data=typed, headers={"HX-Request": "true"}))
    assert html.select_one("section#coach .coach-number").get_text() == str(assess("offer", typed).score)
    assert {li["data-check"] for li in html.select("li.done")} == {"title", "advantages"}
    hint = html.select_one("li[data-check=trl] .check-hint").get_text()
    assert hint == "Giải thích vì sao ở mức TRL này: đã sản xuất thử, đã thử nghiệm gì, đã ứng dụng ở đâu."
    assert html.select_one("header") is None


def test_the_form_posts_to_the_coach_as_the_user_types(researcher_client: TestClient) -> None:
    form = page(researcher_client.get("/needs/new")).select_one("form.listing-form")
    assert form["hx-post"] == "http://testserver/needs/coach"
    assert form["hx-trigger"] == "input changed delay:400ms, change"
    assert form["hx-target"] == "#coach"
    assert form["action"] == "http://testserver/needs/new"  # without JavaScript the form still saves


@pytest.mark.parametrize(("field", "value"), [("budget_min_vnd", "-5.000.000"), ("budget_max_vnd", "không rõ")])
def test_a_budget_that_is_not_an_amount_does_not_count(field: str, value: str) -> None:
    typed = CONVINCING_NEED | {"budget_min_vnd": "", "budget_max_vnd": "", field: value}
    assert "budget" not in done("need", typed)


def test_a_deadline_already_passed_does_not_count() -> None:
    assert "deadline" not in done("need", CONVINCING_NEED | {"deadline": "2020-01-31"})


def test_a_field_written_too_briefly_is_too_short_not_missing() -> None:
    brief = assess("need", CONVINCING_NEED | {"desired_outcome": "Ổn định chất lượng.", "constraints": ""})
    assert [c.key for c in brief.too_short] == ["outcome"]
    assert [c.key for c in brief.empty] == ["constraints"]
    assert {c.key for c in brief.missing} == {"outcome", "constraints"}


def test_the_coach_panel_says_too_short_beside_a_brief_field(researcher_client: TestClient) -> None:
    typed = hidden_fields(researcher_client, "/needs/new") | CONVINCING_NEED | {"desired_outcome": "Ổn định hơn."}
    html = page(researcher_client.post("/needs/coach", data=typed, headers={"HX-Request": "true"}))
    assert html.select_one("li[data-check=outcome] .check-short").get_text() == "(quá ngắn)"
    assert html.select_one("li[data-check=budget] .check-short") is None
