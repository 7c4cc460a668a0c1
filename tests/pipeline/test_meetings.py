"""Meetings of a collaboration: the broker or a party schedules one in Huế time, changes it, records what came of
it or cancels it; the others hear of it, get a calendar file and a reminder a day or two before; the Department
counts the meetings held."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from marketplace import board, exports, indicators, meetings, personal_data
from marketplace.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.i18n import TIMEZONE
from marketplace.meetings import local_value
from marketplace.models import (
    AuditLog,
    Collaboration,
    CollaborationMeeting,
    Notification,
    Organization,
    OutboxMail,
    User,
)
from marketplace.models._base import aware, utcnow
from tests.builders import csrf_of, make_org, make_user, page
from tests.pipeline.conftest import client_for, make_collab

logged_in = contextmanager(client_for)
PLACE = "Phòng họp tầng 3, Sở KH&CN Thừa Thiên Huế, 26 Hoàng Hoa Thám"
AGENDA = "Thống nhất quy trình chưng cất tinh dầu tràm và lịch thử nghiệm tại Phong Điền."


def local(days: int, hour: int = 9, minute: int = 30) -> str:
    """A moment `days` from today at `hour`:`minute` in Huế time, as the form's datetime-local field sends it."""
    day = datetime.now(TIMEZONE).date() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def form(**changes: object) -> dict[str, object]:
    return {
        "starts_at": local(7),
        "duration_minutes": "90",
        "place": PLACE,
        "online_link": "",
        "agenda": AGENDA,
    } | changes


@pytest.fixture
def collab(db: Session, staff: User) -> Collaboration:
    return make_collab(db, stage="negotiating", broker=staff)


def parties(db: Session, collab: Collaboration) -> tuple[User, User]:
    provider, seeker = db.get(Organization, collab.provider_org_id), db.get(Organization, collab.seeker_org_id)
    researcher = make_user(db, provider, full_name="TS. Hoàng Minh Tâm")
    buyer = make_user(db, seeker, role="enterprise", full_name="Nguyễn Thị Thu Hà", language="en")
    return researcher, buyer


def planned(db: Session, collab: Collaboration, actor: User, **changes: object) -> CollaborationMeeting:
    return meetings.schedule(db, collab, actor=actor, data=form(**changes))


def started(db: Session, meeting: CollaborationMeeting, hours_ago: int = 2) -> CollaborationMeeting:
    """The meeting moved into the past, as if time had passed since it was scheduled."""
    meeting.starts_at = utcnow() - timedelta(hours=hours_ago)
    db.add(meeting)
    db.commit()
    return meeting


# --- the domain -------------------------------------------------------------------------------------------------


def test_a_meeting_typed_in_hue_time_is_kept_in_utc(db: Session, collab: Collaboration, staff: User) -> None:
    meeting = planned(db, collab, staff, starts_at=local(7, 9, 30))
    day = datetime.now(TIMEZONE).date() + timedelta(days=7)
    assert aware(meeting.starts_at) == datetime(day.year, day.month, day.day, 2, 30, tzinfo=UTC)
    assert (meeting.duration_minutes, meeting.place, meeting.status, meeting.version) == (90, PLACE, "planned", 1)


def test_a_member_of_either_party_may_schedule_a_meeting(db: Session, collab: Collaboration) -> None:
    researcher, buyer = parties(db, collab)
    assert planned(db, collab, researcher).created_by_id == researcher.id
    assert planned(db, collab, buyer).created_by_id == buyer.id


def test_someone_outside_the_collaboration_may_not_schedule_a_meeting(db: Session, collab: Collaboration) -> None:
    outsider = make_user(db, make_org(db, name_vi="Công ty TNHH Thảo dược Bạch Mã"), role="enterprise")
    with pytest.raises(NotFound):
        planned(db, collab, outsider)


