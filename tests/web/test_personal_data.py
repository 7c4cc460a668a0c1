"""A person downloads what the exchange holds about them, and deletes their account."""

import json

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import attachments, collaboration_documents, notifications, saved_searches
from marketplace.collaborations import open_collaboration
from marketplace.models import (
    AuditLog,
    ExpertiseProfile,
    Inquiry,
    MatchProposal,
    Membership,
    Organization,
    SavedSearch,
    User,
)
from marketplace.search import read_query
from tests.builders import csrf_of, log_in, make_need, make_offer, make_org, make_user, page


def researcher_with_a_history(db: Session) -> tuple[User, Inquiry, MatchProposal]:
    org = make_org(db, name_vi="Viện Công nghệ Sinh học")
    user = make_user(db, org, full_name="TS. Hoàng Thị Mai", phone="0905 123 456", email="mai.ht@vcnsh.vn")
    db.add(Membership(user_id=user.id, organization_id=org.id, status="approved"))
    db.add(ExpertiseProfile(user_id=user.id, summary="Lên men vi sinh", keywords=["men vi sinh", "nấm linh chi"]))
    saved_searches.follow(db, user, read_query({"q": ["nấm linh chi"]})[0])
    offer = make_offer(db, make_org(db, kind="enterprise", name_vi="Công ty Nấm Huế"))
    inquiry = Inquiry(listing_kind="offer", listing_id=offer.id, sender_id=user.id, sender_org_id=org.id,
                      recipient_org_id=offer.organization_id, message="Chúng tôi muốn thử quy trình này.")  # fmt: skip
    proposal = MatchProposal(need_id=make_need(db).id, expert_id=user.id, score=0.6, terms=["nấm linh chi"])
    db.add_all([inquiry, proposal])
    notifications.notify(db, user.id, "Your profile has been saved.")
    db.commit()
    return user, inquiry, proposal


def test_a_member_downloads_what_the_exchange_holds_about_them(client: TestClient, db: Session) -> None:
    user, inquiry, _ = researcher_with_a_history(db)
    make_user(db, full_name="Người khác", email="nguoi.khac@demo.hue.vn")
    log_in(client, user)
    response = client.get("/account/data.json")
    assert response.headers["content-disposition"] == 'attachment; filename="hue-exchange-my-data.json"'
    data = json.loads(response.text)
    assert data["account"] | {"created_at": None, "last_login_at": None} == {
        "email": "mai.ht@vcnsh.vn", "full_name": "TS. Hoàng Thị Mai", "phone": "0905 123 456", "language": "vi",
        "role": "researcher", "organization": "Viện Công nghệ Sinh học", "created_at": None, "last_login_at": None,
        "two_step_verification": False, "mail_notices": "each",
    }  # fmt: skip
    assert data["expertise_profile"]["keywords"] == ["men vi sinh", "nấm linh chi"]
    assert [m["organization"] for m in data["memberships"]] == ["Viện Công nghệ Sinh học"]
    assert [s["search"] for s in data["saved_searches"]] == ["“nấm linh chi”"]
    assert [(i["title"], i["message"]) for i in data["inquiries_sent"]] == [
        ("Quy trình chưng cất tinh dầu tràm đạt chuẩn 1,8-cineole", "Chúng tôi muốn thử quy trình này.")
    ]
    assert [n["text"] for n in data["notifications"]] == ["Đã lưu hồ sơ của bạn."]
    assert "login" in [a["action"] for a in data["actions"]]
    assert "nguoi.khac" not in response.text


def test_a_wrong_password_keeps_the_account(client: TestClient, db: Session) -> None:
    user, _, _ = researcher_with_a_history(db)
    log_in(client, user)
    refused = client.post("/account/delete", data={"csrf_token": csrf_of(client, "/account"), "password": "đoán thử"})
    assert refused.status_code == 422
    html = page(refused)
    assert (
        html.select_one("#e-password").get_text(strip=True)
        == "Mật khẩu không đúng. Tài khoản của bạn vẫn được giữ nguyên."
    )
    assert html.select_one("details.delete-account").has_attr("open")
    db.refresh(user)
    assert (user.full_name, user.is_active) == ("TS. Hoàng Thị Mai", True)
    assert client.get("/me").status_code == 200


