"""Joining an existing organization is a request: until staff (or, except for a government body, a manager
of that organization) approve it, the account has no rights over the organization."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from marketplace import collaborations, matchmaking, proposals
from marketplace.models import (
    AuditLog,
    Collaboration,
    Inquiry,
    MatchProposal,
    Membership,
    Need,
    Notification,
    Organization,
    OutboxMail,
    User,
)
from tests.builders import csrf_of, log_in, make_manager, make_need, make_offer, make_org, make_user, page

DEPARTMENT = "Sở Khoa học và Công nghệ thành phố Huế"
IMPOSTOR_EMAIL = "khanh.pv@gmail.com"


@dataclass
class Department:
    """The Department with what only its members and staff may see or change."""

    org: Organization
    staff: User
    commissioned: Need
    draft: Need
    proposal: MatchProposal
    collaboration: Collaboration
    inquiry: Inquiry


def make_department(db: Session) -> Department:
    matchmaking.clear_cache()
    dost = make_org(db, kind="government", name_vi=DEPARTMENT, name_en="Hue City Department of Science and Technology")
    staff = make_user(db, role="staff", full_name="Ngô Thị Thanh Tâm", email="tam.ntt@sokhcn.hue.gov.vn")
    institute = make_org(db, name_vi="Viện Công nghệ Sinh học, Đại học Huế")
    researcher = make_user(db, institute, full_name="TS. Hoàng Thị Thu Hà", email="ha.htt@ibt.hueuni.edu.vn")
    make_offer(db, institute, owner_id=researcher.id)
    commissioned = make_need(db, dost, title="Đặt hàng: chuẩn hóa chất lượng dầu tràm Phú Lộc", commissioned=True)
    draft = make_need(db, dost, title="Nháp: đặt hàng xử lý rác thải nhựa ven phá Tam Giang", status="draft",
                      published_at=None, confirmed_at=None)  # fmt: skip
    proposals.refresh_listing(db, commissioned)
    proposal = db.exec(select(MatchProposal).where(MatchProposal.need_id == commissioned.id)).first()
    assert proposal is not None, "the matcher proposes the institute's offer for the commissioned problem"
    collaboration = collaborations.open_collaboration(
        db, provider_org_id=institute.id, seeker_org_id=dost.id, title="Chuẩn hóa dầu tràm cho đặt hàng của Sở",
        stage="negotiating", actor_id=staff.id, need_id=commissioned.id,
        note="Ghi chú nội bộ: kinh phí dự kiến 800 triệu đồng",
    )  # fmt: skip
    inquiry = Inquiry(
        listing_kind="need", listing_id=commissioned.id, sender_id=researcher.id, sender_org_id=institute.id,
        recipient_org_id=dost.id, message="Viện chúng tôi có quy trình chưng cất phù hợp với đặt hàng này.",
    )  # fmt: skip
    db.add(inquiry)
    db.commit()
    return Department(dost, staff, commissioned, draft, proposal, collaboration, inquiry)


def register(client: TestClient, organization: Organization, **overrides: str) -> Response:
    """Fill in /register choosing an existing organization; the client is then logged in as the new account."""
    form = {
        "csrf_token": csrf_of(client, "/register"),
        "full_name": "Phạm Văn Khánh",
        "email": IMPOSTOR_EMAIL,
        "role": "researcher",
        "organization_mode": "existing",
        "organization_id": str(organization.id),
        "language": "vi",
        "password": "mật-khẩu-dài-2026",
        "password_confirm": "mật-khẩu-dài-2026",
    }
    return client.post("/register", data=form | overrides)


def confirm_address(client: TestClient, db: Session, email: str = IMPOSTOR_EMAIL) -> None:
    """Open the confirmation link mailed at registration (until then no other mail goes to the address)."""
    mailed = db.exec(select(OutboxMail).where(OutboxMail.to == email)).one()
    assert client.get(urlsplit(re.search(r"\S+/account/confirm/\S+", mailed.body).group(0)).path).status_code == 200  # type: ignore[union-attr]


def mail_to(db: Session, email: str, confirmed_then: str) -> OutboxMail:
    """The one mail sent to `email` after the confirmation link, whose subject starts with `confirmed_then`."""
    found = [m for m in db.exec(select(OutboxMail).where(OutboxMail.to == email)) if "/account/confirm/" not in m.body]
    assert len(found) == 1 and found[0].subject.startswith(confirmed_then), [m.subject for m in found]
    return found[0]


def account(db: Session, email: str = IMPOSTOR_EMAIL) -> User:
    db.expire_all()
    return db.exec(select(User).where(User.email == email)).one()


def request_of(db: Session, user: User) -> Membership:
    db.expire_all()
    return db.exec(select(Membership).where(Membership.user_id == user.id).order_by(col(Membership.id).desc())).first()  # type: ignore[return-value]


def post(client: TestClient, path: str, page_path: str = "/", **data: str) -> Response:
    return client.post(path, data={"csrf_token": csrf_of(client, page_path), **data}, follow_redirects=False)


def notice_text(html: object) -> str:
    found = html.select_one("#membership-notice")  # type: ignore[attr-defined]
    return found.get_text(" ", strip=True) if found else ""


def test_choosing_the_department_at_registration_gives_no_rights_over_it(client: TestClient, db: Session) -> None:
    dept = make_department(db)
    response = register(client, dept.org)
    assert response.status_code == 200  # the account exists and is logged in…
    assert account(db).organization_id is None  # …but belongs to no organization
    assert client.get(f"/needs/{dept.draft.id}").status_code == 404
    assert client.get(f"/collaborations/{dept.collaboration.id}").status_code == 404
    assert client.get(f"/proposals/{dept.proposal.id}").status_code == 403
    assert client.get(f"/inquiries/{dept.inquiry.id}").status_code == 404
    archived = post(client, f"/needs/{dept.commissioned.id}/archive", f"/needs/{dept.commissioned.id}")
    assert archived.status_code == 403
    accepted = post(client, f"/inquiries/{dept.inquiry.id}/accept")
    assert accepted.status_code in (403, 404)
    db.expire_all()
    assert db.get(Need, dept.commissioned.id).status == "published"
    assert client.get(f"/needs/{dept.commissioned.id}").status_code == 200  # still public
    assert db.get(Inquiry, dept.inquiry.id).status == "pending"
    me = page(client.get("/me"))
    assert me.select("#listings .listing-row") == [] and me.select("#collaborations .row") == []
    assert "Ghi chú nội bộ" not in client.get("/me").text


def test_the_pages_say_the_request_waits_and_who_answers_it(client: TestClient, db: Session) -> None:
    dept = make_department(db)
    html = page(register(client, dept.org))
    assert html.select_one(".notice.success").get_text(strip=True) == (
        "Chào mừng bạn! Tài khoản đã sẵn sàng; yêu cầu gia nhập tổ chức của bạn đang chờ duyệt. Chúng tôi đã gửi "
        "một liên kết đến khanh.pv@gmail.com: hãy mở liên kết để xác nhận địa chỉ của bạn."
    )
    assert notice_text(html).startswith(
        f"Yêu cầu gia nhập {DEPARTMENT} của bạn đang chờ cán bộ Sở Khoa học và Công nghệ duyệt."
    )
    assert "chưa thể thay mặt tổ chức" in notice_text(page(client.get("/offers/new")))
    client.get("/lang/en?next=/")
    assert "waiting for approval by the staff of the Department" in notice_text(page(client.get("/")))


def test_a_request_to_join_an_organization_with_a_manager_names_both_who_may_answer(
    client: TestClient, db: Session
) -> None:
    company = make_org(db, kind="enterprise", name_vi="Công ty CP Dược Medipharco")
    manager = make_manager(db, company, full_name="Đặng Quốc Bảo", email="bao.dq@medipharco.vn")
    staff = make_user(db, role="staff")
    html = page(register(client, company, role="enterprise"))
    assert "người quản lý của tổ chức này hoặc cán bộ Sở Khoa học và Công nghệ duyệt" in notice_text(html)
    told = db.exec(select(Notification).where(Notification.user_id == manager.id)).one()
    assert told.message == "%(name)s asks to join %(organization)s." and told.link == "/memberships"
    assert told.params == {"name": "Phạm Văn Khánh", "organization": "Công ty CP Dược Medipharco"}
    mail = db.exec(select(OutboxMail).where(OutboxMail.to == "bao.dq@medipharco.vn")).one()
    assert mail.subject == "Phạm Văn Khánh xin gia nhập Công ty CP Dược Medipharco" and IMPOSTOR_EMAIL in mail.body
    assert db.exec(select(Notification).where(Notification.user_id == staff.id)).all() == []  # the manager answers
    client.cookies.clear()
    log_in(client, manager)
    assert "Phạm Văn Khánh" in page(client.get("/memberships")).get_text()
    assert [n.read_at is not None for n in notices_to(db, manager)] == [True]  # opening the queue reads it


def notices_to(db: Session, user: User) -> list[Notification]:
    db.expire_all()
    return list(db.exec(select(Notification).where(Notification.user_id == user.id)).all())


def test_staff_hear_in_the_app_of_each_request_to_join_a_government_body(client: TestClient, db: Session) -> None:
    dept = make_department(db)
    admin = make_user(db, role="admin", full_name="Võ Đại Nghĩa", language="en")
    gone = make_user(db, role="staff", is_active=False)
    register(client, dept.org)
    for person in (dept.staff, admin):
        [notice] = notices_to(db, person)
        assert (notice.message, notice.link) == ("%(name)s asks to join %(organization)s.", "/memberships")
    assert notices_to(db, admin)[0].params == {"name": "Phạm Văn Khánh",
                                               "organization": "Hue City Department of Science and Technology"}  # fmt: skip
    assert notices_to(db, gone) == []
    assert db.exec(select(OutboxMail).where(OutboxMail.to == dept.staff.email)).all() == []  # in the app only
    client.cookies.clear()
    log_in(client, dept.staff)
    text = page(client.get("/me")).select_one("#notifications .notice-row.unread .notice-text").get_text()
    assert f"Phạm Văn Khánh xin gia nhập {DEPARTMENT}." in text


def test_staff_hear_of_a_request_to_an_organization_whose_managers_are_gone(client: TestClient, db: Session) -> None:
    company = make_org(db, kind="enterprise", name_vi="Công ty TNHH Tinh dầu Tràm Lộc Thủy")
    left = make_manager(db, company, full_name="Võ Thị Lài")
    left.organization_id = make_org(db, kind="enterprise", name_vi="Công ty CP Sen Huế").id
    db.add(left)
    db.commit()
    make_manager(db, company, is_active=False)
    staff = make_user(db, role="staff", full_name="Ngô Thị Thanh Tâm")
    register(client, company, role="enterprise")
    [notice] = notices_to(db, staff)
    assert notice.params == {"name": "Phạm Văn Khánh", "organization": "Công ty TNHH Tinh dầu Tràm Lộc Thủy"}
    assert notices_to(db, left) == []


def test_the_request_waits_in_the_staff_queue_with_a_count(client: TestClient, db: Session) -> None:
    dept = make_department(db)
    register(client, dept.org)
    client.cookies.clear()
    log_in(client, dept.staff)
    link = page(client.get("/")).select_one("nav.main-nav a[href$='/memberships']")
    assert link.get_text(" ", strip=True) == "Yêu cầu gia nhập 1"
    html = page(client.get("/memberships"))
    assert html.select_one("#membership-count").get_text(strip=True) == "1 yêu cầu đang chờ trả lời"
    card = html.select_one(".membership-request")
    assert card.select_one(".card-title").get_text(strip=True) == "Phạm Văn Khánh"
    assert DEPARTMENT in card.get_text() and IMPOSTOR_EMAIL in card.get_text()
    assert card.select_one(".badge.warning").get_text() == "Cơ quan nhà nước: chỉ cán bộ Sở duyệt"
    assert card.select_one("input[name=manager]") is None  # a government body has no managers


def test_staff_approval_grants_access_notifies_and_is_audited(client: TestClient, db: Session) -> None:
    dept = make_department(db)
    register(client, dept.org)
    confirm_address(client, db)
    waiting = request_of(db, account(db))
    client.cookies.clear()
    log_in(client, dept.staff)
    response = post(client, f"/memberships/{waiting.id}/approve", "/memberships")
    assert response.status_code == 303
    flash = page(client.get("/memberships")).select_one(".notice.success").get_text(strip=True)
    assert flash == f"Đã duyệt: Phạm Văn Khánh nay là thành viên của {DEPARTMENT}."
    member = account(db)
    assert member.organization_id == dept.org.id
    assert (request_of(db, member).status, request_of(db, member).decided_by_id) == ("approved", dept.staff.id)
    notice = db.exec(select(Notification).where(Notification.user_id == member.id)).one()
    assert notice.message == "You are now a member of %(organization)s." and notice.params == {
        "organization": DEPARTMENT
    }
    mail = mail_to(db, IMPOSTOR_EMAIL, "Yêu cầu gia nhập")
    assert mail.subject == f"Yêu cầu gia nhập {DEPARTMENT} của bạn đã được duyệt"
    entry = db.exec(select(AuditLog).where(AuditLog.action == "membership.approve")).one()
    assert (entry.actor_id, entry.entity, entry.entity_id) == (dept.staff.id, "membership", waiting.id)
    assert entry.detail["user_id"] == member.id and entry.detail["organization_id"] == dept.org.id
    # now a member: the organization's private records open to them
    client.cookies.clear()
    log_in(client, member, password="mật-khẩu-dài-2026")
    assert client.get(f"/needs/{dept.draft.id}").status_code == 200
    assert client.get(f"/collaborations/{dept.collaboration.id}").status_code == 200
    assert notice_text(page(client.get("/"))) == ""


def test_refusal_keeps_the_account_out_and_tells_the_reason(client: TestClient, db: Session) -> None:
    dept = make_department(db)
    register(client, dept.org)
    confirm_address(client, db)
    waiting = request_of(db, account(db))
    client.cookies.clear()
    log_in(client, dept.staff)
    reason = "Không xác minh được anh làm việc tại Sở; vui lòng liên hệ Văn phòng Sở."
    assert post(client, f"/memberships/{waiting.id}/refuse", "/memberships", reason=reason).status_code == 303
    person = account(db)
    assert person.organization_id is None
    refused = request_of(db, person)
    assert (refused.status, refused.reason, refused.decided_by_id) == ("refused", reason, dept.staff.id)
    notice = db.exec(select(Notification).where(Notification.user_id == person.id)).one()
    assert notice.message == "Your request to join %(organization)s was refused."
    mail = mail_to(db, IMPOSTOR_EMAIL, "Yêu cầu gia nhập")
    assert f"Lý do: {reason}" in mail.body
    entry = db.exec(select(AuditLog).where(AuditLog.action == "membership.refuse")).one()
    assert entry.actor_id == dept.staff.id and entry.detail["reason"] == reason
    client.cookies.clear()
    log_in(client, person, password="mật-khẩu-dài-2026")
    shown = notice_text(page(client.get("/me")))
    assert f"Yêu cầu gia nhập {DEPARTMENT} của bạn bị từ chối." in shown and reason in shown
    assert client.get(f"/needs/{dept.draft.id}").status_code == 404
    assert post(client, f"/needs/{dept.commissioned.id}/archive", "/me").status_code == 403


def test_a_manager_of_a_government_body_cannot_approve_requests_to_join_it(client: TestClient, db: Session) -> None:
    dept = make_department(db)
    officer = make_user(db, dept.org, role="enterprise", full_name="Lê Văn Hùng", email="hung.lv@sokhcn.hue.gov.vn")
    db.add(Membership(user_id=officer.id, organization_id=dept.org.id, status="approved", manager=True))
    db.commit()
    register(client, dept.org)
    waiting = request_of(db, account(db))
    assert db.exec(select(Notification).where(Notification.user_id == officer.id)).all() == []
    client.cookies.clear()
    log_in(client, officer)
    assert page(client.get("/memberships")).select(".membership-request") == []
    assert post(client, f"/memberships/{waiting.id}/approve", "/memberships").status_code == 403
    assert request_of(db, account(db)).status == "pending" and account(db).organization_id is None


def test_a_manager_approves_requests_to_join_their_organization_only(client: TestClient, db: Session) -> None:
    company = make_org(db, kind="enterprise", name_vi="Công ty TNHH Tinh dầu Tràm Lộc Thủy")
    other = make_org(db, kind="cooperative", name_vi="HTX Nông nghiệp Phú Mỹ")
    manager = make_manager(db, company, full_name="Võ Thị Lài", email="lai.vt@locthuy.vn")
    register(client, company, role="enterprise")
    ours = request_of(db, account(db))
    stranger = make_user(db, None, role="enterprise", organization_id=None, email="tuan.nv@gmail.com")
    theirs = Membership(user_id=stranger.id, organization_id=other.id)
    db.add(theirs)
    db.commit()
    client.cookies.clear()
    log_in(client, manager)
    assert page(client.get("/")).select_one("nav.main-nav a[href$='/memberships'] .count").get_text() == "1"
    assert post(client, f"/memberships/{theirs.id}/approve", "/memberships").status_code == 403
    assert post(client, f"/memberships/{ours.id}/approve", "/memberships", manager="1").status_code == 303
    joined = request_of(db, account(db))
    assert account(db).organization_id == company.id and joined.decided_by_id == manager.id
    assert joined.manager is False  # only staff make managers


def test_a_member_who_is_not_a_manager_answers_no_requests(client: TestClient, db: Session) -> None:
    company = make_org(db, kind="enterprise", name_vi="Công ty CP Sen Huế")
    log_in(client, make_user(db, company, role="enterprise"))
    assert page(client.get("/")).select_one("nav.main-nav a[href$='/memberships']") is None
    assert client.get("/memberships").status_code == 403


def test_a_request_is_answered_once(client: TestClient, db: Session) -> None:
    dept = make_department(db)
    register(client, dept.org)
    waiting = request_of(db, account(db))
    client.cookies.clear()
    log_in(client, dept.staff)
    post(client, f"/memberships/{waiting.id}/refuse", "/memberships", reason="Không rõ danh tính.")
    post(client, f"/memberships/{waiting.id}/approve", "/memberships")
    error = page(client.get("/memberships")).select_one(".notice.error").get_text(strip=True)
    assert error == "Yêu cầu này đã được trả lời."
    assert account(db).organization_id is None and request_of(db, account(db)).status == "refused"


def test_a_refusal_with_too_long_a_reason_or_already_answered_returns_to_the_queue_with_why(
    client: TestClient, db: Session
) -> None:
    dept = make_department(db)
    register(client, dept.org)
    waiting = request_of(db, account(db))
    client.cookies.clear()
    log_in(client, dept.staff)
    too_long = post(client, f"/memberships/{waiting.id}/refuse", "/memberships", reason="Không rõ danh tính. " * 60)
    assert too_long.status_code == 303 and too_long.headers["location"] == "/memberships"
    html = page(client.get("/memberships"))
    assert (
        html.select_one(".notice.error").get_text(strip=True) == "Vui lòng viết không quá 1.000 ký tự (hiện có 1.199)."
    )
    assert request_of(db, account(db)).status == "pending" and html.select(".membership-request")
    post(client, f"/memberships/{waiting.id}/approve", "/memberships")
    again = post(client, f"/memberships/{waiting.id}/refuse", "/memberships", reason="Không rõ danh tính.")
    assert again.status_code == 303 and again.headers["location"] == "/memberships"
    error = page(client.get("/memberships")).select_one(".notice.error").get_text(strip=True)
    assert error == "Yêu cầu này đã được trả lời."
    assert request_of(db, account(db)).status == "approved"


def test_withdrawing_a_request_then_asking_to_join_another_organization(client: TestClient, db: Session) -> None:
    dept = make_department(db)
    hospital = make_org(db, kind="hospital", name_vi="Bệnh viện Trung ương Huế")
    register(client, dept.org)
    first = request_of(db, account(db))
    html = page(client.get("/account/organization"))
    assert html.select_one("form[action$='/account/organization']") is None  # one request at a time
    assert post(client, f"/memberships/{first.id}/withdraw", "/me").status_code == 303
    form = {"organization_mode": "existing", "organization_id": str(hospital.id)}
    assert post(client, "/account/organization", "/account/organization", **form).status_code == 303
    second = request_of(db, account(db))
    assert (second.organization_id, second.status) == (hospital.id, "pending")
    assert db.get(Membership, first.id).status == "withdrawn"
    assert "Bệnh viện Trung ương Huế" in notice_text(page(client.get("/me")))


def test_an_account_without_an_organization_registers_one_later_and_manages_it(client: TestClient, db: Session) -> None:
    person = make_user(db, None, role="enterprise", organization_id=None, full_name="Trần Thị Mỹ Duyên")
    log_in(client, person)
    form = {"organization_mode": "new", "new_organization_name": "HTX Hương trầm Thủy Xuân",
            "new_organization_kind": "cooperative"}  # fmt: skip
    assert post(client, "/account/organization", "/account/organization", **form).status_code == 303
    org = db.exec(select(Organization).where(Organization.name_vi == "HTX Hương trầm Thủy Xuân")).one()
    assert account(db, person.email).organization_id == org.id and not org.verified
    assert request_of(db, person).manager is True


def test_staff_make_a_member_manager_and_remove_a_member(client: TestClient, db: Session) -> None:
    company = make_org(db, kind="enterprise", name_vi="Công ty TNHH Trà cung đình Huế")
    member = make_user(db, company, role="enterprise", full_name="Nguyễn Hữu Phước", email="phuoc.nh@tracungdinh.vn")
    staff = make_user(db, role="staff")
    log_in(client, staff)
    path = f"/organizations/{company.id}"
    rows = page(client.get(path)).select("#people .person-row")
    assert [r.select_one(".row-title").get_text() for r in rows] == ["Nguyễn Hữu Phước"]
    post(client, f"{path}/people/{member.id}/manager", path, manager="1")
    shown = page(client.get(path))
    assert shown.select_one("#people .badge.verified").get_text() == "Người quản lý"
    assert (
        "Nguyễn Hữu Phước từ nay duyệt yêu cầu gia nhập Công ty TNHH Trà cung đình Huế và sửa hồ sơ" in shown.get_text()
    )
    reason = "Ông Phước đã nghỉ việc tại công ty từ tháng 10/2026."
    assert post(client, f"{path}/people/{member.id}/remove", path, reason=reason).status_code == 303
    assert account(db, member.email).organization_id is None
    actions = db.exec(
        select(AuditLog.action).where(col(AuditLog.action).startswith("membership.")).order_by(col(AuditLog.id))
    ).all()
    assert actions == ["membership.manager", "membership.remove"]
    told = db.exec(select(OutboxMail).where(OutboxMail.to == member.email)).one()
    assert reason in told.body


def test_members_of_another_organization_cannot_change_its_people(client: TestClient, db: Session) -> None:
    company = make_org(db, kind="enterprise")
    member = make_user(db, company, role="enterprise")
    log_in(client, make_user(db, company, role="enterprise"))
    path = f"/organizations/{company.id}"
    assert post(client, f"{path}/people/{member.id}/remove", path).status_code == 403
    assert account(db, member.email).organization_id == company.id


def test_the_audit_log_names_the_person_and_the_organization(client: TestClient, db: Session) -> None:
    dept = make_department(db)
    register(client, dept.org)
    client.cookies.clear()
    log_in(client, dept.staff)
    html = page(client.get("/audit?entity=membership"))
    row = html.select_one("table.audit-log tbody tr")
    assert "xin gia nhập một tổ chức" in row.get_text()
    assert f"Phạm Văn Khánh → {DEPARTMENT}" in row.select_one(".audit-record").get_text()


def test_the_register_form_says_joining_a_listed_organization_is_a_request(client: TestClient, db: Session) -> None:
    make_department(db)
    hints = [p.get_text(strip=True) for p in page(client.get("/register")).select("fieldset p.hint")]
    assert hints[0].startswith("Gia nhập một tổ chức đã có trong danh sách là một yêu cầu: cán bộ Sở")
    options = [o.get_text() for o in page(client.get("/register")).select("#f-new_organization_kind option")]
    assert "Cơ quan nhà nước" not in options  # nobody registers a new government body


def demo_log_in(client: TestClient, email: str) -> None:
    data = {"email": email, "password": "HueDemo2026!", "csrf_token": csrf_of(client)}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303


def test_demo_accounts_keep_their_organizations_and_a_demo_request_waits(seeded_client: TestClient) -> None:
    for email in ("researcher@demo.hue.vn", "enterprise@demo.hue.vn", "staff@demo.hue.vn", "admin@demo.hue.vn"):
        seeded_client.cookies.clear()
        demo_log_in(seeded_client, email)
        html = page(seeded_client.get("/me"))
        assert notice_text(html) == "", email
        if email.startswith(("researcher", "enterprise")):
            assert html.select("#listings .listing-row"), email
    # the enterprise demo account manages Medipharco, where a demo request to join waits
    seeded_client.cookies.clear()
    demo_log_in(seeded_client, "enterprise@demo.hue.vn")
    cards = page(seeded_client.get("/memberships")).select(".membership-request .card-title")
    assert [c.get_text(strip=True) for c in cards] == ["Lê Quang Minh"]


def test_demo_managers_edit_their_organizations_profile_and_other_members_do_not(
    seeded_client: TestClient, seeded_engine: Engine
) -> None:
    with Session(seeded_engine) as session:
        org_of = {o.key: o.id for o in session.exec(select(Organization)).all()}
    for email, key in (("researcher@demo.hue.vn", "hu-med"), ("enterprise@demo.hue.vn", "medipharco")):
        seeded_client.cookies.clear()
        demo_log_in(seeded_client, email)
        html = page(seeded_client.get(f"/organizations/{org_of[key]}"))
        assert html.select_one(".org-tools a[href$='/edit']").get_text() == "Sửa hồ sơ", email
        assert seeded_client.get(f"/organizations/{org_of[key]}/edit").status_code == 200, email
    seeded_client.cookies.clear()
    demo_log_in(seeded_client, "qa.medipharco@demo.hue.vn")  # a member of Medipharco, not a manager
    assert page(seeded_client.get(f"/organizations/{org_of['medipharco']}")).select_one(".org-tools") is None
    assert seeded_client.get(f"/organizations/{org_of['medipharco']}/edit").status_code == 403