def test_a_start_in_the_past_is_refused(db: Session, collab: Collaboration, staff: User) -> None:
    with pytest.raises(Invalid) as refused:
        planned(db, collab, staff, starts_at=local(-1))
    assert set(refused.value.errors) == {"starts_at"}


def test_a_meeting_needs_a_place_or_a_link(db: Session, collab: Collaboration, staff: User) -> None:
    with pytest.raises(Invalid) as refused:
        planned(db, collab, staff, place="", online_link="")
    assert set(refused.value.errors) == {"place"}


def test_an_online_meeting_needs_a_web_address(db: Session, collab: Collaboration, staff: User) -> None:
    with pytest.raises(Invalid) as refused:
        planned(db, collab, staff, place="", online_link="javascript:alert(1)")
    assert set(refused.value.errors) == {"online_link"}
    meeting = planned(db, collab, staff, place="", online_link="https://meet.google.com/abc-defg-hij")
    assert meeting.online_link == "https://meet.google.com/abc-defg-hij"


def test_a_duration_outside_a_quarter_hour_and_eight_hours_is_refused(
    db: Session, collab: Collaboration, staff: User
) -> None:
    for minutes in ("10", "481", "một giờ"):
        with pytest.raises(Invalid) as refused:
            planned(db, collab, staff, duration_minutes=minutes)
        assert set(refused.value.errors) == {"duration_minutes"}


def test_the_other_followers_are_told_in_their_own_language(db: Session, collab: Collaboration, staff: User) -> None:
    researcher, buyer = parties(db, collab)
    planned(db, collab, researcher)
    told = {n.user_id: n for n in db.exec(select(Notification)).all()}
    assert set(told) == {staff.id, buyer.id}  # not the one who scheduled it
    assert told[buyer.id].link == f"/collaborations/{collab.id}#meetings"
    mails = {m.to: m for m in db.exec(select(OutboxMail)).all()}
    assert set(mails) == {staff.email, buyer.email}
    assert "TS. Hoàng Minh Tâm" in mails[staff.email].body and "(giờ Huế)" in mails[staff.email].body
    assert "(Huế time)" in mails[buyer.email].body


def test_changing_a_meeting_with_a_stale_version_is_a_conflict(db: Session, collab: Collaboration, staff: User) -> None:
    meeting = planned(db, collab, staff)
    meetings.edit(db, meeting, actor=staff, data=form(version="1", agenda="Bàn thêm về giá chuyển giao."))
    assert meeting.version == 2
    with pytest.raises(Conflict):
        meetings.edit(db, meeting, actor=staff, data=form(version="1", place="Trường Đại học Khoa học Huế"))


def test_a_meeting_is_marked_held_only_once_it_has_started(db: Session, collab: Collaboration, staff: User) -> None:
    meeting = planned(db, collab, staff)
    outcome = {"version": "1", "outcome": "Hai bên thống nhất thử nghiệm 3 mẻ chưng cất trong tháng 1."}
    with pytest.raises(Invalid) as refused:
        meetings.mark_held(db, meeting, actor=staff, data=outcome)
    assert set(refused.value.errors) == {"outcome"}
    meetings.mark_held(db, started(db, meeting), actor=staff, data=outcome)
    assert (meeting.status, meeting.outcome) == ("held", outcome["outcome"])


def test_a_held_meeting_can_no_longer_be_changed_or_cancelled(db: Session, collab: Collaboration, staff: User) -> None:
    meeting = started(db, planned(db, collab, staff))
    meetings.mark_held(db, meeting, actor=staff, data={"version": "1", "outcome": "Đã ký biên bản ghi nhớ."})
    with pytest.raises(Forbidden):
        meetings.cancel(db, meeting, actor=staff, data={"version": "2", "cancel_reason": "Nhầm lịch họp."})


