"""Files of offers and needs: added by the listing's managers, checked by the Department, opened by readers
the owner allows (everyone, or only the organizations whose inquiry it accepted)."""

import io
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from marketplace import attachments
from marketplace.config import get_settings
from marketplace.models import (
    AuditLog,
    Inquiry,
    ListingAttachment,
    ListingEvent,
    Need,
    Notification,
    Offer,
    Organization,
    User,
)
from tests.builders import csrf_of, make_need, make_offer, page, xlsx
from tests.listings.test_review import review_form, submitted_offer

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def photo(size: tuple[int, int] = (1200, 800), exif: bool = False) -> bytes:
    """A JPEG; with `exif`, one a phone would write: turned by its Orientation tag, with a GPS position."""
    image = Image.new("RGB", size, (90, 140, 60))
    tags = Image.Exif()
    if exif:
        tags[0x0112] = 6  # Orientation: the camera was turned; shown rotated 90°
        tags[0x8825] = {1: "N", 2: (16.0, 27.0, 50.0), 3: "E", 4: (107.0, 35.0, 20.0)}  # GPS: Huế
    out = io.BytesIO()
    image.save(out, "JPEG", exif=tags)
    return out.getvalue()


def upload(
    client: TestClient,
    listing_path: str,
    content: bytes,
    name: str = "Hồ sơ công nghệ.pdf",
    media_type: str = "application/pdf",
    **fields: str,
) -> object:
    data = {"csrf_token": csrf_of(client, listing_path), "title": "", "audience": "public"} | fields
    return client.post(
        f"{listing_path}/attachments", data=data, files={"file": (name, content, media_type)}, follow_redirects=False
    )


def stored(db: Session) -> list[ListingAttachment]:
    db.expire_all()
    return list(db.exec(select(ListingAttachment).order_by(ListingAttachment.id)).all())  # type: ignore[arg-type]


def test_a_file_of_a_listing_in_review_is_published_with_it(
    researcher_client: TestClient, staff_client: TestClient, client: TestClient, db: Session, institute: Organization
) -> None:
    offer = submitted_offer(db, institute)
    path = f"/offers/{offer.id}"
    response = upload(researcher_client, path, PDF, title="Hồ sơ công nghệ chưng cất tinh dầu tràm")
    assert response.status_code == 303 and response.headers["location"] == f"{path}#attachments"
    shown = page(researcher_client.get(path))
    assert shown.select_one(".attachments .notice.success").get_text() == (
        "Đã đính kèm “Hồ sơ công nghệ.pdf”. Sở sẽ kiểm tra tệp cùng với tin đăng."
    )
    item = shown.select_one(".attachment")
    assert item.select_one(".attachment-title").get_text() == "Hồ sơ công nghệ chưng cất tinh dầu tràm"
    assert "Tài liệu PDF · 1 kB · Hồ sơ công nghệ.pdf" in item.get_text(" ", strip=True)
    assert item.select_one(".badge.status-submitted").get_text() == "Được kiểm tra cùng tin đăng"
    (file,) = stored(db)
    assert (file.approved, file.media_type, file.size, file.content) == (False, "application/pdf", len(PDF), PDF)

    queued = page(staff_client.get("/review")).select_one(f"#review-offer-{offer.id} .review-files")
    assert "1 tệp đính kèm, công bố cùng tin đăng: Hồ sơ công nghệ chưng cất tinh dầu tràm" in queued.get_text(
        " ", strip=True
    )
    staff_client.post(f"/review/offer/{offer.id}/approve", data=review_form(staff_client, offer, "approve"))
    assert stored(db)[0].approved

    link = page(client.get(path)).select_one(".attachment-title")["href"]
    assert str(link).endswith(f"/attachments/{file.id}/{quote('Hồ sơ công nghệ.pdf')}")
    opened = client.get(str(link))
    assert opened.status_code == 200 and opened.content == PDF
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.headers["content-disposition"] == (
        "inline; filename=\"H_ s_ c_ng ngh_.pdf\"; filename*=UTF-8''H%E1%BB%93%20s%C6%A1%20c%C3%B4ng%20ngh%E1%BB%87.pdf"
    )
    assert opened.headers["x-content-type-options"] == "nosniff"


