"""Journey 1, first steps: a researcher writes an offer (or an enterprise a need) and saves or sends it."""

import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.models import AuditLog, ListingEvent, Need, Offer, User
from tests.builders import make_user, page
from tests.listings.conftest import hidden_fields, new_need_form, new_offer_form


def test_a_draft_needs_only_a_title_a_sector_and_a_trl(
    researcher_client: TestClient, db: Session, researcher: User
) -> None:
    form = hidden_fields(researcher_client, "/offers/new") | {
        "title": "Chiết xuất cao khô lá sen giàu nuciferin", "sector_code": "medicinal", "trl": "4", "intent": "draft",
    }  # fmt: skip
    response = researcher_client.post("/offers/new", data=form, follow_redirects=False)
    offer = db.exec(select(Offer)).one()
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/offers/{offer.id}/edit")
    assert (offer.status, offer.owner_id, offer.organization_id) == ("draft", researcher.id, researcher.organization_id)


def test_saving_a_draft_records_the_event_and_the_audit_entry(researcher_client: TestClient, db: Session) -> None:
    researcher_client.post("/offers/new", data=new_offer_form(researcher_client, intent="draft"))
    offer = db.exec(select(Offer)).one()
    event = db.exec(select(ListingEvent).where(ListingEvent.listing_id == offer.id)).one()
    assert (event.listing_kind, event.action, event.to_status) == ("offer", "created", "draft")
    assert db.exec(select(AuditLog.action).where(AuditLog.entity == "offer")).all() == ["listing.created"]


def test_after_saving_a_draft_the_form_shows_the_coach_of_what_was_saved(researcher_client: TestClient) -> None:
    form = new_offer_form(researcher_client, intent="draft", advantages="", ip_reference="")
    html = page(researcher_client.post("/offers/new", data=form))
    assert html.select_one(".notice.success").get_text(strip=True).startswith("Đã lưu bản nháp.")
    todo = {li["data-check"] for li in html.select("#coach li.todo")}
    assert todo == {"advantages", "ip"}
    assert html.select_one("#f-title")["value"] == form["title"]


def test_a_complete_offer_can_be_sent_straight_for_review(researcher_client: TestClient, db: Session) -> None:
    response = researcher_client.post("/offers/new", data=new_offer_form(researcher_client, intent="submit"))
    offer = db.exec(select(Offer)).one()
    assert offer.status == "submitted" and offer.submitted_at is not None
    assert str(response.url).endswith(f"/offers/{offer.id}")
    assert "Đã gửi duyệt" in page(response).select_one(".notice.success").get_text()


def test_a_need_with_budget_and_deadline_is_saved(researcher_client: TestClient, db: Session) -> None:
    researcher_client.post("/needs/new", data=new_need_form(researcher_client, intent="submit"))
    need = db.exec(select(Need)).one()
    assert (need.budget_min_vnd, need.budget_max_vnd, need.min_trl) == (150_000_000, 400_000_000, 6)
    assert need.deadline is not None and need.deadline.isoformat() == "2030-06-30"
    assert need.collaboration_types == ["consulting", "research_contract"]
    assert need.keywords == ["dầu tràm", "kiểm nghiệm", "cineole", "xuất khẩu"]


def test_missing_title_is_refused_beside_the_field_and_the_text_is_kept(
    researcher_client: TestClient, db: Session
) -> None:
    response = researcher_client.post("/offers/new", data=new_offer_form(researcher_client, title="  ", intent="draft"))
    html = page(response)
    assert response.status_code == 422
    assert html.select_one("#e-title").get_text() == "Vui lòng nhập trường này."
    assert html.select_one("#f-summary").get_text() == new_offer_form(researcher_client)["summary"]
    assert html.select_one("#f-ip_reference")["value"] == "2-0002345"
    assert db.exec(select(Offer)).all() == []


def test_sending_for_review_requires_the_full_offer(researcher_client: TestClient, db: Session) -> None:
    form = new_offer_form(researcher_client, summary="", description="", collaboration_types=[], intent="submit")
    html = page(researcher_client.post("/offers/new", data=form))
    assert html.select_one("#e-summary").get_text() == "Vui lòng nhập trường này."
    assert html.select_one("#e-description").get_text() == "Vui lòng nhập trường này."
    assert html.select_one("#e-collaboration_types").get_text() == "Vui lòng chọn ít nhất một mục."
    assert db.exec(select(Offer)).all() == []