def test_cancelling_needs_a_reason(db: Session, collab: Collaboration, staff: User) -> None:
    meeting = planned(db, collab, staff)
    with pytest.raises(Invalid) as refused:
        meetings.cancel(db, meeting, actor=staff, data={"version": "1", "cancel_reason": ""})
    assert set(refused.value.errors) == {"cancel_reason"}
    meetings.cancel(
        db, meeting, actor=staff, data={"version": "1", "cancel_reason": "Đại diện doanh nghiệp đi công tác."}
    )
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "Đại diện doanh nghiệp đi công tác.")


def test_each_change_is_in_the_audit_log_and_the_timeline(db: Session, collab: Collaboration, staff: User) -> None:
    meeting = planned(db, collab, staff)
    meetings.cancel(db, meeting, actor=staff, data={"version": "1", "cancel_reason": "Lùi sang năm sau."})
    actions = db.exec(select(AuditLog.action).where(AuditLog.entity == "collaboration").order_by(col(AuditLog.id)))
    assert list(actions)[-2:] == ["collaboration.meeting_schedule", "collaboration.meeting_cancel"]
    kinds = [e.kind for e in board.timeline(db, collab, staff)]
    assert kinds[-2:] == ["meeting_schedule", "meeting_cancel"]


def test_upcoming_meetings_come_soonest_first_and_the_rest_latest_first(
    db: Session, collab: Collaboration, staff: User
) -> None:
    later, sooner = planned(db, collab, staff, starts_at=local(9)), planned(db, collab, staff, starts_at=local(2))
    past = started(db, planned(db, collab, staff), hours_ago=48)
    cancelled = planned(db, collab, staff, starts_at=local(3))
    meetings.cancel(db, cancelled, actor=staff, data={"version": "1", "cancel_reason": "Trùng lịch hội thảo."})
    upcoming, rest = meetings.of_collaboration(db, collab)
    assert [x.meeting.id for x in upcoming] == [sooner.id, later.id]
    assert [x.meeting.id for x in rest] == [cancelled.id, past.id]


# --- the calendar file ------------------------------------------------------------------------------------------


def test_the_calendar_file_holds_the_meeting_in_utc_with_a_stable_uid(
    db: Session, collab: Collaboration, staff: User
) -> None:
    meeting = planned(db, collab, staff, online_link="https://meet.google.com/abc-defg-hij")
    first = Calendar.from_ical(meetings.calendar_file(meeting, collab)).walk("VEVENT")[0]
    assert first["SUMMARY"] == collab.title and first["LOCATION"] == PLACE
    assert first["URL"] == "https://meet.google.com/abc-defg-hij"
    assert AGENDA in first["DESCRIPTION"]
    assert first.decoded("DTSTART") == aware(meeting.starts_at)
    assert first.decoded("DTEND") - first.decoded("DTSTART") == timedelta(minutes=90)
    assert first.decoded("DTSTART").utcoffset() == timedelta(0)
    meetings.cancel(db, meeting, actor=staff, data={"version": "1", "cancel_reason": "Lùi sang năm sau."})
    again = Calendar.from_ical(meetings.calendar_file(meeting, collab)).walk("VEVENT")[0]
    assert again["UID"] == first["UID"]
    assert (first["SEQUENCE"], again["SEQUENCE"], again["STATUS"]) == (0, 1, "CANCELLED")


def test_the_parties_download_the_calendar_file_and_others_get_404(
    app: FastAPI, db: Session, collab: Collaboration, staff: User
) -> None:
    researcher, _buyer = parties(db, collab)
    meeting = planned(db, collab, staff)
    path = f"/collaborations/{collab.id}/meetings/{meeting.id}.ics"
    with logged_in(app, researcher) as client:
        response = client.get(path)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
        assert Calendar.from_ical(response.content).walk("VEVENT")[0]["SUMMARY"] == collab.title
    outsider = make_user(db, make_org(db, name_vi="Công ty TNHH Thảo dược Bạch Mã"), role="enterprise")
    with logged_in(app, outsider) as client:
        assert client.get(path).status_code == 404
    other = make_collab(db, title="Chuyển giao công nghệ sấy thanh long ruột đỏ", broker=staff)
    with logged_in(app, researcher) as client:
        assert client.get(f"/collaborations/{other.id}/meetings/{meeting.id}.ics").status_code == 404