def test_a_file_added_to_a_published_listing_waits_for_the_department(
    researcher_client: TestClient,
    staff_client: TestClient,
    client: TestClient,
    db: Session,
    institute: Organization,
    researcher: User,
) -> None:
    offer = make_offer(db, institute, owner_id=researcher.id)
    path = f"/offers/{offer.id}"
    upload(researcher_client, path, photo(), "vuon-tram.jpg", "image/jpeg", title="Vườn tràm gió ở Phú Lộc")
    (file,) = stored(db)
    assert not file.approved
    assert page(client.get(path)).select_one("#attachments") is None  # the public sees nothing yet
    assert client.get(f"/attachments/{file.id}/vuon-tram.jpg").status_code == 404
    assert client.get(f"/attachments/{file.id}/preview").status_code == 404

    queue = page(staff_client.get("/review"))
    assert queue.select_one("a[href='#attachments']").get_text() == "1 tệp thêm vào tin đã đăng đang chờ bạn kiểm tra"
    waiting = queue.select_one(f"#attachments #file-{file.id}")
    assert "Vườn tràm gió ở Phú Lộc" in waiting.get_text()
    token = csrf_of(staff_client, "/review")
    response = staff_client.post(f"/attachments/{file.id}/approve", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303

    public = page(client.get(path)).select_one(".attachment")
    assert public.select_one(".attachment-title").get_text() == "Vườn tràm gió ở Phú Lộc"
    preview = client.get(str(public.select_one(".attachment-preview img")["src"]))
    assert preview.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(preview.content)).size == (640, 427)  # fits 640 × 480, proportions kept
    after = page(staff_client.get("/review"))
    assert (
        after.select_one("#attachments .notice.success").get_text() == "“vuon-tram.jpg” đã được hiển thị cùng tin đăng."
    )
    assert after.select("#attachments .attachment") == []
    (told,) = db.exec(select(Notification).where(Notification.user_id == researcher.id)).all()
    assert told.link == f"/offers/{offer.id}#attachments" and told.params["file"] == "vuon-tram.jpg"
    logged = db.exec(select(AuditLog.action).where(AuditLog.entity_id == offer.id)).all()
    assert "attachment.approve" in logged and "listing.attach" in logged


