"""Who is told what happens to a collaboration, unassigned collaborations, and taking one on."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from marketplace.models import AuditLog, Collaboration, Notification, Organization, User
from tests.builders import csrf_of, make_user, page
from tests.pipeline.conftest import accepted_inquiry, client_for, make_collab


def notices_of(db: Session, user: User) -> list[Notification]:
    db.expire_all()
    return list(db.exec(select(Notification).where(Notification.user_id == user.id).order_by(col(Notification.id))))


def told(db: Session) -> set[int]:
    db.expire_all()
    return {n.user_id for n in db.exec(select(Notification)).all()}


def people_of(db: Session, collab: Collaboration) -> tuple[User, User, User]:
    """A researcher of the provider, an employee of the seeker, and a former employee who left."""
    provider, seeker = db.get(Organization, collab.provider_org_id), db.get(Organization, collab.seeker_org_id)
    researcher = make_user(db, provider, full_name="TS. Hoàng Minh Tâm")
    buyer = make_user(db, seeker, role="enterprise", full_name="Nguyễn Thị Thu Hà", language="en")
    make_user(db, seeker, role="enterprise", is_active=False)
    return researcher, buyer, make_user(db, role="staff", full_name="Phạm Thị Thùy Dung")


def move(client: TestClient, collab: Collaboration, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client, f"/collaborations/{collab.id}")
    data = {"csrf_token": token, "version": str(collab.version)} | fields
    return client.post(f"/collaborations/{collab.id}/stage", data=data, follow_redirects=False)


def bell(client: TestClient, path: str = "/") -> str:
    return page(client.get(path)).select_one(".notice-count .count").get_text()


def test_a_move_tells_both_parties_and_the_broker_but_not_the_mover(
    app: FastAPI, staff_client: TestClient, db: Session, staff: User
) -> None:
    collab = make_collab(db, stage="contacted")
    researcher, buyer, broker = people_of(db, collab)
    collab.broker_id = broker.id
    db.add(collab)
    db.commit()
    assert move(staff_client, collab, to_stage="negotiating").status_code == 303
    assert told(db) == {researcher.id, buyer.id, broker.id}
    notice = notices_of(db, researcher)[0]
    assert notice.link == f"/collaborations/{collab.id}"
    for client in client_for(app, researcher):
        text = page(client.get("/me")).select_one("#notifications .notice-row.unread .notice-text").get_text()
        assert f"Hợp tác “{collab.title}” đã chuyển sang giai đoạn “Đang đàm phán”." in text
    assert notices_of(db, buyer)[0].params["stage"] == "Negotiating"  # written in the reader's language


def test_a_note_tells_the_others_but_not_its_author(app: FastAPI, db: Session, staff: User) -> None:
    collab = make_collab(db, broker=staff)
    researcher, buyer, _other_staff = people_of(db, collab)
    for client in client_for(app, buyer):
        token = csrf_of(client, f"/collaborations/{collab.id}")
        client.post(f"/collaborations/{collab.id}/notes", data={"csrf_token": token, "text": "Đã gửi mẫu thử 5 lít"})
    assert told(db) == {researcher.id, staff.id}
    assert notices_of(db, staff)[0].params["name"] == "Nguyễn Thị Thu Hà"


def test_a_refused_note_or_move_tells_nobody(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    people_of(db, collab)
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    staff_client.post(f"/collaborations/{collab.id}/notes", data={"csrf_token": token, "text": ""})
    move(staff_client, collab, to_stage="closed", closed_reason="")
    assert told(db) == set()


def test_opening_the_collaboration_marks_its_notices_read(app: FastAPI, staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db, stage="contacted")
    other = make_collab(db, stage="contacted", provider=db.get(Organization, collab.provider_org_id))
    researcher, _buyer, _staff = people_of(db, collab)
    move(staff_client, collab, to_stage="negotiating")
    move(staff_client, other, to_stage="negotiating")
    for client in client_for(app, researcher):
        assert bell(client) == "2"
        assert bell(client, f"/collaborations/{collab.id}") == "1"  # the page itself counts what is left
    read = {n.link: n.read_at is not None for n in notices_of(db, researcher)}
    assert read == {f"/collaborations/{collab.id}": True, f"/collaborations/{other.id}": False}


def test_accepting_an_inquiry_asks_the_department_to_assign_a_broker(db: Session, staff: User) -> None:
    second = make_user(db, role="admin", full_name="Võ Đại Nghĩa")
    make_user(db, role="staff", is_active=False)
    collab, _inquiry, asker, owner = accepted_inquiry(db)
    assert collab.broker_id is None
    for person in (staff, second):
        [notice] = [n for n in notices_of(db, person) if n.link == f"/collaborations/{collab.id}"]
        assert notice.params == {"title": collab.title}
    assert told(db) == {staff.id, second.id, asker.id, owner.id}  # not the staff member who left
    for party in (asker, owner):  # they hear of the inquiry and its answer, not of the broker
        assert [n.link for n in notices_of(db, party)] == [f"/inquiries/{collab.inquiry_id}"]


def test_the_board_filters_collaborations_without_a_broker(staff_client: TestClient, db: Session, staff: User) -> None:
    mine = make_collab(db, broker=staff, title="Chuyển giao quy trình chưng cất dầu tràm")
    orphan = make_collab(db, title="Ứng dụng chế phẩm vi sinh xử lý nước thải")
    html = page(staff_client.get("/pipeline?broker=none"))
    assert [a.get_text(strip=True) for a in html.select(".collab-title a")] == [orphan.title]
    assert html.select_one("#f-broker option[selected]").get_text() == "Chưa phân công"
    assert html.select_one(f"#collab-{orphan.id} .unassigned").get_text() == "Chưa phân công"
    listed = page(staff_client.get("/pipeline?view=list"))
    assert listed.select_one(f"tr[data-id='{orphan.id}'] .unassigned").get_text() == "Chưa phân công"
    assert listed.select_one(f"tr[data-id='{mine.id}'] .unassigned") is None
    mine_only = page(staff_client.get(f"/pipeline?broker={staff.id}"))
    assert [a.get_text(strip=True) for a in mine_only.select(".collab-title a")] == [mine.title]


def test_staff_take_on_an_unassigned_collaboration(staff_client: TestClient, db: Session, staff: User) -> None:
    collab = make_collab(db)
    html = page(staff_client.get(f"/collaborations/{collab.id}"))
    form = html.select_one("#broker form.assign-form")
    data = {i["name"]: i["value"] for i in form.select("input")}
    assert data["broker_id"] == str(staff.id)
    response = staff_client.post(form["action"], data=data, follow_redirects=False)
    assert response.status_code == 303
    html = page(staff_client.get(response.headers["location"]))
    assert html.select_one(".notice.success").get_text() == "Lê Thị Ngọc Ánh hiện là cán bộ phụ trách hợp tác này."
    assert (
        html.select_one("#broker").get_text(strip=True) == "Lê Thị Ngọc Ánh" and html.select_one(".assign-form") is None
    )
    db.refresh(collab)
    assert (collab.broker_id, collab.version) == (staff.id, 2)
    assert told(db) == set()  # choosing oneself tells nobody
    entry = db.exec(select(AuditLog).where(AuditLog.action == "collaboration.edit")).one()
    assert (entry.actor_id, entry.detail["fields"]) == (staff.id, ["broker_id"])


def test_a_broker_chosen_by_a_colleague_is_told(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    colleague = make_user(db, role="staff", full_name="Phạm Thị Thùy Dung")
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    response = staff_client.post(f"/collaborations/{collab.id}/broker", follow_redirects=False,
                                 data={"csrf_token": token, "version": "1", "broker_id": str(colleague.id)})  # fmt: skip
    assert response.status_code == 303
    [notice] = notices_of(db, colleague)
    assert notice.params["name"] == "Lê Thị Ngọc Ánh" and notice.link == f"/collaborations/{collab.id}"


def test_changing_the_broker_in_the_details_form_tells_the_new_one(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    collab = make_collab(db, broker=staff)
    colleague = make_user(db, role="staff", full_name="Phạm Thị Thùy Dung")
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    form = {"csrf_token": token, "version": "1", "title": collab.title, "broker_id": str(colleague.id)}
    assert staff_client.post(f"/collaborations/{collab.id}/edit", data=form, follow_redirects=False).status_code == 303
    assert told(db) == {colleague.id}


def test_a_broker_replaced_by_a_colleague_is_told_in_their_language(
    app: FastAPI, staff_client: TestClient, db: Session
) -> None:
    previous = make_user(db, role="staff", full_name="Phạm Thị Thùy Dung")
    collab = make_collab(db, broker=previous)
    colleague = make_user(db, role="admin", full_name="Võ Đại Nghĩa")
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    form = {"csrf_token": token, "version": "1", "title": collab.title, "broker_id": str(colleague.id)}
    assert staff_client.post(f"/collaborations/{collab.id}/edit", data=form, follow_redirects=False).status_code == 303
    assert told(db) == {previous.id, colleague.id}
    [notice] = notices_of(db, previous)
    assert notice.message == "%(name)s took you off the collaboration “%(title)s”: you are no longer its broker."
    assert notice.params == {"name": "Lê Thị Ngọc Ánh", "title": collab.title}
    assert notice.link == f"/collaborations/{collab.id}"
    assert notices_of(db, colleague)[0].message == "%(name)s made you the broker of the collaboration “%(title)s”."
    for client in client_for(app, previous):
        text = page(client.get("/me")).select_one("#notifications .notice-row.unread .notice-text").get_text()
        assert (
            f"Lê Thị Ngọc Ánh đã thôi phân công bạn phụ trách hợp tác “{collab.title}”: "
            "bạn không còn là cán bộ phụ trách hợp tác này."
        ) in text
        client.get("/lang/en?next=/")
        text = page(client.get("/me")).select_one("#notifications .notice-row.unread .notice-text").get_text()
        assert f"Lê Thị Ngọc Ánh took you off the collaboration “{collab.title}”: you are no longer its broker." in text


def test_taking_on_a_colleagues_collaboration_tells_the_colleague(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    previous = make_user(db, role="staff", full_name="Phạm Thị Thùy Dung")
    collab = make_collab(db, broker=previous)
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    response = staff_client.post(f"/collaborations/{collab.id}/broker", follow_redirects=False,
                                 data={"csrf_token": token, "version": "1", "broker_id": str(staff.id)})  # fmt: skip
    assert response.status_code == 303
    assert told(db) == {previous.id}  # not the staff member who took it on
    assert notices_of(db, previous)[0].params == {"name": "Lê Thị Ngọc Ánh", "title": collab.title}


def test_clearing_the_broker_tells_the_one_taken_off_but_not_one_who_left(
    staff_client: TestClient, db: Session
) -> None:
    previous = make_user(db, role="staff", full_name="Phạm Thị Thùy Dung")
    collab = make_collab(db, broker=previous)
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    form = {"csrf_token": token, "version": "1", "title": collab.title, "broker_id": ""}
    assert staff_client.post(f"/collaborations/{collab.id}/edit", data=form, follow_redirects=False).status_code == 303
    db.refresh(collab)
    assert collab.broker_id is None
    [notice] = notices_of(db, previous)
    assert notice.params["name"] == "Lê Thị Ngọc Ánh" and notice.link == f"/collaborations/{collab.id}"
    gone = make_user(db, role="staff", is_active=False)
    other = make_collab(db, broker=gone, title="Ứng dụng chế phẩm vi sinh xử lý nước thải")
    token = csrf_of(staff_client, f"/collaborations/{other.id}")
    form = {"csrf_token": token, "version": "1", "title": other.title, "broker_id": ""}
    assert staff_client.post(f"/collaborations/{other.id}/edit", data=form, follow_redirects=False).status_code == 303
    assert notices_of(db, gone) == []


def test_clearing_the_broker_asks_the_other_staff_to_assign_one(
    app: FastAPI, staff_client: TestClient, db: Session
) -> None:
    previous = make_user(db, role="staff", full_name="Phạm Thị Thùy Dung")
    colleague = make_user(db, role="staff", full_name="Trần Quang Vinh")
    make_user(db, role="staff", is_active=False)  # who left hears nothing
    collab = make_collab(db, broker=previous)
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    form = {"csrf_token": token, "version": "1", "title": collab.title, "broker_id": ""}
    assert staff_client.post(f"/collaborations/{collab.id}/edit", data=form, follow_redirects=False).status_code == 303
    assert told(db) == {previous.id, colleague.id}  # not the staff member who cleared it
    [asked] = notices_of(db, colleague)
    assert asked.message == "%(name)s left the collaboration “%(title)s” without a broker: please assign one."
    assert asked.link == f"/collaborations/{collab.id}"
    assert [n.message for n in notices_of(db, previous)] == [
        "%(name)s took you off the collaboration “%(title)s”: you are no longer its broker."
    ]
    for client in client_for(app, colleague):
        assert "Lê Thị Ngọc Ánh đã để hợp tác" in page(client.get("/me")).get_text()  # in Vietnamese


def test_saving_the_details_without_changing_the_broker_tells_no_broker(staff_client: TestClient, db: Session) -> None:
    broker = make_user(db, role="staff", full_name="Phạm Thị Thùy Dung")
    collab = make_collab(db, broker=broker)
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    form = {"csrf_token": token, "version": "1", "title": "Chuyển giao quy trình chưng cất dầu tràm Phú Lộc",
            "broker_id": str(broker.id)}  # fmt: skip
    assert staff_client.post(f"/collaborations/{collab.id}/edit", data=form, follow_redirects=False).status_code == 303
    assert told(db) == set()


def test_assigning_is_refused_to_parties_for_non_staff_and_for_stale_pages(
    app: FastAPI, staff_client: TestClient, db: Session, staff: User
) -> None:
    collab = make_collab(db)
    party = make_user(db, role="enterprise", organization=db.get(Organization, collab.seeker_org_id))
    for client in client_for(app, party):
        token = csrf_of(client, f"/collaborations/{collab.id}")
        data = {"csrf_token": token, "version": "1", "broker_id": str(staff.id)}
        assert client.post(f"/collaborations/{collab.id}/broker", data=data).status_code == 403
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    outsider = make_user(db, role="researcher")
    bad = staff_client.post(f"/collaborations/{collab.id}/broker",
                            data={"csrf_token": token, "version": "1", "broker_id": str(outsider.id)})  # fmt: skip
    assert bad.status_code == 422 and page(bad).select_one("#e-broker_id") is not None
    collab.version = 2  # someone saved the collaboration since the page was drawn
    db.add(collab)
    db.commit()
    stale = staff_client.post(f"/collaborations/{collab.id}/broker",
                              data={"csrf_token": token, "version": "1", "broker_id": str(staff.id)})  # fmt: skip
    assert stale.status_code == 409 and page(stale).select_one(".conflict") is not None
    db.refresh(collab)
    assert collab.broker_id is None
