"""One collaboration's page: who sees what, notes, editing details, opening one by hand."""

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.models import Collaboration, CollaborationNote, Organization
from marketplace.models._base import utcnow
from tests.builders import csrf_of, make_need, make_offer, make_org, make_user, page
from tests.pipeline.conftest import INQUIRY_MESSAGE, accepted_inquiry, client_for, make_collab


def edit_form(collab: Collaboration, **changes: str) -> dict[str, str]:
    values = {"version": str(collab.version), "title": collab.title, "next_action": "", "next_action_due": "",
              "broker_id": "", "contract_type": "", "contract_value_vnd": "", "st_task_code": "", "st_task_level": ""}  # fmt: skip
    return values | changes


def test_a_party_sees_the_stage_read_only_and_can_add_a_note(app: FastAPI, db: Session) -> None:
    collab = make_collab(db, stage="negotiating")
    party = make_user(db, role="enterprise", organization=db.get(Organization, collab.seeker_org_id))
    for client in client_for(app, party):
        html = page(client.get(f"/collaborations/{collab.id}"))
        assert html.select_one("#current-stage").get_text(strip=True) == "Đang đàm phán"
        assert html.select_one("#move") is None and html.select_one("#edit") is None
        token = csrf_of(client, f"/collaborations/{collab.id}")
        response = client.post(f"/collaborations/{collab.id}/notes",
                               data={"csrf_token": token, "text": "Chúng tôi cần thêm mẫu thử 5 lít"})  # fmt: skip
        assert response.status_code == 200
        notes = page(response).select(".timeline-entry.note .note-text")
        assert [n.get_text(strip=True) for n in notes] == ["Chúng tôi cần thêm mẫu thử 5 lít"]