def test_deleting_an_account_keeps_the_records_of_others_and_nothing_that_says_who_it_was(
    client: TestClient, db: Session
) -> None:
    user, inquiry, proposal = researcher_with_a_history(db)
    user_id, inquiry_id, proposal_id = user.id, inquiry.id, proposal.id
    log_in(client, user)
    assert page(client.get("/search", params={"q": "hoang thi mai"})).select(".search-hit.expert")
    response = client.post(
        "/account/delete", data={"csrf_token": csrf_of(client, "/account"), "password": "mật-khẩu-thử-2026"}
    )
    assert page(response).select_one(".notice.success").get_text(strip=True) == (
        "Tài khoản của bạn đã được xóa. Cảm ơn bạn đã sử dụng Sàn."
    )
    assert client.get("/me", follow_redirects=False).status_code == 303  # logged out
    db.expire_all()
    gone = db.get(User, user_id)
    assert (gone.full_name, gone.email, gone.phone, gone.is_active, gone.organization_id) == (
        "Người dùng đã xóa",
        f"deleted-{user.id}@deleted.invalid",
        None,
        False,
        None,
    )
    for model in (ExpertiseProfile, Membership, SavedSearch):
        assert db.exec(select(model).where(model.user_id == user_id)).all() == []
    assert db.get(MatchProposal, proposal_id) is None
    assert db.get(Inquiry, inquiry_id).message == "Chúng tôi muốn thử quy trình này."  # the organization's record
    assert not page(client.get("/search", params={"q": "hoang thi mai"})).select(".search-hit.expert")
    assert db.exec(select(AuditLog.actor_id).where(AuditLog.action == "user.delete")).all() == [user_id]
    form = {"email": "mai.ht@vcnsh.vn", "password": "mật-khẩu-thử-2026", "csrf_token": csrf_of(client)}
    assert client.post("/login", data=form, follow_redirects=False).status_code != 303  # cannot log in again


def test_staff_accounts_are_closed_by_an_administrator(client: TestClient, db: Session) -> None:
    staff = make_user(db, role="staff")
    log_in(client, staff)
    html = page(client.get("/account"))
    assert html.select_one("details.delete-account") is None
    token = csrf_of(client, "/account")
    assert (
        client.post("/account/delete", data={"csrf_token": token, "password": "mật-khẩu-thử-2026"}).status_code == 403
    )
    db.refresh(staff)
    assert staff.is_active


def test_the_download_lists_the_files_a_member_added_without_their_bytes(client: TestClient, db: Session) -> None:
    user, _, _ = researcher_with_a_history(db)
    partner = make_org(db, kind="enterprise", name_vi="Công ty TNHH Tinh dầu Lộc Thủy")
    offer = make_offer(db, db.get(Organization, user.organization_id), title="Chưng cất tinh dầu tràm gió")
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    data = {"title": "Hồ sơ công nghệ chưng cất", "audience": "contacts"}
    attachments.add(db, user, offer, content=pdf, filename="ho-so-cong-nghe.pdf", data=data)
    deal = open_collaboration(db, provider_org_id=user.organization_id, seeker_org_id=partner.id,  # type: ignore[arg-type]
                              title="Chuyển giao quy trình chưng cất tinh dầu tràm", stage="negotiating", actor_id=None)  # fmt: skip
    db.commit()
    data = {"title": "Biên bản họp ngày 12/11", "kind": "minutes"}
    collaboration_documents.add(db, user, deal, content=pdf, filename="bien-ban-hop.pdf", data=data)
    someone_else = make_user(db, partner, full_name="Nguyễn Văn Lộc")
    data = {"title": "Báo giá của Lộc Thủy", "kind": "other"}
    collaboration_documents.add(db, someone_else, deal, content=pdf, filename="bao-gia.pdf", data=data)
    log_in(client, user)
    response = client.get("/account/data.json")
    exported = json.loads(response.text)
    (listing_file,) = exported["listing_files_added"]
    assert listing_file | {"added_at": None} == {
        "title": "Hồ sơ công nghệ chưng cất", "file": "ho-so-cong-nghe.pdf", "type": "application/pdf",
        "size_bytes": len(pdf), "added_at": None, "listing": f"offer {offer.id}",
        "listing_title": "Chưng cất tinh dầu tràm gió", "shown_to": "contacts", "approved": False,
    }  # fmt: skip
    (document,) = exported["collaboration_documents_added"]
    assert document | {"added_at": None} == {
        "title": "Biên bản họp ngày 12/11", "file": "bien-ban-hop.pdf", "type": "application/pdf",
        "size_bytes": len(pdf), "added_at": None, "kind": "minutes", "collaboration": f"collaboration {deal.id}",
        "collaboration_title": "Chuyển giao quy trình chưng cất tinh dầu tràm",
    }  # fmt: skip
    assert document["added_at"] is not None
    assert "%PDF" not in response.text and "JVBER" not in response.text  # nor the bytes in base64