def test_staff_refuse_a_waiting_file_with_a_reason_the_owner_reads(
    researcher_client: TestClient, staff_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    offer = make_offer(db, institute, owner_id=researcher.id)
    upload(researcher_client, f"/offers/{offer.id}", PDF, "bao-gia.pdf")
    (file,) = stored(db)
    token = csrf_of(staff_client, "/review")
    short = staff_client.post(f"/attachments/{file.id}/refuse", data={"csrf_token": token, "reason": "ngắn"})
    assert len(stored(db)) == 1  # a reason too short keeps the file
    told = page(short).select_one("#attachments .notice.error").get_text()
    assert told == "Chưa gỡ “bao-gia.pdf”: Vui lòng viết ít nhất 10 ký tự."
    reason = "Tệp là bảng báo giá có số điện thoại cá nhân; vui lòng gửi hồ sơ công nghệ."
    staff_client.post(f"/attachments/{file.id}/refuse", data={"csrf_token": token, "reason": reason})
    assert stored(db) == []
    notice = db.exec(select(Notification).where(Notification.user_id == researcher.id)).one()
    assert notice.params["reason"] == reason and notice.params["file"] == "bao-gia.pdf"
    history = db.exec(select(ListingEvent.action, ListingEvent.note).where(ListingEvent.listing_id == offer.id)).all()
    assert history == [("attach", "bao-gia.pdf"), ("detach", f"bao-gia.pdf: {reason}")]


def test_a_photo_is_turned_upright_and_loses_its_gps_position(
    researcher_client: TestClient, db: Session, institute: Organization
) -> None:
    offer = make_offer(db, institute)
    upload(researcher_client, f"/offers/{offer.id}", photo((1200, 800), exif=True), "IMG_2031.JPG", "image/jpeg")
    (file,) = stored(db)
    kept = Image.open(io.BytesIO(file.content))
    assert kept.size == (800, 1200)  # turned as the Orientation tag said
    assert dict(kept.getexif()) == {}  # no orientation, no GPS
    assert file.filename == "IMG_2031.jpg" and file.title == "IMG_2031"


def test_an_office_document_downloads_under_its_own_name(
    researcher_client: TestClient, client: TestClient, db: Session, institute: Organization
) -> None:
    offer = submitted_offer(db, institute)
    content = xlsx([["Mẻ", "1,8-cineole (%)"]])
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    upload(researcher_client, f"/offers/{offer.id}", content, "../../Kết quả 12 mẻ.xlsx", xlsx_type)
    (file,) = stored(db)
    assert file.filename == "Kết quả 12 mẻ.xlsx" and file.media_type == xlsx_type
    opened = researcher_client.get(f"/attachments/{file.id}/{quote(file.filename)}")
    assert opened.headers["content-disposition"].startswith('attachment; filename="K_t qu_ 12 m_.xlsx"')
    assert client.get(f"/attachments/{file.id}/x.xlsx").status_code == 404  # a draft's file: not for the public


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "trong.pdf", "Vui lòng chọn tệp cần đính kèm."),
        (b"<html><script>alert(1)</script></html>", "ho-so.pdf", "Không thể đính kèm loại tệp này."),
        (b"MZ\x90\x00" + bytes(200), "setup.pdf", "Không thể đính kèm loại tệp này."),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "anh-hong.png", "Không đọc được ảnh này."),
        (PDF + bytes(attachments.MAX_BYTES), "lon.pdf", "Tệp này nặng 10 MB; mỗi tệp tối đa 10 MB."),
    ],
)
def test_a_refused_file_is_explained_and_the_title_typed_is_kept(
    researcher_client: TestClient, db: Session, institute: Organization, content: bytes, name: str, message: str
) -> None:
    offer = make_offer(db, institute)
    title = "Phiếu kiểm nghiệm GC-MS lô tháng 10"
    response = upload(researcher_client, f"/offers/{offer.id}", content, name, title=title, audience="contacts")
    assert response.status_code == 422  # type: ignore[attr-defined]
    form = page(response)  # type: ignore[arg-type]
    assert message in form.select_one("#e-att-file").get_text()
    assert form.select_one("#att-title")["value"] == title
    assert form.select_one("input[name=audience][value=contacts]").has_attr("checked")
    assert form.select_one("details.attach-box").has_attr("open")
    assert stored(db) == []


def test_a_body_far_over_the_limit_is_stopped_before_it_is_read(
    researcher_client: TestClient, db: Session, institute: Organization
) -> None:
    offer = make_offer(db, institute)
    response = upload(researcher_client, f"/offers/{offer.id}", PDF + bytes(attachments.MAX_BYTES * 3))
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert stored(db) == []


def test_a_long_title_and_the_eleventh_file_are_refused(
    researcher_client: TestClient, db: Session, institute: Organization
) -> None:
    offer = make_offer(db, institute)
    path = f"/offers/{offer.id}"
    long_title = page(upload(researcher_client, path, b"MZ" + bytes(64), "setup.exe", title="Hồ sơ " * 50))  # type: ignore[arg-type]
    assert "Vui lòng viết không quá 200 ký tự (hiện có 299)." in long_title.select_one("#e-att-title").get_text()
    assert "Không thể đính kèm loại tệp này." in long_title.select_one("#e-att-file").get_text()  # both told at once
    for n in range(attachments.MAX_PER_LISTING):
        assert upload(researcher_client, path, PDF, f"phu-luc-{n}.pdf").status_code == 303  # type: ignore[attr-defined]
    full = page(researcher_client.get(path)).select_one(".attachments > p.muted").get_text()
    assert full == "Tin đăng đã có 10 tệp, mức tối đa. Hãy gỡ một tệp để thêm tệp khác."
    eleventh = upload(researcher_client, path, PDF, "phu-luc-11.pdf")
    assert eleventh.status_code == 422  # type: ignore[attr-defined]
    assert len(stored(db)) == attachments.MAX_PER_LISTING