# --- reminders ----------------------------------------------------------------------------------------------------


def test_reminders_go_once_to_every_follower_of_a_meeting_a_day_or_two_ahead(
    db: Session, collab: Collaboration, staff: User
) -> None:
    researcher, buyer = parties(db, collab)
    soon = planned(db, collab, staff)
    soon.starts_at = utcnow() + timedelta(hours=30)
    far = planned(db, collab, staff)  # a week ahead: reminded by a later run
    db.add(soon)
    db.commit()
    db.exec(select(Notification)).all()
    before = len(db.exec(select(Notification)).all())
    report = meetings.send_reminders(db)
    assert (report.meetings, report.people) == (1, 3)
    reminded = db.exec(select(Notification).where(Notification.message == meetings.REMINDER_NOTICE)).all()
    assert {n.user_id for n in reminded} == {staff.id, researcher.id, buyer.id}
    assert len(db.exec(select(Notification)).all()) == before + 3
    assert meetings.send_reminders(db) == meetings.Reminded(0, 0)  # idempotent
    db.refresh(far)
    assert far.reminded_at is None


# --- indicators and My exchange -------------------------------------------------------------------------------------


def test_the_indicators_count_the_meetings_held_in_the_period(db: Session, collab: Collaboration, staff: User) -> None:
    held = started(db, planned(db, collab, staff))
    meetings.mark_held(db, held, actor=staff, data={"version": "1", "outcome": "Thống nhất điều khoản bảo mật."})
    started(db, planned(db, collab, staff))  # started but not marked held: not counted
    other = make_collab(db, title="Chuyển giao công nghệ sấy thanh long ruột đỏ", sector_code="agri_food")
    meetings.mark_held(
        db, started(db, planned(db, other, staff)), actor=staff, data={"version": "1", "outcome": "Đã gặp."}
    )
    today = datetime.now(TIMEZONE).date()
    period = indicators.Period(today - timedelta(days=30), today)
    everything, _ = indicators.parse_scope(db, {})
    assert indicators.compute(db, period, everything, today).meetings_held == 2
    medicinal, _ = indicators.parse_scope(db, {"sector": "medicinal"})
    assert indicators.compute(db, period, medicinal, today).meetings_held == 1
    earlier = indicators.Period(today - timedelta(days=90), today - timedelta(days=60))
    assert indicators.compute(db, earlier, everything, today).meetings_held == 0


def test_my_exchange_lists_the_upcoming_meetings_of_my_organization_soonest_first(
    db: Session, collab: Collaboration, staff: User
) -> None:
    researcher, _buyer = parties(db, collab)
    later, sooner = planned(db, collab, staff, starts_at=local(9)), planned(db, collab, staff, starts_at=local(2))
    started(db, planned(db, collab, staff))
    outsider = make_user(db, make_org(db, name_vi="Công ty TNHH Thảo dược Bạch Mã"), role="enterprise")
    assert [u.meeting.id for u in meetings.upcoming_for(db, researcher)] == [sooner.id, later.id]
    assert [u.meeting.id for u in meetings.upcoming_for(db, staff)] == [sooner.id, later.id]  # the broker
    assert meetings.upcoming_for(db, outsider) == []
    colleague = make_user(db, role="staff", email="dong.nghiep@sokhcn.hue.gov.vn", full_name="Phan Văn Quý")
    assert meetings.upcoming_for(db, colleague) == []  # staff see the meetings of the deals they broker


# --- the page ------------------------------------------------------------------------------------------------------


