"""Documents of a collaboration: its parties and staff keep the NDA, the contract, minutes, the acceptance
report and invoices with the deal; nobody else learns they exist."""

from contextlib import contextmanager
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from marketplace import board, collaboration_documents, personal_data
from marketplace.attachments import MAX_BYTES
from marketplace.models import AuditLog, Collaboration, CollaborationDocument, Notification, Organization, User
from tests.builders import PASSWORD, csrf_of, make_user, page
from tests.pipeline.conftest import client_for, make_collab

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TITLE = "Hợp đồng chuyển giao công nghệ chưng cất tinh dầu tràm"


logged_in = contextmanager(client_for)  # `with logged_in(app, user) as client:` for one more person


def parties(db: Session, collab: Collaboration) -> tuple[User, User]:
    """A researcher of the provider and an employee of the seeker."""
    provider, seeker = db.get(Organization, collab.provider_org_id), db.get(Organization, collab.seeker_org_id)
    researcher = make_user(db, provider, full_name="TS. Hoàng Minh Tâm")
    buyer = make_user(db, seeker, role="enterprise", full_name="Nguyễn Thị Thu Hà")
    return researcher, buyer


def upload(client: TestClient, collab: Collaboration, content: bytes | None = PDF, name: str = "Hợp đồng số 12.pdf",
           **fields: str):  # type: ignore[no-untyped-def]  # fmt: skip
    path = f"/collaborations/{collab.id}"
    data = {"csrf_token": csrf_of(client, path), "title": TITLE, "kind": "contract"} | fields
    files = {"file": (name, content, "application/pdf")} if content is not None else None
    return client.post(f"{path}/documents", data=data, files=files, follow_redirects=False)


def stored(db: Session) -> list[CollaborationDocument]:
    db.expire_all()
    return list(db.exec(select(CollaborationDocument).order_by(col(CollaborationDocument.id))).all())


def file_path(document: CollaborationDocument) -> str:
    return f"/collaboration-documents/{document.id}/{quote(document.filename)}"


@pytest.fixture
def collab(db: Session, staff: User) -> Collaboration:
    return make_collab(db, stage="agreement_signed", broker=staff)


def test_a_party_adds_a_pdf_that_the_other_party_and_staff_open(
    app: FastAPI, db: Session, collab: Collaboration, staff_client: TestClient
) -> None:
    researcher, buyer = parties(db, collab)
    with logged_in(app, researcher) as client:
        response = upload(client, collab)
        assert response.status_code == 303
        assert response.headers["location"] == f"/collaborations/{collab.id}#documents"
        shown = page(client.get(f"/collaborations/{collab.id}"))
        assert shown.select_one("#documents .notice.success").get_text() == "Đã thêm “Hợp đồng số 12.pdf”."
    (document,) = stored(db)
    assert (document.kind, document.title, document.filename, document.uploaded_by_id) == (
        "contract", TITLE, "Hợp đồng số 12.pdf", researcher.id,
    )  # fmt: skip
    with logged_in(app, buyer) as client:
        item = page(client.get(f"/collaborations/{collab.id}")).select_one("#documents .attachment")
        assert item.select_one(".attachment-title").get_text() == TITLE
        assert item.select_one(".badge").get_text() == "Hợp đồng"
        assert "TS. Hoàng Minh Tâm" in item.select_one(".document-added").get_text()
        assert item.select_one("form") is None  # the other party may not remove it
        opened = client.get(item.select_one(".attachment-title")["href"])
        assert opened.status_code == 200 and opened.content == PDF
        assert opened.headers["content-type"] == "application/pdf"
        assert opened.headers["content-disposition"].startswith("inline; ")
        assert "filename*=UTF-8''H%E1%BB%A3p%20%C4%91%E1%BB%93ng" in opened.headers["content-disposition"]
        assert opened.headers["cache-control"] == "private, max-age=600"
    assert staff_client.get(file_path(document)).content == PDF


def test_an_outsider_and_a_visitor_get_404_for_the_files(
    app: FastAPI, db: Session, collab: Collaboration, staff_client: TestClient, client: TestClient
) -> None:
    assert upload(staff_client, collab).status_code == 303
    (document,) = stored(db)
    outsider = make_user(db, full_name="Trần Quang Vinh")
    with logged_in(app, outsider) as other:
        assert other.get(file_path(document)).status_code == 404
        assert other.get(f"/collaboration-documents/{document.id}/preview").status_code == 404
        assert other.get(f"/collaborations/{collab.id}").status_code == 404
        token = csrf_of(other, "/")
        removing = other.post(f"/collaboration-documents/{document.id}/delete", data={"csrf_token": token})
        assert removing.status_code == 404
        adding = other.post(f"/collaborations/{collab.id}/documents", data={"csrf_token": token, "kind": "nda"},
                            files={"file": ("nda.pdf", PDF, "application/pdf")})  # fmt: skip
        assert adding.status_code == 404
    assert client.get(file_path(document)).status_code == 404
    assert len(stored(db)) == 1