def test_only_the_listings_managers_add_and_remove_files(
    researcher_client: TestClient,
    outsider_client: TestClient,
    colleague_client: TestClient,
    db: Session,
    institute: Organization,
) -> None:
    offer = make_offer(db, institute)
    path = f"/offers/{offer.id}"
    assert upload(outsider_client, path, PDF).status_code == 403  # type: ignore[attr-defined]
    assert page(outsider_client.get(path)).select_one(".attach-box") is None
    upload(researcher_client, path, PDF, "quy-trinh.pdf")
    (file,) = stored(db)
    token = csrf_of(outsider_client, path)
    assert outsider_client.post(f"/attachments/{file.id}/delete", data={"csrf_token": token}).status_code == 403
    assert outsider_client.post(f"/attachments/{file.id}/approve", data={"csrf_token": token}).status_code == 403
    no_token = researcher_client.post(f"/attachments/{file.id}/delete", data={})
    assert no_token.status_code == 403 and len(stored(db)) == 1
    token = csrf_of(colleague_client, path)
    response = colleague_client.post(f"/attachments/{file.id}/delete", data={"csrf_token": token})
    assert response.status_code == 200 and stored(db) == []  # a colleague of the same organization may
    assert page(response).select_one(".attachments .notice.success").get_text() == "Đã gỡ “quy-trinh.pdf”."
    events = db.exec(select(ListingEvent.action).where(ListingEvent.listing_id == offer.id)).all()
    assert list(events) == ["attach", "detach"]


def test_a_file_for_contacts_opens_only_for_organizations_whose_inquiry_was_accepted(
    researcher_client: TestClient,
    staff_client: TestClient,
    outsider_client: TestClient,
    client: TestClient,
    db: Session,
    institute: Organization,
    outsider: User,
) -> None:
    offer = submitted_offer(db, institute)
    path = f"/offers/{offer.id}"
    upload(
        researcher_client, path, PDF, "thong-so-ky-thuat.pdf", title="Thông số kỹ thuật chi tiết", audience="contacts"
    )
    staff_client.post(f"/review/offer/{offer.id}/approve", data=review_form(staff_client, offer, "approve"))
    (file,) = stored(db)
    for reader in (client, outsider_client):
        item = page(reader.get(path)).select_one(".attachment")
        assert item.select_one("a") is None  # the title, without a link
        assert "Chỉ chia sẻ với tổ chức có bày tỏ quan tâm đã được chủ tin chấp nhận." in item.get_text()
        assert reader.get(f"/attachments/{file.id}/thong-so-ky-thuat.pdf").status_code == 404

    inquiry = Inquiry(
        listing_kind="offer",
        listing_id=offer.id,
        sender_id=outsider.id,
        sender_org_id=outsider.organization_id,
        recipient_org_id=institute.id,
        message="Công ty chúng tôi muốn thử quy trình cho vùng tràm A Lưới.",
    )
    db.add(inquiry)
    db.commit()
    assert outsider_client.get(f"/attachments/{file.id}/thong-so-ky-thuat.pdf").status_code == 404  # still pending
    inquiry.status = "accepted"
    db.add(inquiry)
    db.commit()
    assert outsider_client.get(f"/attachments/{file.id}/thong-so-ky-thuat.pdf").content == PDF
    item = page(outsider_client.get(path)).select_one(".attachment")
    assert item.select_one(".badge").get_text() == "Chỉ dành cho đối tác đã kết nối"
    assert client.get(f"/attachments/{file.id}/thong-so-ky-thuat.pdf").status_code == 404