def test_a_party_schedules_a_meeting_on_the_page_and_sees_it_in_hue_time(
    app: FastAPI, db: Session, collab: Collaboration
) -> None:
    researcher, _buyer = parties(db, collab)
    path = f"/collaborations/{collab.id}"
    with logged_in(app, researcher) as client:
        sent = client.post(f"{path}/meetings", data={"csrf_token": csrf_of(client, path)} | form(starts_at=local(5, 14, 0)),
                           follow_redirects=False)  # fmt: skip
        assert sent.status_code == 303 and sent.headers["location"] == f"{path}#meetings"
        shown = page(client.get(path))
    item = shown.select_one("#meetings .meeting-list.upcoming .meeting")
    day = datetime.now(TIMEZONE).date() + timedelta(days=5)
    assert item.select_one(".meeting-when time").get_text() == f"14:00 {day.strftime('%d/%m/%Y')}"
    assert "90 phút" in item.select_one(".meeting-when").get_text()
    assert PLACE in item.select_one(".meeting-place").get_text()
    assert item.select_one("a[download]")["href"].endswith(".ics")
    assert shown.select_one("#meetings .notice.success") is not None


def test_bad_input_keeps_what_was_typed_and_answers_422(
    app: FastAPI, db: Session, collab: Collaboration, staff_client: TestClient
) -> None:
    path = f"/collaborations/{collab.id}"
    typed = form(starts_at=local(-2), place="Hội trường Viện Công nghệ Sinh học Huế")
    sent = staff_client.post(f"{path}/meetings", data={"csrf_token": csrf_of(staff_client, path)} | typed)
    assert sent.status_code == 422
    shown = page(sent)
    assert shown.select_one("#meetings #e-starts_at") is not None
    assert shown.select_one("#meetings #f-place")["value"] == "Hội trường Viện Công nghệ Sinh học Huế"
    assert shown.select_one("#meetings #f-agenda").get_text() == AGENDA
    assert db.exec(select(CollaborationMeeting)).all() == []


def test_htmx_marks_a_meeting_held_in_place(app: FastAPI, db: Session, collab: Collaboration, staff: User,
                                           staff_client: TestClient) -> None:  # fmt: skip
    meeting = started(db, planned(db, collab, staff))
    path = f"/collaborations/{collab.id}"
    opened = staff_client.get(f"{path}/meetings?meeting={meeting.id}&do=held", headers={"HX-Request": "true"})
    assert opened.status_code == 200 and page(opened).select_one("#meetings textarea#f-outcome") is not None
    token = csrf_of(staff_client, path)
    empty = staff_client.post(f"{path}/meetings/{meeting.id}/held", data={"csrf_token": token, "version": "1", "outcome": ""},
                              headers={"HX-Request": "true"})  # fmt: skip
    assert empty.status_code == 422 and page(empty).select_one("#meetings #e-outcome") is not None
    done = staff_client.post(f"{path}/meetings/{meeting.id}/held", headers={"HX-Request": "true"},
                             data={"csrf_token": token, "version": "1", "outcome": "Thống nhất ký hợp đồng trong tháng 2."})  # fmt: skip
    assert done.status_code == 200
    fragment = page(done)
    assert (
        fragment.select_one("#meetings .meeting-outcome").get_text().endswith("Thống nhất ký hợp đồng trong tháng 2.")
    )
    assert fragment.select_one("html") is None  # the section alone


def test_a_stale_edit_form_answers_409_and_keeps_what_was_typed(
    db: Session, collab: Collaboration, staff: User, staff_client: TestClient
) -> None:
    meeting = planned(db, collab, staff)
    meetings.edit(db, meeting, actor=staff, data=form(version="1", agenda="Bàn thêm về giá chuyển giao."))
    path = f"/collaborations/{collab.id}"
    sent = staff_client.post(f"{path}/meetings/{meeting.id}/edit",
                             data={"csrf_token": csrf_of(staff_client, path)} | form(version="1", agenda="Chỉ bàn về bảo mật."))  # fmt: skip
    assert sent.status_code == 409
    assert page(sent).select_one("#meetings #f-agenda").get_text() == "Chỉ bàn về bảo mật."


