"""Technology fairs and matchmaking days: staff run them, organizations exhibit their published listings while
registration is open, visitors ask exhibitors for B2B meetings, the exhibitors answer, and staff read the report."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import event_meetings, event_report, events, personal_data
from marketplace.collaborations import open_collaboration
from marketplace.errors import Forbidden
from marketplace.i18n import TIMEZONE
from marketplace.inquiries import express_interest
from marketplace.models import (
    AuditLog,
    Event,
    EventExhibit,
    EventMeetingRequest,
    Notification,
    Organization,
    OutboxMail,
    User,
)
from tests.builders import csrf_of, make_need, make_offer, make_org, make_user, page
from tests.pipeline.conftest import client_for

logged_in = contextmanager(client_for)
NAME = "Ngày kết nối cung cầu công nghệ dược liệu Huế 2027"
PLACE = "Trung tâm Hội nghị tỉnh, 1 Lê Lợi, Huế"
MESSAGE = "Công ty muốn trao đổi về quy trình chưng cất tinh dầu tràm cho dây chuyền mới ở Phong Điền."


def today() -> date:
    return datetime.now(TIMEZONE).date()


def make_event(db: Session, staff: User, *, days_ahead: int = 30, length: int = 2, **overrides: object) -> Event:
    start = today() + timedelta(days=days_ahead)
    values: dict[str, object] = {
        "name": NAME, "kind": "matchmaking", "starts_on": start, "ends_on": start + timedelta(days=length - 1),
        "place": PLACE, "description": "Doanh nghiệp dược gặp các viện nghiên cứu dược liệu.",
        "status": "published", "created_by_id": staff.id,
    }  # fmt: skip
    event = Event(**(values | overrides))
    db.add(event)
    db.commit()
    return event


def exhibit(db: Session, event: Event, listing: object, kind: str = "offer") -> EventExhibit:
    row = EventExhibit(event_id=event.id, kind=kind, organization_id=listing.organization_id,  # type: ignore[attr-defined]
                       **{f"{kind}_id": listing.id})  # type: ignore[attr-defined]  # fmt: skip
    db.add(row)
    db.commit()
    return row


def slot(event: Event, day: int = 0, hour: int = 9) -> str:
    return f"{(event.starts_on + timedelta(days=day)).isoformat()}T{hour:02d}:30"


@pytest.fixture
def staff(db: Session) -> User:
    return make_user(db, role="staff", email="can.bo@sokhcn.hue.gov.vn", full_name="Lê Thị Ngọc Ánh")


@pytest.fixture
def setting(db: Session, staff: User) -> tuple[Event, EventExhibit, User, User]:
    """A published event; an institute's offer on show; a researcher of the institute; a company's member."""
    event = make_event(db, staff)
    institute = make_org(db, name_vi="Viện Công nghệ Sinh học Huế")
    researcher = make_user(db, institute, full_name="TS. Nguyễn Thị Diệu Linh", phone="0234 3822 111")
    shown = exhibit(db, event, make_offer(db, institute, owner_id=researcher.id))
    company = make_org(db, kind="enterprise", name_vi="Công ty CP Dược Huế Xanh")
    buyer = make_user(db, company, role="enterprise", full_name="Trần Văn Phước", phone="0905 123 456")
    return event, shown, researcher, buyer


def client(app: FastAPI, user: User) -> Iterator[TestClient]:
    return logged_in(app, user)  # type: ignore[return-value]


def ask(c: TestClient, event: Event, shown: EventExhibit, **changes: str) -> object:
    data = {"exhibit_id": str(shown.id), "slot_at": slot(event), "message": MESSAGE,
            "csrf_token": csrf_of(c, f"/events/{event.id}")} | changes  # fmt: skip
    return c.post(f"/events/{event.id}/meetings", data=data, follow_redirects=False)


# --- management -----------------------------------------------------------------------------------------------


def event_form(c: TestClient, path: str = "/events/new", **changes: str) -> dict[str, str]:
    start = today() + timedelta(days=60)
    return {"name": NAME, "kind": "matchmaking", "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=1)).isoformat(), "place": PLACE, "description": "Gặp gỡ B2B.",
            "registration_until": start.isoformat(), "csrf_token": csrf_of(c, path)} | changes  # fmt: skip


def test_staff_create_a_draft_event_that_is_audited(app: FastAPI, db: Session, staff: User) -> None:
    with logged_in(app, staff) as c:
        response = c.post("/events/new", data=event_form(c), follow_redirects=False)
    assert response.status_code == 303
    event = db.exec(select(Event)).one()
    assert (event.name, event.status) == (NAME, "draft")
    assert db.exec(select(AuditLog).where(AuditLog.action == "event.create")).one().entity_id == event.id


def test_a_member_may_not_create_an_event(app: FastAPI, db: Session, setting: tuple) -> None:
    *_, buyer = setting
    with logged_in(app, buyer) as c:
        response = c.post("/events/new", data=event_form(c, "/events"), follow_redirects=False)
    assert response.status_code == 403
    assert len(db.exec(select(Event)).all()) == 1


def test_reversed_dates_are_refused_beside_the_field_keeping_what_was_typed(app: FastAPI, staff: User) -> None:
    start = today() + timedelta(days=60)
    with logged_in(app, staff) as c:
        form = event_form(c, ends_on=(start - timedelta(days=2)).isoformat())
        response = c.post("/events/new", data=form)
    assert response.status_code == 422
    doc = page(response)
    assert doc.select_one("#e-ends_on") is not None
    assert doc.select_one("#f-name")["value"] == NAME


def test_staff_publish_and_cancel_an_event_with_audit_entries(app: FastAPI, db: Session, staff: User) -> None:
    event = make_event(db, staff, status="draft")
    with logged_in(app, staff) as c:
        token = csrf_of(c, f"/events/{event.id}")
        assert c.post(f"/events/{event.id}/publish", data={"csrf_token": token}).status_code == 200
        db.refresh(event)
        assert event.status == "published"
        c.post(f"/events/{event.id}/cancel", data={"csrf_token": token})
    db.refresh(event)
    assert event.status == "cancelled"
    actions = {a.action for a in db.exec(select(AuditLog))}
    assert {"event.publish", "event.cancel"} <= actions


def test_publishing_without_the_csrf_token_is_refused(app: FastAPI, db: Session, staff: User) -> None:
    event = make_event(db, staff, status="draft")
    with logged_in(app, staff) as c:
        assert c.post(f"/events/{event.id}/publish", data={}).status_code == 403
    db.refresh(event)
    assert event.status == "draft"


def test_visitors_see_published_events_only(client: TestClient, db: Session, staff: User) -> None:
    shown = make_event(db, staff)
    draft = make_event(db, staff, status="draft", name="Hội thảo nội bộ chưa công bố")
    listing = page(client.get("/events"))
    assert [a.text for a in listing.select(".event-card .card-title a")] == [shown.name]
    assert client.get(f"/events/{draft.id}").status_code == 404
    assert client.get(f"/events/{shown.id}").status_code == 200


def test_upcoming_events_come_before_past_ones(client: TestClient, db: Session, staff: User) -> None:
    make_event(db, staff, days_ahead=-400, name="Techfest vùng Bắc Trung Bộ và duyên hải miền Trung 2024")
    make_event(db, staff, days_ahead=90)
    doc = page(client.get("/events"))
    assert [a.text for a in doc.select("#upcoming-title + ul .card-title a")] == [NAME]
    assert "Techfest" in doc.select_one("#past-title + ul .card-title a").text


# --- exhibiting -----------------------------------------------------------------------------------------------


def test_a_member_shows_their_own_published_listing_while_registration_is_open(
    app: FastAPI, db: Session, staff: User
) -> None:
    event = make_event(db, staff)
    member = make_user(db)
    offer = make_offer(db, db.get(Organization, member.organization_id))
    with logged_in(app, member) as c:
        token = csrf_of(c, f"/events/{event.id}")
        response = c.post(f"/events/{event.id}/exhibits", data={"listing": f"offer:{offer.id}", "booth": "B12",
                                                                 "csrf_token": token}, follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    shown = db.exec(select(EventExhibit)).one()
    assert (shown.offer_id, shown.booth) == (offer.id, "B12")


def test_a_member_cannot_show_another_organizations_listing(db: Session, staff: User) -> None:
    event = make_event(db, staff)
    with pytest.raises(Forbidden):
        events.add_exhibit(db, event, actor=make_user(db), kind="need", listing_id=make_need(db).id)


def test_a_draft_listing_cannot_be_shown(db: Session, staff: User) -> None:
    event = make_event(db, staff)
    member = make_user(db)
    draft = make_offer(db, db.get(Organization, member.organization_id), status="draft")
    with pytest.raises(Forbidden):
        events.add_exhibit(db, event, actor=member, kind="offer", listing_id=draft.id)


def test_nobody_but_staff_adds_exhibits_once_registration_has_closed(db: Session, staff: User) -> None:
    event = make_event(db, staff, registration_until=today() - timedelta(days=1))
    member = make_user(db)
    offer = make_offer(db, db.get(Organization, member.organization_id))
    with pytest.raises(Forbidden):
        events.add_exhibit(db, event, actor=member, kind="offer", listing_id=offer.id)
    assert events.add_exhibit(db, event, actor=staff, kind="offer", listing_id=offer.id).offer_id == offer.id


def test_a_listing_page_says_it_is_on_show_at_an_upcoming_event(client: TestClient, setting: tuple) -> None:
    event, shown, *_ = setting
    doc = page(client.get(f"/offers/{shown.offer_id}"))
    assert doc.select_one(".on-show a").text.strip() == event.name


def test_exhibits_are_filtered_to_needs(client: TestClient, db: Session, setting: tuple) -> None:
    event, *_ = setting
    need = make_need(db)
    exhibit(db, event, need, "need")
    doc = page(client.get(f"/events/{event.id}?show=need"))
    assert [a.text for a in doc.select("#exhibits .card-title a")] == [need.title]


# --- meetings -------------------------------------------------------------------------------------------------


def test_a_visitor_asks_for_a_meeting_and_the_exhibitor_is_told(app: FastAPI, db: Session, setting: tuple) -> None:
    event, shown, researcher, buyer = setting
    with logged_in(app, buyer) as c:
        assert ask(c, event, shown).status_code == 303
    request = db.exec(select(EventMeetingRequest)).one()
    assert (request.status, request.requester_org_id) == ("requested", buyer.organization_id)
    assert (
        db.exec(select(Notification).where(Notification.user_id == researcher.id)).one().link == f"/events/{event.id}"
    )
    assert db.exec(select(OutboxMail).where(OutboxMail.to == researcher.email)).one()


def test_a_slot_outside_the_event_is_refused_keeping_the_message(app: FastAPI, db: Session, setting: tuple) -> None:
    event, shown, _, buyer = setting
    with logged_in(app, buyer) as c:
        response = ask(c, event, shown, slot_at=slot(event, day=5))
    assert response.status_code == 422
    doc = page(response)
    assert doc.select_one("#e-slot_at") is not None
    assert doc.select_one("#f-message").text == MESSAGE
    assert db.exec(select(EventMeetingRequest)).first() is None


def test_a_ten_kilobyte_message_is_refused(app: FastAPI, db: Session, setting: tuple) -> None:
    event, shown, _, buyer = setting
    with logged_in(app, buyer) as c:
        response = ask(c, event, shown, message="Tinh dầu tràm " * 730)
    assert response.status_code == 422
    assert page(response).select_one("#e-message") is not None


def test_an_exhibitor_cannot_ask_to_meet_itself(app: FastAPI, db: Session, setting: tuple) -> None:
    event, shown, researcher, _ = setting
    with logged_in(app, researcher) as c:
        assert ask(c, event, shown).status_code == 403


def test_contact_details_are_hidden_until_the_exhibitor_accepts(app: FastAPI, db: Session, setting: tuple) -> None:
    event, shown, researcher, buyer = setting
    with logged_in(app, buyer) as c:
        ask(c, event, shown)
        before = page(c.get(f"/events/{event.id}"))
    assert before.select(".contact-email") == []
    request = db.exec(select(EventMeetingRequest)).one()
    with logged_in(app, researcher) as c:
        token = csrf_of(c, f"/events/{event.id}")
        c.post(f"/events/{event.id}/meetings/{request.id}/accept", data={"answer_note": "Hẹn gặp tại gian B12.",
                                                                           "csrf_token": token})  # fmt: skip
    with logged_in(app, buyer) as c:
        after = page(c.get(f"/events/{event.id}"))
    assert {a.text for a in after.select("#my-meetings .contact-email")} == {buyer.email, researcher.email}


def test_the_requester_is_told_of_a_declined_meeting(app: FastAPI, db: Session, setting: tuple) -> None:
    event, shown, researcher, buyer = setting
    with logged_in(app, buyer) as c:
        ask(c, event, shown)
    request = db.exec(select(EventMeetingRequest)).one()
    with logged_in(app, researcher) as c:
        token = csrf_of(c, f"/events/{event.id}")
        c.post(f"/events/{event.id}/meetings/{request.id}/decline", data={"answer_note": "Lịch đã kín.",
                                                                            "csrf_token": token})  # fmt: skip
    db.refresh(request)
    assert (request.status, request.answer_note) == ("declined", "Lịch đã kín.")
    assert db.exec(select(Notification).where(Notification.user_id == buyer.id)).one()


def test_an_outsider_cannot_answer_a_request(app: FastAPI, db: Session, setting: tuple) -> None:
    event, shown, _, buyer = setting
    with logged_in(app, buyer) as c:
        ask(c, event, shown)
    request = db.exec(select(EventMeetingRequest)).one()
    with logged_in(app, make_user(db)) as c:
        token = csrf_of(c, f"/events/{event.id}")
        response = c.post(f"/events/{event.id}/meetings/{request.id}/accept", data={"csrf_token": token})
    assert response.status_code == 404


def test_my_exchange_lists_the_meeting_requests_to_come(app: FastAPI, db: Session, setting: tuple) -> None:
    event, shown, researcher, buyer = setting
    with logged_in(app, buyer) as c:
        ask(c, event, shown)
    with logged_in(app, researcher) as c:
        doc = page(c.get("/me"))
    assert event.name in doc.select_one("#event-meetings").text


# --- report and API -------------------------------------------------------------------------------------------


def test_the_report_counts_meetings_and_what_followed(db: Session, staff: User, setting: tuple) -> None:
    event, shown, researcher, buyer = setting
    event.starts_on, event.ends_on = today(), today() + timedelta(days=1)  # running: what follows counts from today
    request = event_meetings.request_meeting(db, event, actor=buyer, data={
        "exhibit_id": str(shown.id), "slot_at": slot(event, day=1), "message": MESSAGE})  # fmt: skip
    event_meetings.answer(db, event, request, actor=researcher, accept=True, data={})
    express_interest(db, sender=buyer, listing_kind="offer", listing_id=shown.offer_id, message=MESSAGE)
    open_collaboration(db, provider_org_id=researcher.organization_id, seeker_org_id=buyer.organization_id,
                       title="Chuyển giao quy trình chưng cất tinh dầu tràm", stage="contacted", actor_id=staff.id)  # fmt: skip
    db.commit()
    report = event_report.report(db, event, events.exhibits_of(db, event))
    assert report.exhibits_by_kind == {"offer": 1}
    assert report.requests_by_status["accepted"] == 1
    assert (report.pairs, report.inquiries_after, report.collaborations_after) == (1, 1, 1)


def test_staff_download_the_meetings_as_csv(app: FastAPI, db: Session, staff: User, setting: tuple) -> None:
    event, shown, _, buyer = setting
    event_meetings.request_meeting(db, event, actor=buyer, data={
        "exhibit_id": str(shown.id), "slot_at": slot(event), "message": MESSAGE})  # fmt: skip
    with logged_in(app, staff) as c:
        response = c.get(f"/events/{event.id}/meetings.csv")
    assert response.status_code == 200
    assert "Công ty CP Dược Huế Xanh" in response.content.decode("utf-8-sig")


def test_members_cannot_download_the_report(app: FastAPI, setting: tuple) -> None:
    event, *_, buyer = setting
    with logged_in(app, buyer) as c:
        assert c.get(f"/events/{event.id}/exhibits.csv").status_code == 403


def test_the_api_gives_published_events_with_their_exhibits(
    client: TestClient, db: Session, setting: tuple, staff: User
) -> None:
    event, shown, *_ = setting
    make_event(db, staff, status="draft", name="Hội thảo nội bộ chưa công bố")
    assert [e["name"] for e in client.get("/api/v1/events").json()] == [event.name]
    detail = client.get(f"/api/v1/events/{event.id}").json()
    assert [(x["kind"], x["listing_id"]) for x in detail["exhibits"]] == [("offer", shown.offer_id)]
    assert "message" not in str(detail)


def test_the_api_answers_404_for_a_draft_event(client: TestClient, db: Session, staff: User) -> None:
    draft = make_event(db, staff, status="draft")
    assert client.get(f"/api/v1/events/{draft.id}").status_code == 404


# --- demo data ------------------------------------------------------------------------------------------------


def test_the_demo_data_holds_the_2024_techfest_and_an_upcoming_matchmaking_day(seeded_client: TestClient) -> None:
    doc = page(seeded_client.get("/events"))
    upcoming = [a.text for a in doc.select("#upcoming-title + ul .card-title a")]
    past = [a.text for a in doc.select("#past-title + ul .card-title a")]
    assert "Ngày kết nối cung cầu công nghệ dược liệu Huế 2027" in upcoming
    assert "Techfest vùng Bắc Trung Bộ và duyên hải miền Trung 2024" in past


def test_the_demo_matchmaking_day_shows_seeded_listings(seeded_client: TestClient) -> None:
    events_list = seeded_client.get("/api/v1/events").json()
    upcoming = next(e for e in events_list if e["name"].startswith("Ngày kết nối"))
    detail = seeded_client.get(f"/api/v1/events/{upcoming['id']}").json()
    assert {x["kind"] for x in detail["exhibits"]} == {"offer", "need"}
    assert len(detail["exhibits"]) == 6


def test_asking_the_same_exhibitor_twice_is_refused_keeping_the_form(app: FastAPI, db: Session, setting: tuple) -> None:
    event, shown, _, buyer = setting
    with logged_in(app, buyer) as c:
        ask(c, event, shown)
        response = ask(c, event, shown, message="Xin hẹn thêm một buổi nữa về tinh dầu tràm.")
    assert response.status_code == 409
    assert page(response).select_one("#f-message").text == "Xin hẹn thêm một buổi nữa về tinh dầu tràm."
    assert len(db.exec(select(EventMeetingRequest)).all()) == 1


def cancelled(db: Session, staff: User, event: Event) -> Event:
    return events.cancel(db, event, actor=staff)


def test_a_visitor_holding_a_cancelled_events_link_reads_that_it_was_cancelled(
    client: TestClient, db: Session, staff: User, setting: tuple
) -> None:
    event = cancelled(db, staff, setting[0])
    response = client.get(f"/events/{event.id}")
    assert response.status_code == 200
    doc = page(response)
    assert doc.select_one("h1").get_text() == NAME
    facts = {d.select_one("dt").get_text(): d.select_one("dd").get_text() for d in doc.select(".event-facts div")}
    assert facts["Địa điểm"] == PLACE and facts["Ngày hủy"] == today().strftime("%d/%m/%Y")
    assert event.starts_on.strftime("%d/%m/%Y") in facts["Dự kiến diễn ra"]
    assert doc.select_one(".notice.error").get_text() == "Sự kiện này đã bị hủy: sẽ không diễn ra."


def test_a_cancelled_events_page_shows_no_exhibits_nor_request_form_and_is_not_indexed(
    app: FastAPI, db: Session, staff: User, setting: tuple
) -> None:
    event, *_, buyer = setting
    cancelled(db, staff, event)
    with logged_in(app, buyer) as c:
        doc = page(c.get(f"/events/{event.id}"))
    assert doc.select("#exhibits, .exhibit, form[action$='/meetings']") == []
    assert doc.select_one("meta[name=robots]")["content"] == "noindex"


def test_a_cancelled_event_is_not_listed_on_the_events_page_nor_in_the_api(
    client: TestClient, db: Session, staff: User
) -> None:
    event = cancelled(db, staff, make_event(db, staff))
    assert page(client.get("/events")).select(f".event-card a[href$='/events/{event.id}']") == []
    assert client.get("/api/v1/events").json() == []


def test_an_event_cancelled_while_still_a_draft_stays_not_found(client: TestClient, db: Session, staff: User) -> None:
    event = cancelled(db, staff, make_event(db, staff, status="draft"))
    assert client.get(f"/events/{event.id}").status_code == 404


def test_staff_see_the_whole_page_of_a_cancelled_event_with_the_day_it_was_cancelled(
    app: FastAPI, db: Session, staff: User, setting: tuple
) -> None:
    event = cancelled(db, staff, setting[0])
    with logged_in(app, staff) as c:
        doc = page(c.get(f"/events/{event.id}"))
    assert doc.select_one("header .notice.error").get_text() == (
        f"Sự kiện này đã bị hủy ngày {today().strftime('%d/%m/%Y')}."
    )
    assert doc.select_one("#exhibits .exhibit") is not None


def test_a_stale_edit_form_is_refused_without_overwriting(app: FastAPI, db: Session, staff: User) -> None:
    event = make_event(db, staff)
    with logged_in(app, staff) as c:
        form = event_form(c, f"/events/{event.id}/edit", place="Nhà Văn hóa Trung tâm, 1 Hoàng Hoa Thám", version="1")
        assert c.post(f"/events/{event.id}/edit", data=form, follow_redirects=False).status_code == 303
        stale = event_form(c, f"/events/{event.id}/edit", place="Khách sạn Hương Giang", version="1")
        response = c.post(f"/events/{event.id}/edit", data=stale)
    assert response.status_code == 409
    db.refresh(event)
    assert event.place == "Nhà Văn hóa Trung tâm, 1 Hoàng Hoa Thám"


def test_an_exhibitor_reading_english_gets_the_request_in_english(app: FastAPI, db: Session, setting: tuple) -> None:
    event, shown, researcher, buyer = setting
    researcher.language = "en"
    db.add(researcher)
    db.commit()
    event_meetings.request_meeting(db, event, actor=buyer, data={
        "exhibit_id": str(shown.id), "slot_at": slot(event), "message": MESSAGE})  # fmt: skip
    mail = db.exec(select(OutboxMail).where(OutboxMail.to == researcher.email)).one()
    assert mail.subject.startswith("Meeting request at")


def test_the_openapi_document_lists_the_events_api(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/events", "/api/v1/events/{event_id}"} <= set(paths)


def test_the_copy_of_a_members_data_lists_the_meetings_they_asked_for(db: Session, setting: tuple) -> None:
    event, shown, _, buyer = setting
    event_meetings.request_meeting(db, event, actor=buyer, data={
        "exhibit_id": str(shown.id), "slot_at": slot(event), "message": MESSAGE})  # fmt: skip
    (listed,) = personal_data.export(db, buyer)["event_meetings_requested"]
    assert (listed["event"], listed["message"], listed["status"]) == (f"event {event.id}", MESSAGE, "requested")


def test_a_request_without_an_exhibit_is_refused_beside_the_field(app: FastAPI, db: Session, setting: tuple) -> None:
    event, shown, _, buyer = setting
    with logged_in(app, buyer) as c:
        response = ask(c, event, shown, exhibit_id="")
    assert response.status_code == 422
    assert page(response).select_one("#e-exhibit_id") is not None
    assert page(response).select_one("#f-message").text == MESSAGE


# --- staff's search for a listing to show ----------------------------------------------------------------------


def found_titles(db: Session, staff: User, event: Event, text: str) -> list[str]:
    return [str(hit.title).replace("<mark>", "").replace("</mark>", "")
            for hit, _shown in events.find_listings(db, staff, event, text).hits]  # fmt: skip


def test_staff_find_a_listing_typed_without_accents(db: Session, staff: User) -> None:
    event = make_event(db, staff)
    make_offer(db, title="Quy trình chưng cất tinh dầu tràm đạt chuẩn 1,8-cineole")
    make_offer(db, title="Chế phẩm vi sinh xử lý phụ phẩm nông nghiệp", summary="Ủ rơm rạ thành phân hữu cơ.",
               description="Chế phẩm vi sinh ủ rơm rạ ở Phong Điền.", keywords=["vi sinh", "phân hữu cơ"])  # fmt: skip
    assert found_titles(db, staff, event, "tinh dau tram") == [
        "Quy trình chưng cất tinh dầu tràm đạt chuẩn 1,8-cineole"
    ]


def test_staff_find_a_listing_by_its_organizations_name(db: Session, staff: User) -> None:
    event = make_event(db, staff)
    make_need(db, make_org(db, kind="enterprise", name_vi="Hợp tác xã Dầu tràm Lộc Thủy"), title="Cần máy sấy lá")
    assert found_titles(db, staff, event, "Loc Thuy") == ["Cần máy sấy lá"]


def test_the_search_offers_at_most_twenty_listings_and_says_how_many_matched(db: Session, staff: User) -> None:
    event = make_event(db, staff)
    institute = make_org(db)
    for n in range(events.FOUND_MAX + 2):
        make_offer(db, institute, title=f"Giống lúa chịu mặn Hương Trà số {n + 1}")
    found = events.find_listings(db, staff, event, "giong lua")
    assert (len(found.hits), found.total) == (events.FOUND_MAX, events.FOUND_MAX + 2)


def test_drafts_are_not_offered_and_a_listing_on_show_is_marked(db: Session, staff: User) -> None:
    event = make_event(db, staff)
    shown = make_offer(db, title="Quy trình chưng cất tinh dầu tràm đạt chuẩn 1,8-cineole")
    exhibit(db, event, shown)
    make_offer(db, title="Tinh dầu tràm dạng xịt, bản nháp", status="draft")
    found = events.find_listings(db, staff, event, "tinh dau tram")
    assert [(hit.entity_id, on_show) for hit, on_show in found.hits] == [(shown.id, True)]


def test_a_member_may_not_search_every_listing(db: Session, staff: User, setting: tuple) -> None:
    event, *_, buyer = setting
    with pytest.raises(Forbidden):
        events.find_listings(db, buyer, event, "tinh dau tram")


def test_staff_add_form_lists_nothing_until_a_search_is_typed(app: FastAPI, db: Session, staff: User) -> None:
    event = make_event(db, staff)
    make_need(db)
    with logged_in(app, staff) as c:
        doc = page(c.get(f"/events/{event.id}"))
    assert doc.select("#add-exhibit input[name=listing], #add-exhibit option") == []
    assert doc.select_one("#add-exhibit input[type=search][name=find]") is not None


def test_without_javascript_staff_search_then_show_a_listing(app: FastAPI, db: Session, staff: User) -> None:
    event = make_event(db, staff, registration_until=today() - timedelta(days=1))
    need = make_need(db)
    with logged_in(app, staff) as c:
        doc = page(c.get(f"/events/{event.id}", params={"find": "dau tram xuat khau"}))
        assert [r["value"] for r in doc.select("#listing-choices input[name=listing]")] == [f"need:{need.id}"]
        token = csrf_of(c, f"/events/{event.id}")
        c.post(f"/events/{event.id}/exhibits", data={"listing": f"need:{need.id}", "csrf_token": token})
    assert db.exec(select(EventExhibit)).one().need_id == need.id


def test_with_htmx_the_search_answers_the_list_of_choices_alone(app: FastAPI, db: Session, staff: User) -> None:
    event = make_event(db, staff)
    offer = make_offer(db)
    with logged_in(app, staff) as c:
        response = c.get(
            f"/events/{event.id}/listing-choices", params={"find": "cineole"}, headers={"HX-Request": "true"}
        )
    doc = page(response)
    assert response.status_code == 200 and doc.select_one("h1") is None
    assert [r["value"] for r in doc.select("fieldset#listing-choices input[name=listing]")] == [f"offer:{offer.id}"]


def test_a_search_matching_nothing_says_so(app: FastAPI, db: Session, staff: User) -> None:
    event = make_event(db, staff)
    make_offer(db)
    with logged_in(app, staff) as c:
        doc = page(c.get(f"/events/{event.id}", params={"find": "máy bay không người lái"}))
    assert doc.select_one("#listing-choices .muted").get_text() == (
        "Không có công nghệ chào bán hay nhu cầu đã công bố nào khớp với “máy bay không người lái”."
    )


def test_showing_nothing_chosen_is_refused_keeping_the_search(app: FastAPI, db: Session, staff: User) -> None:
    event = make_event(db, staff)
    offer = make_offer(db)
    with logged_in(app, staff) as c:
        token = csrf_of(c, f"/events/{event.id}")
        response = c.post(f"/events/{event.id}/exhibits", data={"find": "cineole", "booth": "C03", "csrf_token": token})
    assert response.status_code == 422
    doc = page(response)
    assert doc.select_one("#e-listing").get_text() == "Vui lòng chọn một trong các mục có sẵn."
    assert [r["value"] for r in doc.select("#listing-choices input[name=listing]")] == [f"offer:{offer.id}"]
    assert doc.select_one("#f-booth")["value"] == "C03"


def test_the_home_page_shows_the_next_published_event(seeded_client: TestClient) -> None:
    block = page(seeded_client.get("/")).select_one(".home-event")
    assert block.select_one(".home-event-name").text == "Ngày kết nối cung cầu công nghệ dược liệu Huế 2027"


def test_the_menu_links_the_events(client: TestClient) -> None:
    links = page(client.get("/")).select("nav a")
    assert "/events" in [a["href"].removeprefix("http://testserver") for a in links]