def test_the_api_names_a_listings_files_and_hides_the_address_of_those_for_contacts(
    researcher_client: TestClient, staff_client: TestClient, client: TestClient, db: Session, institute: Organization
) -> None:
    offer = submitted_offer(db, institute)
    upload(researcher_client, f"/offers/{offer.id}", PDF, "ho-so.pdf", title="Hồ sơ công nghệ")
    upload(researcher_client, f"/offers/{offer.id}", PDF, "bao-gia.pdf", title="Báo giá chi tiết", audience="contacts")
    assert client.get(f"/api/v1/offers/{offer.id}").status_code == 404  # not published yet
    staff_client.post(f"/review/offer/{offer.id}/approve", data=review_form(staff_client, offer, "approve"))
    public, kept = stored(db)
    files = client.get(f"/api/v1/offers/{offer.id}").json()["attachments"]
    assert files == [
        {"title": "Hồ sơ công nghệ", "filename": "ho-so.pdf", "media_type": "application/pdf", "size": len(PDF),
         "contacts_only": False, "url": f"http://testserver/attachments/{public.id}/ho-so.pdf"},
        {"title": "Báo giá chi tiết", "filename": "bao-gia.pdf", "media_type": "application/pdf", "size": len(PDF),
         "contacts_only": True, "url": None},
    ]  # fmt: skip


def test_the_attachment_form_speaks_english_too(
    researcher_client: TestClient, db: Session, institute: Organization
) -> None:
    offer = make_offer(db, institute, language="en", title="Cajeput oil fractional distillation")
    html = page(researcher_client.get(f"/offers/{offer.id}?lang=en"))
    assert html.select_one("#attachments-title").get_text() == "Documents and pictures"
    assert html.select_one("#att-file-hint").get_text() == (
        "PDF, a picture (JPEG, PNG, WebP) or an Office document; up to 10 MB a file, 10 files a listing."
    )
    assert "Files added to a published listing are shown once the Department has checked them." in html.get_text()


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/Hồ sơ công nghệ.exe", "Hồ sơ công nghệ.pdf"),
        ("C:\\Users\\Lan\\Báo cáo.PDF", "Báo cáo.pdf"),
        ('<script>"a"</script>.pdf', "script.pdf"),
        ('báo "giá" <mới>?.pdf', "báo giá mới.pdf"),
        ("", "tep-dinh-kem.pdf"),
        ("...", "tep-dinh-kem.pdf"),
    ],
)
def test_a_files_name_keeps_its_letters_and_loses_its_folders(name: str, kept: str) -> None:
    assert attachments.safe_filename(name, "pdf") == kept


def test_sizes_are_written_the_readers_way() -> None:
    assert attachments.human_size(850_000) == "850 kB"
    assert attachments.human_size(1_240_000) == "1,2 MB"