def test_whoever_added_a_document_and_staff_may_remove_it_but_not_the_other_party(
    app: FastAPI, db: Session, collab: Collaboration, staff_client: TestClient
) -> None:
    researcher, buyer = parties(db, collab)
    with logged_in(app, researcher) as client:
        upload(client, collab, title="Biên bản họp ngày 5/11", kind="minutes")
        upload(client, collab, title="Thỏa thuận bảo mật", kind="nda")
    first, second = stored(db)
    with logged_in(app, buyer) as client:
        token = csrf_of(client, f"/collaborations/{collab.id}")
        assert client.post(f"/collaboration-documents/{first.id}/delete", data={"csrf_token": token}).status_code == 403
    with logged_in(app, researcher) as client:
        token = csrf_of(client, f"/collaborations/{collab.id}")
        response = client.post(f"/collaboration-documents/{first.id}/delete", data={"csrf_token": token},
                               follow_redirects=False)  # fmt: skip
        assert response.status_code == 303
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    assert (
        staff_client.post(f"/collaboration-documents/{second.id}/delete", data={"csrf_token": token}).status_code == 200
    )
    assert stored(db) == []


def test_removing_needs_the_csrf_token(
    app: FastAPI, db: Session, collab: Collaboration, staff_client: TestClient
) -> None:
    upload(staff_client, collab)
    (document,) = stored(db)
    assert staff_client.post(f"/collaboration-documents/{document.id}/delete").status_code == 403
    assert len(stored(db)) == 1


@pytest.mark.parametrize(
    ("content", "fields", "field", "message"),
    [
        (None, {}, "file", "Vui lòng chọn tệp cần đính kèm."),
        (b"", {}, "file", "Vui lòng chọn tệp cần đính kèm."),
        (b"MZ\x90\x00 not a document", {}, "file", "Không thể đính kèm loại tệp này."),
        (PDF + b"0" * MAX_BYTES, {}, "file", "tối đa 10 MB"),
        (PDF, {"title": "Hợp đồng " * 30}, "title", "không quá 200 ký tự"),
        (PDF, {"kind": "hóa đơn giả"}, "kind", "Vui lòng chọn một trong các mục có sẵn."),
        (PDF, {"kind": ""}, "kind", "Vui lòng chọn loại tài liệu."),
    ],
    ids=["no-file", "empty-file", "wrong-type", "too-large", "long-title", "unknown-kind", "no-kind"],
)
def test_bad_input_is_explained_beside_its_field_and_the_typed_values_kept(
    db: Session, collab: Collaboration, staff_client: TestClient, content: bytes | None, fields: dict[str, str],
    field: str, message: str,
) -> None:  # fmt: skip
    response = upload(staff_client, collab, content, **fields)
    assert response.status_code == 422
    shown = page(response)
    assert message in shown.select_one(f"#e-doc-{field}").get_text()
    assert shown.select_one("#documents details")["open"] is not None
    assert shown.select_one("#doc-title")["value"] == fields.get("title", TITLE)
    kind = fields.get("kind", "contract")
    selected = shown.select_one("#doc-kind option[selected]")
    assert (selected["value"] if selected else "") == (kind if kind in collaboration_documents.KINDS else "")
    assert stored(db) == []


def test_a_wrong_file_and_an_unknown_kind_are_told_together(
    db: Session, collab: Collaboration, staff_client: TestClient
) -> None:
    shown = page(upload(staff_client, collab, b"MZ\x90\x00 not a document", kind="hợp đồng"))
    assert shown.select_one("#e-doc-file") is not None and shown.select_one("#e-doc-kind") is not None
    assert stored(db) == []


def test_a_collaboration_holds_at_most_twenty_documents(
    db: Session, collab: Collaboration, staff_client: TestClient, staff: User
) -> None:
    for n in range(collaboration_documents.MAX_PER_COLLABORATION):
        collaboration_documents.add(
            db, staff, collab, content=PDF, filename=f"hoa-don-{n}.pdf", data={"kind": "invoice"}
        )
    shown = page(staff_client.get(f"/collaborations/{collab.id}"))
    assert shown.select_one("#documents form[enctype]") is None
    response = upload(staff_client, collab, title="Hóa đơn thứ 21", kind="invoice")
    assert response.status_code == 422
    assert "tối đa 20 tài liệu" in page(response).select_one("#e-doc-file").get_text()
    assert page(response).select_one("#doc-title")["value"] == "Hóa đơn thứ 21"
    assert len(stored(db)) == 20


def test_adding_tells_the_other_party_and_the_broker_not_the_own_colleagues(
    app: FastAPI, db: Session, collab: Collaboration, staff: User
) -> None:
    researcher, buyer = parties(db, collab)
    colleague = make_user(db, db.get(Organization, collab.provider_org_id), full_name="ThS. Lê Văn Hùng")
    with logged_in(app, researcher) as client:
        upload(client, collab, title="Biên bản nghiệm thu", kind="acceptance")
    db.expire_all()
    notices = db.exec(select(Notification)).all()
    assert {n.user_id for n in notices} == {buyer.id, staff.id}
    assert colleague.id not in {n.user_id for n in notices}
    assert all(n.link == f"/collaborations/{collab.id}" for n in notices)
    assert notices[0].params["document"] == "Biên bản nghiệm thu"