def test_the_checked_collaboration_types_are_kept_after_an_error(researcher_client: TestClient) -> None:
    form = new_offer_form(researcher_client, title="", collaboration_types=["transfer", "joint_development"])
    html = page(researcher_client.post("/offers/new", data=form))
    assert {i["value"] for i in html.select("input[name=collaboration_types][checked]")} == {
        "transfer",
        "joint_development",
    }


def test_an_overlong_title_gets_its_length_in_the_message(researcher_client: TestClient) -> None:
    title = "Quy trình chiết xuất " * 11
    html = page(researcher_client.post("/offers/new", data=new_offer_form(researcher_client, title=title)))
    assert (
        html.select_one("#e-title").get_text() == f"Vui lòng viết không quá 200 ký tự (hiện có {len(title.strip())})."
    )
    assert html.select_one("#f-title")["value"] == title


def test_a_draft_without_a_trl_is_asked_to_choose_one(researcher_client: TestClient) -> None:
    response = researcher_client.post("/offers/new", data=new_offer_form(researcher_client, trl=""))
    assert response.status_code == 422
    assert page(response).select_one("#e-trl").get_text() == "Vui lòng chọn một mục."


@pytest.mark.parametrize("trl", ["0", "10", "-3", "chín"])
def test_a_trl_outside_one_to_nine_is_refused(researcher_client: TestClient, trl: str) -> None:
    response = researcher_client.post("/offers/new", data=new_offer_form(researcher_client, trl=trl))
    assert response.status_code == 422
    assert page(response).select_one("#e-trl") is not None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("budget_min_vnd", "-5.000.000", "Vui lòng nhập số từ 0 đến 1.000.000.000.000."),
        ("budget_max_vnd", "999.999.999.999.999", "Vui lòng nhập số từ 0 đến 1.000.000.000.000."),
        ("budget_max_vnd", "100.000.000", "Mức kinh phí cao nhất không được thấp hơn mức thấp nhất."),
        ("budget_min_vnd", "một trăm triệu", "Vui lòng nhập một số nguyên."),
        ("deadline", "2020-01-31", "Ngày này đã qua."),
    ],
)
def test_bad_budgets_and_past_deadlines_are_refused(researcher_client: TestClient, field: str, value: str,
                                                    message: str) -> None:  # fmt: skip
    response = researcher_client.post("/needs/new", data=new_need_form(researcher_client, **{field: value}))
    html = page(response)
    assert response.status_code == 422
    assert html.select_one(f"#e-{field}").get_text() == message
    assert html.select_one(f"#f-{field}")["value"] == value


@pytest.mark.parametrize(
    ("field", "value"), [("sector_code", "astrology"), ("collaboration_types", ["licence", "gift"])]
)
def test_values_outside_the_offered_choices_are_refused(
    researcher_client: TestClient, field: str, value: object
) -> None:
    response = researcher_client.post("/offers/new", data=new_offer_form(researcher_client, **{field: value}))
    assert response.status_code == 422
    assert page(response).select_one(f"#e-{field}") is not None


def test_html_and_script_typed_in_a_listing_are_shown_as_text(researcher_client: TestClient, db: Session) -> None:
    script = '<script>alert("xss")</script><b onmouseover="x()">Sen Huế</b>'
    form = new_offer_form(researcher_client, title=f"Chiết xuất sen {script}", description=script, intent="submit")
    response = researcher_client.post("/offers/new", data=form)
    html = page(response)
    assert html.select_one("h1").get_text() == f"Chiết xuất sen {script}"
    assert not [s for s in html.select("script") if "xss" in s.get_text()]
    assert html.select_one("b[onmouseover]") is None


def test_pasted_decomposed_vietnamese_is_stored_composed(researcher_client: TestClient, db: Session) -> None:
    title = unicodedata.normalize("NFD", "Chiết xuất cao khô lá sen Huế")
    researcher_client.post("/offers/new", data=new_offer_form(researcher_client, title=title, intent="draft"))
    assert db.exec(select(Offer.title)).one() == "Chiết xuất cao khô lá sen Huế"