def test_the_files_waiting_for_review_are_listed_with_their_listings_in_as_many_queries_however_many_wait(
    staff_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    def add(listing: Offer | Need, title: str) -> None:
        attachments.add(
            db, researcher, listing, content=PDF, filename="tai-lieu.pdf", data={"title": title, "audience": "public"}
        )

    def statements_for_queue() -> int:
        seen: list[str] = []
        engine = db.get_bind()
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            staff_client.get("/review")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    in_review = submitted_offer(db, institute, title="Chế phẩm vi sinh ủ phân từ rơm rạ")
    add(in_review, "Kết quả thử nghiệm ủ phân tại Quảng Điền")  # reviewed with its listing, not in this section
    cajeput = make_offer(db, institute, title="Chưng cất tinh dầu tràm gió Phú Lộc")
    add(cajeput, "Phiếu kiểm nghiệm 1,8-cineol")
    add(make_need(db, institute, title="Cần máy sấy lạnh cho hạt sen"), "Bản vẽ buồng sấy hiện có")
    staff_client.get("/review")  # the first page a process serves also asks whether demo data is loaded
    few = statements_for_queue()
    add(make_offer(db, institute, title="Nước mắm Tam Giang giảm mặn"), "Quy trình lên men ngắn ngày")
    add(make_need(db, institute, title="Cần bao bì giữ tươi thanh trà"), "Yêu cầu kỹ thuật bao bì")
    add(cajeput, "Sơ đồ quy trình chưng cất phân đoạn")
    assert statements_for_queue() == few

    items = page(staff_client.get("/review")).select("#attachments .attachment")
    shown = [
        (i.select_one(".attachment-title").get_text(), i.select("a")[1].get_text(), i.select("a")[1]["href"])
        for i in items
    ]
    assert [(title, listing) for title, listing, _ in shown] == [
        ("Phiếu kiểm nghiệm 1,8-cineol", "Chưng cất tinh dầu tràm gió Phú Lộc"),
        ("Bản vẽ buồng sấy hiện có", "Cần máy sấy lạnh cho hạt sen"),
        ("Quy trình lên men ngắn ngày", "Nước mắm Tam Giang giảm mặn"),
        ("Yêu cầu kỹ thuật bao bì", "Cần bao bì giữ tươi thanh trà"),
        ("Sơ đồ quy trình chưng cất phân đoạn", "Chưng cất tinh dầu tràm gió Phú Lộc"),
    ]
    assert str(shown[1][2]).endswith("#attachments") and "/needs/" in str(shown[1][2])
    assert str(shown[4][2]).endswith(f"/offers/{cajeput.id}#attachments")


def test_the_queue_reads_the_files_of_its_listings_at_once(
    staff_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    def statements_for_queue() -> int:
        seen: list[str] = []
        engine = db.get_bind()
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            staff_client.get("/review")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    def sent_with_a_file(title: str, file: str) -> Offer:
        offer = submitted_offer(db, institute, title=title)
        attachments.add(
            db, researcher, offer, content=PDF, filename="ho-so.pdf", data={"title": file, "audience": "public"}
        )
        return offer

    sent_with_a_file("Chế phẩm vi sinh ủ phân từ rơm rạ", "Kết quả ủ thử tại Quảng Điền")
    staff_client.get("/review")  # the first page a process serves also asks whether demo data is loaded
    few = statements_for_queue()
    sent_with_a_file("Màng sinh học từ tinh bột sắn bảo quản thanh trà", "Phiếu đo độ tươi sau 14 ngày")
    sent_with_a_file("Bẫy pheromone cho sâu đục quả bưởi", "Ảnh bẫy đặt trong vườn")
    assert statements_for_queue() == few
    shown = page(staff_client.get("/review")).select(".review-item .review-files")
    assert ["Ảnh bẫy đặt trong vườn" in s.get_text() for s in shown] == [False, False, True]


def test_the_demo_cajeput_offer_carries_its_technology_profile_and_diagram(
    seeded_client: TestClient, seeded_engine: Engine
) -> None:
    with Session(seeded_engine) as session:
        offer = session.exec(select(Offer).where(Offer.key == "off-m-001")).one()
        distiller = session.exec(select(Offer).where(Offer.key == "off-a-060")).one()
    items = page(seeded_client.get(f"/offers/{offer.id}")).select(".attachment")
    assert [i.select_one(".attachment-title").get_text() for i in items] == [
        "Hồ sơ công nghệ: chưng cất phân đoạn tinh dầu tràm (2 trang)",
        "Sơ đồ quy trình chưng cất phân đoạn",
    ]
    profile = seeded_client.get(str(items[0].select_one("a.attachment-title")["href"]))
    assert profile.content.startswith(b"%PDF-") and profile.headers["content-type"] == "application/pdf"
    diagram = seeded_client.get(str(items[1].select_one(".attachment-preview img")["src"]))
    assert Image.open(io.BytesIO(diagram.content)).format == "JPEG"
    locked = page(seeded_client.get(f"/offers/{distiller.id}")).select_one(".attachment")
    assert locked.select_one("a") is None and "Bảng tính Excel" in locked.get_text()


def test_the_audit_log_says_what_was_done_with_files(
    researcher_client: TestClient, staff_client: TestClient, db: Session, institute: Organization
) -> None:
    offer = make_offer(db, institute)
    upload(researcher_client, f"/offers/{offer.id}", PDF, "ho-so.pdf")
    (file,) = stored(db)
    staff_client.post(f"/attachments/{file.id}/approve", data={"csrf_token": csrf_of(staff_client, "/review")})
    rows = page(staff_client.get(f"/audit?entity=offer&record={offer.id}")).select("table tbody tr")
    said = " ".join(r.get_text(" ", strip=True) for r in rows)
    assert "đính kèm tệp vào tin đăng" in said and "duyệt tệp của tin đăng" in said


def test_the_listing_form_says_where_files_are_attached(
    researcher_client: TestClient, db: Session, institute: Organization
) -> None:
    hint = page(researcher_client.get("/offers/new")).select_one(".attach-hint").get_text(" ", strip=True)
    assert hint.startswith("Sau khi lưu tin, bạn có thể đính kèm tài liệu và hình ảnh")
    offer = make_offer(db, institute, status="draft", published_at=None)
    link = page(researcher_client.get(f"/offers/{offer.id}/edit")).select_one(".attach-hint a")
    assert link.get_text() == "đính kèm tệp" and str(link["href"]).endswith(f"/offers/{offer.id}#attachments")


def test_staff_see_in_the_menu_how_much_waits_for_their_check(
    researcher_client: TestClient, staff_client: TestClient, db: Session, institute: Organization
) -> None:
    def waiting() -> str:
        link = page(staff_client.get("/")).select_one("nav a[href$='/review'] .count")
        return link.get_text()

    assert waiting() == "0"
    submitted_offer(db, institute)
    upload(researcher_client, f"/offers/{make_offer(db, institute).id}", PDF)
    assert waiting() == "2"  # a listing to review and a file added to a published one
    assert page(researcher_client.get("/")).select_one("nav a[href$='/review']") is None


def test_a_shared_link_shows_the_first_picture_everyone_may_open(
    researcher_client: TestClient, staff_client: TestClient, client: TestClient, db: Session, institute: Organization
) -> None:
    offer = submitted_offer(db, institute)
    path = f"/offers/{offer.id}"
    upload(researcher_client, path, PDF, "ho-so.pdf")
    upload(researcher_client, path, photo(), "noi-bo.jpg", "image/jpeg", audience="contacts")
    upload(researcher_client, path, photo(), "san-pham.jpg", "image/jpeg")
    staff_client.post(f"/review/offer/{offer.id}/approve", data=review_form(staff_client, offer, "approve"))
    _, _, product = stored(db)
    html = page(client.get(path))
    base = get_settings().PUBLIC_BASE_URL.rstrip("/")
    image = f"{base}/attachments/{product.id}/preview"
    assert html.select_one('meta[property="og:image"]')["content"] == image
    assert html.select_one('meta[name="twitter:card"]')["content"] == "summary_large_image"
    assert client.get(image.removeprefix(base)).headers["content-type"] == "image/jpeg"
    plain = make_offer(db, institute, title="Tin không có ảnh")
    assert page(client.get(f"/offers/{plain.id}")).select_one('meta[property="og:image"]') is None


def test_lists_and_search_say_which_listings_carry_files(
    researcher_client: TestClient, staff_client: TestClient, client: TestClient, db: Session, institute: Organization
) -> None:
    offer = submitted_offer(db, institute, title="Chưng cất tinh dầu tràm gió có hồ sơ công nghệ")
    make_offer(db, institute, title="Chưng cất tinh dầu tràm gió chưa có tài liệu")
    for n in range(2):
        upload(researcher_client, f"/offers/{offer.id}", PDF, f"ho-so-{n}.pdf")
    staff_client.post(f"/review/offer/{offer.id}/approve", data=review_form(staff_client, offer, "approve"))
    cards = page(client.get("/offers")).select(".listing-card")
    said = {c.select_one(".card-title").get_text(strip=True): c.select_one(".card-files") for c in cards}
    assert said["Chưng cất tinh dầu tràm gió có hồ sơ công nghệ"].get_text() == "2 tài liệu, hình ảnh"
    assert said["Chưng cất tinh dầu tràm gió chưa có tài liệu"] is None
    hits = page(client.get("/search?q=chung+cat+tinh+dau+tram+gio")).select(".search-hit")
    found = {" ".join(h.select_one(".card-title").get_text().split()): h.select_one(".card-files") for h in hits}
    assert found["Chưng cất tinh dầu tràm gió có hồ sơ công nghệ"].get_text() == "2 tài liệu, hình ảnh"
    assert found["Chưng cất tinh dầu tràm gió chưa có tài liệu"] is None