def test_adding_and_removing_are_in_the_audit_log_and_the_timeline(
    db: Session, collab: Collaboration, staff_client: TestClient, staff: User
) -> None:
    upload(staff_client, collab, title="Hóa đơn GTGT số 0042", kind="invoice")
    (document,) = stored(db)
    token = csrf_of(staff_client, f"/collaborations/{collab.id}")
    staff_client.post(f"/collaboration-documents/{document.id}/delete", data={"csrf_token": token})
    db.expire_all()
    entries = db.exec(select(AuditLog).where(col(AuditLog.action).startswith("collaboration.document"))).all()
    assert [(e.action, e.actor_id, e.entity, e.entity_id, e.detail["file"]) for e in entries] == [
        ("collaboration.document_add", staff.id, "collaboration", collab.id, "Hợp đồng số 12.pdf"),
        ("collaboration.document_remove", staff.id, "collaboration", collab.id, "Hợp đồng số 12.pdf"),
    ]
    timeline = page(staff_client.get(f"/collaborations/{collab.id}")).select(".timeline-entry .timeline-what")
    texts = [t.get_text(" ", strip=True) for t in timeline]
    assert "Đã thêm tài liệu “Hóa đơn GTGT số 0042” Hóa đơn" in texts
    assert "Đã gỡ tài liệu “Hóa đơn GTGT số 0042” Hóa đơn" in texts
    log = page(staff_client.get("/audit?entity=collaboration")).get_text()
    assert "đã thêm một tài liệu vào hợp tác" in log


def test_the_section_reads_in_english(app: FastAPI, db: Session, collab: Collaboration, staff: User) -> None:
    with logged_in(app, staff) as client:
        client.cookies.set("lang", "en")
        upload(client, collab, kind="nda", title="Non-disclosure agreement, signed")
        shown = page(client.get(f"/collaborations/{collab.id}"))
    section = shown.select_one("#documents")
    assert section.select_one("h2").get_text() == "Documents"
    assert section.select_one(".badge").get_text() == "Non-disclosure agreement"
    assert section.select_one("summary").get_text() == "Add a document…"
    assert [o.get_text() for o in section.select("#doc-kind option")][1:] == [
        "Contract", "Non-disclosure agreement", "Meeting minutes", "Acceptance report", "Invoice", "Other document",
    ]  # fmt: skip


def test_an_uploader_may_delete_their_account_and_the_document_stays(
    app: FastAPI, db: Session, collab: Collaboration, staff_client: TestClient
) -> None:
    researcher, _buyer = parties(db, collab)
    with logged_in(app, researcher) as client:
        upload(client, collab)
    personal_data.delete_account(db, researcher, {"password": PASSWORD})
    (document,) = stored(db)
    assert document.uploaded_by_id == researcher.id
    shown = page(staff_client.get(f"/collaborations/{collab.id}"))
    assert shown.select_one("#documents .attachment-title").get_text() == TITLE
    assert staff_client.get(file_path(document)).status_code == 200


def test_the_demo_deal_on_cajeput_oil_keeps_the_technology_profile(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        collab = session.exec(select(Collaboration).where(Collaboration.key == "collab-028")).one()
        (document,) = session.exec(
            select(CollaborationDocument).where(CollaborationDocument.collaboration_id == collab.id)
        ).all()
        uploader = session.get(User, document.uploaded_by_id)
        assert (collab.stage, document.media_type, document.filename) == (
            "agreement_signed", "application/pdf", "ho-so-cong-nghe-tinh-dau-tram.pdf",
        )  # fmt: skip
        assert uploader is not None and uploader.organization_id == collab.provider_org_id


def test_the_demo_deals_document_is_in_its_audit_log_and_timeline_when_it_was_added(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        collab = session.exec(select(Collaboration).where(Collaboration.key == "collab-028")).one()
        document = session.exec(
            select(CollaborationDocument).where(CollaborationDocument.collaboration_id == collab.id)
        ).one()
        (entry,) = session.exec(
            select(AuditLog).where(AuditLog.entity == "collaboration", AuditLog.entity_id == collab.id,
                                   col(AuditLog.action).startswith("collaboration.document"))
        ).all()  # fmt: skip
        assert (entry.action, entry.actor_id, entry.at) == (
            "collaboration.document_add", document.uploaded_by_id, document.created_at,
        )  # fmt: skip
        assert entry.detail == {
            "document": document.id, "kind": "other", "title": "Hồ sơ công nghệ kèm hợp đồng li-xăng (phụ lục 1)",
            "file": "ho-so-cong-nghe-tinh-dau-tram.pdf",
        }  # fmt: skip
        uploader = session.get_one(User, document.uploaded_by_id)
        added = [e for e in board.timeline(session, collab) if e.kind == "document_add"]
        assert [(e.author, e.text, e.document_kind) for e in added] == [
            (uploader.full_name, "Hồ sơ công nghệ kèm hợp đồng li-xăng (phụ lục 1)", "other")
        ]