def test_sending_the_same_form_twice_creates_one_listing(researcher_client: TestClient, db: Session) -> None:
    form = new_offer_form(researcher_client, intent="draft")
    first = researcher_client.post("/offers/new", data=form, follow_redirects=False)
    second = researcher_client.post("/offers/new", data=form, follow_redirects=False)
    assert len(db.exec(select(Offer)).all()) == 1
    assert first.headers["location"] == second.headers["location"]


def test_each_new_form_carries_its_own_one_time_token(researcher_client: TestClient, db: Session) -> None:
    researcher_client.post("/offers/new", data=new_offer_form(researcher_client, intent="draft"))
    researcher_client.post("/offers/new", data=new_offer_form(researcher_client, intent="draft"))
    assert len(db.exec(select(Offer)).all()) == 2


def test_a_request_body_over_the_limit_is_refused_with_413(researcher_client: TestClient, db: Session) -> None:
    form = new_offer_form(researcher_client, description="Tinh dầu tràm " * 90_000)
    response = researcher_client.post("/offers/new", data=form)
    assert response.status_code == 413
    assert "quá lớn" in response.text
    assert db.exec(select(Offer)).all() == []


def test_a_form_without_the_csrf_token_is_refused(researcher_client: TestClient, db: Session) -> None:
    form = new_offer_form(researcher_client)
    del form["csrf_token"]
    assert researcher_client.post("/offers/new", data=form).status_code == 403
    assert db.exec(select(Offer)).all() == []


def test_visitors_are_sent_to_log_in_first(client: TestClient) -> None:
    response = client.get("/offers/new", follow_redirects=False)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert (location.path, parse_qs(location.query)["next"]) == ("/login", ["/offers/new"])


def test_an_account_without_an_organization_cannot_publish(app: object, client: TestClient, db: Session) -> None:
    from tests.builders import log_in

    log_in(client, make_user(db, role="admin", full_name="Nguyễn Đức Hòa"))
    response = client.get("/needs/new")
    assert response.status_code == 403
    assert "chưa gắn với tổ chức" in page(response).select_one(".toast").get_text()


def test_staff_can_post_a_commissioned_problem(staff_client: TestClient, db: Session) -> None:
    form = new_need_form(staff_client, commissioned="1", funding_note="Ngân sách sự nghiệp KH&CN thành phố 2026",
                         st_task_code="ĐTKHCN.2026-07", st_task_level="city", intent="submit")  # fmt: skip
    staff_client.post("/needs/new", data=form)
    need = db.exec(select(Need)).one()
    assert need.commissioned and (need.st_task_code, need.st_task_level) == ("ĐTKHCN.2026-07", "city")


def test_only_staff_see_and_set_the_commissioned_fields(researcher_client: TestClient, db: Session) -> None:
    assert page(researcher_client.get("/needs/new")).select_one("input[name=commissioned]") is None
    researcher_client.post("/needs/new", data=new_need_form(researcher_client, commissioned="1", intent="submit"))
    assert db.exec(select(Need.commissioned)).one() is False


def test_a_draft_without_an_ip_status_leaves_it_open(researcher_client: TestClient, db: Session) -> None:
    form = hidden_fields(researcher_client, "/offers/new")
    assert page(researcher_client.get("/offers/new")).select_one("#f-ip_status option[selected]") is None
    draft = form | {"title": "Chiết xuất cao khô lá sen giàu nuciferin", "sector_code": "medicinal", "trl": "4",
                    "intent": "draft"}  # fmt: skip
    researcher_client.post("/offers/new", data=draft)
    offer = db.exec(select(Offer)).one()
    assert offer.ip_status is None
    html = page(researcher_client.get(f"/offers/{offer.id}/edit"))
    assert html.select_one("#f-ip_status option[selected]") is None
    assert html.select_one("#coach [data-check=ip]")["class"] == ["check", "todo"]


def test_the_budget_hint_reads_naturally_in_english_and_vietnamese(researcher_client: TestClient) -> None:
    hint = "#f-budget_min_vnd ~ .hint"
    assert page(researcher_client.get("/needs/new")).select_one(hint).get_text() == "Tính bằng đồng, ví dụ 150.000.000"
    english = page(researcher_client.get("/needs/new?lang=en"))
    assert english.select_one(hint).get_text() == "In VND, e.g. 150,000,000"
