"""Staff recalculate every partner proposal from the glossary page and follow the run there."""

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import matchmaking, recalculation
from marketplace.models import AuditLog, MatchProposal, RecalculationRun, User
from tests.builders import csrf_of, log_in, make_need, make_offer, make_org, make_user, page


@pytest.fixture(autouse=True)
def fresh_matcher_cache() -> None:
    matchmaking.clear_cache()


@pytest.fixture
def staff(db: Session) -> User:
    return make_user(db, role="staff", email="de.xuat@sokhcn.hue.gov.vn", full_name="Nguyễn Thị Minh Thư")


@pytest.fixture
def staff_client(app: FastAPI, staff: User) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    assert log_in(client, staff).status_code == 303
    return client


def recalculate(client: TestClient, **options: bool):  # type: ignore[no-untyped-def]
    return client.post("/glossary/recalculate", data={"csrf_token": csrf_of(client, "/me")}, **options)


def card_text(client: TestClient) -> str:
    return page(client.get("/glossary")).select_one("#recalculation").get_text(" ", strip=True)


def test_a_researcher_cannot_recalculate(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, make_org(db), email="nha.khoa.hoc@hueuni.edu.vn"))
    assert recalculate(client, follow_redirects=False).status_code == 403
    assert db.exec(select(RecalculationRun)).all() == []


def test_a_recalculation_needs_the_form_token(staff_client: TestClient, db: Session) -> None:
    assert staff_client.post("/glossary/recalculate", data={}).status_code == 403
    assert db.exec(select(RecalculationRun)).all() == []


def test_staff_recalculate_and_the_page_says_what_changed(staff_client: TestClient, db: Session, staff: User) -> None:
    make_offer(db, make_org(db, name_vi="Viện Hóa học"))
    make_need(db)
    answer = recalculate(staff_client, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/glossary")

    run = db.exec(select(RecalculationRun)).one()  # the test client runs the background task before answering
    assert (run.started_by_id, run.listings_done, run.added, run.running) == (staff.id, 2, 1, None)
    assert db.exec(select(MatchProposal)).one()
    assert db.exec(select(AuditLog.actor_id).where(AuditLog.action == "proposals.recalculate")).one() == staff.id

    html = page(staff_client.get("/glossary"))
    assert html.select_one(".notice.success").get_text().startswith("Đã bắt đầu tính lại.")
    card = html.select_one("#recalculation")
    assert "Lần tính lại gần nhất:" in card.get_text()
    assert "do Nguyễn Thị Minh Thư thực hiện: 1 đề xuất mới, 0 thay đổi, 0 rút lại." in card.get_text(" ", strip=True)
    assert not card.has_attr("hx-trigger")  # nothing to follow any more: the card stops asking
    assert card.select_one("button[type=submit]").get_text() == "Tính lại đề xuất đối tác"
    assert not card.select_one("button").has_attr("disabled")


def test_a_running_recalculation_shows_its_progress_and_refreshes_itself(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    run = recalculation.start(db, staff)
    run.listings_total, run.listings_done = 340, 120
    db.commit()
    card = page(staff_client.get("/glossary")).select_one("#recalculation")
    assert "Đang tính lại đề xuất đối tác: 120 trên 340 tin đăng" in card.get_text()
    assert card["hx-trigger"] == "every 3s" and card["hx-get"].endswith("/glossary")
    assert card.select_one("button").has_attr("disabled")
    assert card.select_one("progress")["value"] == "120"

    fragment = staff_client.get("/glossary", headers={"HX-Request": "true", "HX-Target": "recalculation"})
    assert fragment.status_code == 200 and "<html" not in fragment.text  # the card alone
    assert page(fragment).select_one("section#recalculation") is not None
    assert "120 trên 340" in page(fragment).get_text()


def test_a_second_start_while_one_runs_is_refused_on_the_page(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    recalculation.start(db, staff)
    refused = recalculate(staff_client)
    assert refused.status_code == 409
    message = page(refused).select_one(".notice.error").get_text()
    assert message == "Đề xuất đối tác đang được tính lại. Trang này cho biết lần tính đó đã đến đâu."
    assert len(db.exec(select(RecalculationRun)).all()) == 1


def test_a_run_that_stopped_answering_is_shown_as_interrupted(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    run = recalculation.start(db, staff)
    run.listings_total, run.listings_done = 340, 60
    run.heartbeat_at = run.heartbeat_at - timedelta(minutes=30)
    db.commit()
    english = staff_client.get("/glossary?lang=en")
    card = page(english).select_one("#recalculation")
    assert "stopped after 60 of 340 listings" in card.get_text(" ", strip=True)
    assert not card.select_one("button").has_attr("disabled")


def test_the_page_says_when_the_glossary_changed_since_the_last_run(staff_client: TestClient, db: Session) -> None:
    recalculate(staff_client)
    assert "Bảng thuật ngữ đã thay đổi" not in card_text(staff_client)
    token = csrf_of(staff_client, "/glossary")
    staff_client.post("/glossary", data={"csrf_token": token, "vi": "rau má", "en": "gotu kola"})
    assert "Bảng thuật ngữ đã thay đổi từ lần đó" in card_text(staff_client)