def test_an_empty_or_overlong_note_is_refused_and_kept(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    response = staff_client.post(
        f"/collaborations/{collab.id}/notes", data={"csrf_token": token, "text": "ghi chú " * 400}
    )
    assert response.status_code == 422
    assert "2.000" in page(response).select_one("#e-text").get_text()
    assert page(response).select_one("#f-text").get_text().startswith("ghi chú ghi chú")
    assert page(response).select_one(".note-form .notice.error").get_text() == "Chưa thêm được ghi chú của bạn."
    assert db.exec(select(CollaborationNote)).all() == []


def test_an_empty_htmx_note_answers_only_the_timeline_with_the_message(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    for typed in ("", "a"):
        response = staff_client.post(f"/collaborations/{collab.id}/notes", headers={"HX-Request": "true"},
                                     data={"csrf_token": token, "text": typed})  # fmt: skip
        assert response.status_code == 422
        html = page(response)
        assert [tag["id"] for tag in html.find_all(recursive=False)] == ["timeline"]  # the block alone
        assert html.select_one("header, h1, aside, .crumbs") is None  # not a copy of the page nested inside
        assert html.select_one(".note-form .notice.error").get_text() == "Chưa thêm được ghi chú của bạn."
        assert html.select_one("#e-text") is not None and html.select_one("#f-text").get_text() == typed
        assert len(html.select(".timeline-entry")) == 1  # the entries are still there
    assert db.exec(select(CollaborationNote)).all() == []


def test_an_htmx_note_redraws_only_the_timeline(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    response = staff_client.post(f"/collaborations/{collab.id}/notes", headers={"HX-Request": "true"},
                                 data={"csrf_token": token, "text": "Đã gửi hồ sơ năng lực"})  # fmt: skip
    html = page(response)
    assert html.select_one("#timeline") is not None and html.select_one("header") is None
    assert html.select(".note-text")[-1].get_text(strip=True) == "Đã gửi hồ sơ năng lực"


def test_the_page_links_the_offer_and_need_and_shows_the_contract_and_task(
    staff_client: TestClient, db: Session
) -> None:
    offer, need = make_offer(db), make_need(db)
    collab = make_collab(db, stage="agreement_signed", offer_id=offer.id, need_id=need.id, contract_type="licence",
                         contract_value_vnd=450_000_000, st_task_code="ĐTKHCN.TTH.2026-03", st_task_level="city")  # fmt: skip
    html = page(staff_client.get(f"/collaborations/{collab.id}"))
    links = {a["href"] for a in html.select(".facts a")}
    assert f"http://testserver/offers/{offer.id}" in links and f"http://testserver/needs/{need.id}" in links
    facts = html.select_one(".facts").get_text()
    assert "450.000.000 ₫" in facts and "Li-xăng (chuyển quyền sử dụng)" in facts
    assert html.select_one(".st-task").get_text(strip=True) == "ĐTKHCN.TTH.2026-03 (Cấp thành phố)"


def test_staff_edit_the_next_action_and_due_date(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    due = (utcnow().date() + timedelta(days=7)).isoformat()
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    form = edit_form(collab, next_action="Gửi dự thảo hợp đồng li-xăng", next_action_due=due, csrf_token=token)
    assert staff_client.post(f"/collaborations/{collab.id}/edit", data=form).status_code == 200
    db.refresh(collab)
    assert collab.next_action == "Gửi dự thảo hợp đồng li-xăng" and collab.next_action_due.isoformat() == due
    assert collab.version == 2


def test_edit_errors_appear_beside_the_fields(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    form = edit_form(collab, title="", next_action_due="2020-01-01", contract_value_vnd="-1", st_task_level="city",
                     broker_id="424242", csrf_token=token)  # fmt: skip
    response = staff_client.post(f"/collaborations/{collab.id}/edit", data=form)
    assert response.status_code == 422
    html = page(response)
    for field in ("title", "next_action_due", "contract_value_vnd", "st_task_code", "broker_id"):
        assert html.select_one(f"#e-{field}") is not None, field
    assert html.select_one("#e-next_action_due").get_text() == "Ngày này đã qua."


def test_a_stale_edit_is_refused_with_the_current_state(app: FastAPI, staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    other = make_user(db, role="staff", full_name="Phạm Thị Thùy Dung")
    for second in client_for(app, other):
        token = csrf_of(second, f"/collaborations/{collab.id}")
        second.post(
            f"/collaborations/{collab.id}/edit", data=edit_form(collab, next_action="Hẹn gặp", csrf_token=token)
        )
    token = csrf_of(staff_client, "/pipeline")
    response = staff_client.post(f"/collaborations/{collab.id}/edit",
                                 data=edit_form(collab, next_action="Thử nghiệm mẫu", csrf_token=token))  # fmt: skip
    assert response.status_code == 409
    html = page(response)
    assert html.select_one(".conflict") is not None
    assert html.select_one("#f-next_action")["value"] == "Thử nghiệm mẫu"
    db.refresh(collab)
    assert collab.next_action == "Hẹn gặp"


def test_parties_cannot_edit(app: FastAPI, db: Session) -> None:
    collab = make_collab(db)
    party = make_user(db, role="researcher", organization=db.get(Organization, collab.provider_org_id))
    for client in client_for(app, party):
        token = csrf_of(client, f"/collaborations/{collab.id}")
        response = client.post(f"/collaborations/{collab.id}/edit", data=edit_form(collab, csrf_token=token))
        assert response.status_code == 403


def test_staff_open_a_collaboration_by_hand(staff_client: TestClient, db: Session, staff) -> None:
    provider = make_org(db, name_vi="Viện Hóa học các Hợp chất thiên nhiên")
    seeker = make_org(db, kind="cooperative", name_vi="HTX Tinh dầu Lộc Thủy")
    token = csrf_of(staff_client, "/collaborations/new")
    form = {"csrf_token": token, "title": "Chuyển giao quy trình chưng cất dầu tràm", "provider_org_id": str(provider.id),
            "seeker_org_id": str(seeker.id), "stage": "contacted", "sector_code": "medicinal",
            "note": "Gặp nhau tại Techmart Huế 2026"}  # fmt: skip
    response = staff_client.post("/collaborations/new", data=form, follow_redirects=False)
    assert response.status_code == 303
    collab = db.exec(select(Collaboration)).one()
    assert (collab.stage, collab.broker_id, collab.provider_org_id) == ("contacted", staff.id, provider.id)
    html = page(staff_client.get(response.headers["location"]))
    assert "Gặp nhau tại Techmart Huế 2026" in html.select_one(".timeline").get_text()


def test_opening_by_hand_reports_bad_input_and_keeps_it(staff_client: TestClient, db: Session) -> None:
    org = make_org(db)
    token = csrf_of(staff_client, "/collaborations/new")
    form = {"csrf_token": token, "title": "Dầu tràm", "provider_org_id": str(org.id), "seeker_org_id": str(org.id),
            "stage": "commercialized", "offer_id": "99999", "next_action_due": "31/02/2026"}  # fmt: skip
    response = staff_client.post("/collaborations/new", data=form)
    assert response.status_code == 422
    html = page(response)
    for field in ("seeker_org_id", "stage", "offer_id", "next_action_due"):
        assert html.select_one(f"#e-{field}") is not None, field
    assert html.select_one("#f-title")["value"] == "Dầu tràm"
    assert db.exec(select(Collaboration)).all() == []


def test_only_staff_open_collaborations(app: FastAPI, db: Session) -> None:
    for client in client_for(app, make_user(db, role="enterprise")):
        assert client.get("/collaborations/new").status_code == 403


def _fact(html, name: str):  # type: ignore[no-untyped-def]
    """The <dd> of the fact whose label is `name`."""
    return next(d.select_one("dd") for d in html.select(".facts > div") if d.select_one("dt").get_text() == name)


def test_staff_read_the_opening_inquiry_and_may_open_it_without_its_contacts(
    staff_client: TestClient, db: Session
) -> None:
    collab, inquiry, _asker, _owner = accepted_inquiry(db)
    opened = page(staff_client.get(f"/inquiries/{inquiry.id}"))  # staff broker: they read its thread too
    assert opened.select_one(".inquiry-message") is not None and not opened.select(".contacts")
    html = page(staff_client.get(f"/collaborations/{collab.id}"))
    first = html.select(".timeline-entry")[0]
    assert "inquiry" in first["class"]
    assert first.select_one(".inquiry-message").get_text() == INQUIRY_MESSAGE
    assert "Trần Văn Phước · Công ty CP Dược Huế Xanh" in first.select_one(".timeline-when").get_text()
    fact = _fact(html, "Bày tỏ quan tâm")
    assert fact.select_one("a")["href"].endswith(f"/inquiries/{inquiry.id}")


def test_the_parties_read_the_opening_inquiry_and_may_open_it(app: FastAPI, db: Session) -> None:
    collab, inquiry, asker, owner = accepted_inquiry(db)
    for person in (asker, owner):
        for client in client_for(app, person):
            html = page(client.get(f"/collaborations/{collab.id}"))
            assert html.select_one(".timeline-entry.inquiry .inquiry-message").get_text() == INQUIRY_MESSAGE
            link = _fact(html, "Bày tỏ quan tâm").select_one("a")
            assert link["href"].endswith(f"/inquiries/{inquiry.id}")
            assert client.get(link["href"]).status_code == 200


def test_an_experts_colleagues_see_the_deal_but_not_the_message_to_the_expert(app: FastAPI, db: Session) -> None:
    collab, inquiry, _asker, owner = accepted_inquiry(db, kind="expert")
    colleague = make_user(db, db.get(Organization, owner.organization_id), full_name="ThS. Lê Quang Vũ")
    for client in client_for(app, colleague):
        assert client.get(f"/inquiries/{inquiry.id}").status_code == 404
        html = page(client.get(f"/collaborations/{collab.id}"))
        entry = html.select_one(".timeline-entry.inquiry")
        assert entry is not None and entry.select_one(".inquiry-message") is None
        assert INQUIRY_MESSAGE not in html.get_text()
        assert _fact(html, "Bày tỏ quan tâm").select_one("a") is None


def test_the_opening_date_has_no_separator_unless_a_history_link_follows(
    app: FastAPI, staff_client: TestClient, db: Session
) -> None:
    collab = make_collab(db)
    party = make_user(db, role="enterprise", organization=db.get(Organization, collab.seeker_org_id))
    for client in client_for(app, party):
        opened = _fact(page(client.get(f"/collaborations/{collab.id}")), "Ngày mở")
        assert "·" not in opened.get_text() and opened.select_one(".history-link") is None
    opened = _fact(page(staff_client.get(f"/collaborations/{collab.id}")), "Ngày mở")
    assert opened.get_text(" ", strip=True).endswith("· Lịch sử thay đổi")