def test_scheduling_without_the_csrf_token_is_refused(
    db: Session, collab: Collaboration, staff_client: TestClient
) -> None:
    sent = staff_client.post(f"/collaborations/{collab.id}/meetings", data=form())
    assert sent.status_code == 403
    assert db.exec(select(CollaborationMeeting)).all() == []


def test_my_exchange_shows_the_upcoming_meetings_with_a_link_to_the_collaboration(
    app: FastAPI, db: Session, collab: Collaboration, staff: User
) -> None:
    researcher, _buyer = parties(db, collab)
    meeting = planned(db, collab, staff, starts_at=local(3, 8, 0))
    with logged_in(app, researcher) as client:
        row = page(client.get("/me")).select_one("#meetings .meeting-row")
    assert row.select_one("a")["href"].endswith(f"/collaborations/{collab.id}#meeting-{meeting.id}")
    day = datetime.now(TIMEZONE).date() + timedelta(days=3)
    assert row.select_one("time").get_text() == f"08:00 {day.strftime('%d/%m/%Y')}"


def test_the_reminder_command_is_registered_for_operators() -> None:
    import marketplace.commands  # noqa: F401
    from marketplace.cli import COMMANDS

    assert COMMANDS["send-meeting-reminders"][0] is meetings.send_reminders_command


def test_the_demo_cajeput_oil_deal_has_a_held_and_a_planned_meeting(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        deal = session.exec(select(Collaboration).where(Collaboration.key == "collab-028")).one()
        upcoming, past = meetings.of_collaboration(session, deal)
        assert [x.meeting.status for x in upcoming] == ["planned"]
        assert [x.meeting.status for x in past] == ["held"] and "55%" in (past[0].meeting.outcome or "")
        kinds = [e.kind for e in board.timeline(session, deal)]
        assert kinds.count("meeting_schedule") == 2 and kinds.count("meeting_held") == 1


def test_the_stats_api_and_the_indicators_export_give_the_meetings_held(
    db: Session, collab: Collaboration, staff: User, client: TestClient
) -> None:
    meetings.mark_held(
        db, started(db, planned(db, collab, staff)), actor=staff, data={"version": "1", "outcome": "Đã gặp."}
    )
    assert client.get("/api/v1/stats").json()["meetings_held"] == 1
    today = datetime.now(TIMEZONE).date()
    everything, _ = indicators.parse_scope(db, {})
    main = exports.indicators_sheets(db, indicators.Period(today - timedelta(days=30), today), everything, today)[0]
    assert ["Cuộc họp đã diễn ra", 1] in [row[-2:] for row in main.rows]


def test_the_dashboard_shows_the_meetings_held_beside_the_other_counts(
    db: Session, collab: Collaboration, staff: User, staff_client: TestClient
) -> None:
    meetings.mark_held(
        db, started(db, planned(db, collab, staff)), actor=staff, data={"version": "1", "outcome": "Đã gặp."}
    )
    kpi = page(staff_client.get("/dashboard")).select_one("#kpi-meetings")
    assert kpi.select_one(".kpi-label").get_text() == "Cuộc họp đã diễn ra"
    assert kpi.select_one(".kpi-value").get_text() == "1"


def test_without_javascript_a_meeting_opens_its_edit_form_on_the_page_with_its_values(
    db: Session, collab: Collaboration, staff: User, staff_client: TestClient
) -> None:
    meeting = planned(db, collab, staff, starts_at=local(4, 15, 0))
    path = f"/collaborations/{collab.id}"
    link = page(staff_client.get(path)).select_one(f"#meeting-{meeting.id} a.meeting-edit-link")
    shown = page(staff_client.get(link["href"]))
    form_of = shown.select_one(f"#meeting-{meeting.id} form.meeting-form")
    assert form_of["action"].endswith(f"{path}/meetings/{meeting.id}/edit")
    assert form_of.select_one("#f-starts_at")["value"] == local(4, 15, 0)
    assert form_of.select_one("#f-place")["value"] == PLACE
    sent = staff_client.post(form_of["action"], follow_redirects=False,
                             data={"csrf_token": csrf_of(staff_client, path)} | form(version="1", starts_at=local(4, 16, 0)))  # fmt: skip
    assert sent.status_code == 303 and sent.headers["location"] == f"{path}#meetings"
    db.refresh(meeting)
    assert local_value(meeting.starts_at) == local(4, 16, 0) and meeting.version == 2


def test_an_outsider_gets_404_for_every_meeting_route(
    app: FastAPI, db: Session, collab: Collaboration, staff: User
) -> None:
    meeting = planned(db, collab, staff)
    outsider = make_user(db, make_org(db, name_vi="Công ty TNHH Thảo dược Bạch Mã"), role="enterprise")
    path = f"/collaborations/{collab.id}"
    with logged_in(app, outsider) as client:
        token = csrf_of(client, "/me")
        assert client.post(f"{path}/meetings", data={"csrf_token": token} | form()).status_code == 404
        for action in ("edit", "held", "cancel"):
            sent = client.post(f"{path}/meetings/{meeting.id}/{action}", data={"csrf_token": token, "version": "1"})
            assert sent.status_code == 404
    assert len(db.exec(select(CollaborationMeeting)).all()) == 1


def test_a_meeting_is_not_reached_through_another_collaboration(
    db: Session, collab: Collaboration, staff: User, staff_client: TestClient
) -> None:
    meeting = planned(db, collab, staff)
    other = make_collab(db, title="Chuyển giao công nghệ sấy thanh long ruột đỏ", broker=staff)
    path = f"/collaborations/{other.id}"
    sent = staff_client.post(f"{path}/meetings/{meeting.id}/cancel",
                             data={"csrf_token": csrf_of(staff_client, path), "version": "1", "cancel_reason": "Nhầm hợp tác."})  # fmt: skip
    assert sent.status_code == 404
    db.refresh(meeting)
    assert meeting.status == "planned"


def test_a_cancelled_meeting_cannot_be_marked_held_through_the_page(
    db: Session, collab: Collaboration, staff: User, staff_client: TestClient
) -> None:
    meeting = started(db, planned(db, collab, staff))
    meetings.cancel(db, meeting, actor=staff, data={"version": "1", "cancel_reason": "Mưa bão, đường ngập."})
    path = f"/collaborations/{collab.id}"
    sent = staff_client.post(f"{path}/meetings/{meeting.id}/held",
                             data={"csrf_token": csrf_of(staff_client, path), "version": "2", "outcome": "Đã họp xong."})  # fmt: skip
    assert sent.status_code == 403
    db.refresh(meeting)
    assert (meeting.status, meeting.outcome) == ("cancelled", None)


def test_a_meeting_moved_to_another_day_is_reminded_again(db: Session, collab: Collaboration, staff: User) -> None:
    meeting = planned(db, collab, staff)
    meeting.starts_at = utcnow() + timedelta(hours=30)
    db.add(meeting)
    db.commit()
    assert meetings.send_reminders(db).meetings == 1
    moved = meetings.edit(db, meeting, actor=staff, data=form(version="1", starts_at=local(5)))
    assert moved.reminded_at is None
    assert meetings.send_reminders(db, now=aware(moved.starts_at) - timedelta(hours=36)).meetings == 1


def test_the_copy_of_my_data_lists_the_meetings_i_scheduled(db: Session, collab: Collaboration) -> None:
    researcher, _buyer = parties(db, collab)
    planned(db, collab, researcher)
    (listed,) = personal_data.export(db, researcher)["meetings_scheduled"]
    assert (listed["collaboration"], listed["place"], listed["agenda"]) == (f"collaboration {collab.id}", PLACE, AGENDA)
