"""The titles of a listing's files are searched with it: only files the Department approved for everyone,
kept up to date by the commit that adds, approves, refuses or removes one (each backend of the contract)."""

from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from marketplace import attachments, listing_review
from marketplace.models import ListingAttachment, Offer, Organization, User
from tests.builders import make_offer, make_org, make_user, page
from tests.search.conftest import Backend

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LISTING = "Máy sấy hạt sen bằng bơm nhiệt cho hợp tác xã"


def attach(db: Session, user: User, offer: Offer, title: str, audience: str = "public") -> ListingAttachment:
    return attachments.add(
        db, user, offer, content=PDF, filename="tai-lieu.pdf", data={"title": title, "audience": audience}
    )


def member_of(db: Session, org: Organization) -> User:
    return make_user(db, org, full_name="Lê Văn Phúc")


def test_the_title_of_a_file_everyone_may_open_finds_its_listing(backend: Backend, db: Session) -> None:
    offer = make_offer(db, title=LISTING, keywords=["hạt sen"])
    attach(db, make_user(db, role="staff"), offer, "Sơ đồ quy trình sấy ở 45 °C")  # staff's files are approved at once
    assert backend.titles("so do quy trinh ") == [LISTING]
    assert backend.titles("sơ đồ quy trình sấy") == [LISTING]


def test_files_for_contacts_and_files_waiting_for_review_keep_their_titles_out_of_search(
    backend: Backend, db: Session
) -> None:
    org = make_org(db)
    offer = make_offer(db, org, title=LISTING, keywords=["hạt sen"])
    attach(db, make_user(db, role="staff"), offer, "Bảng giá chi tiết theo công suất", audience="contacts")
    attach(db, member_of(db, org), offer, "Biên bản kiểm định thiết bị")  # added to a published listing: waits
    assert backend.titles("bang gia chi tiet ") == []
    assert backend.titles("bien ban kiem dinh ") == []
    assert backend.titles("hat sen ") == [LISTING]


def test_approving_a_waiting_file_makes_its_title_searchable_and_removing_it_takes_it_out(
    backend: Backend, db: Session
) -> None:
    org = make_org(db)
    offer, member = make_offer(db, org, title=LISTING, keywords=["hạt sen"]), member_of(db, org)
    file = attach(db, member, offer, "Phiếu kiểm nghiệm độ ẩm hạt sen sau sấy")
    assert backend.titles("phieu kiem nghiem ") == []
    attachments.approve(db, make_user(db, role="staff"), file)
    assert backend.titles("phieu kiem nghiem ") == [LISTING]
    attachments.remove(db, member, file)
    assert backend.titles("phieu kiem nghiem ") == []


def test_a_refused_file_never_reaches_search_and_its_listing_keeps_its_other_files(
    backend: Backend, db: Session
) -> None:
    org = make_org(db)
    offer, staff = make_offer(db, org, title=LISTING, keywords=["hạt sen"]), make_user(db, role="staff")
    attach(db, staff, offer, "Hồ sơ công nghệ máy sấy")
    waiting = attach(db, member_of(db, org), offer, "Báo giá có số điện thoại riêng")
    attachments.refuse(db, staff, waiting, reason="Tệp chứa số điện thoại cá nhân, vui lòng gửi bản khác.")
    assert backend.titles("bao gia ") == []
    assert backend.titles("ho so cong nghe ") == [LISTING]


def test_files_sent_for_review_with_a_listing_are_searchable_once_it_is_published(
    backend: Backend, db: Session
) -> None:
    org = make_org(db)
    offer = make_offer(db, org, title=LISTING, keywords=["hạt sen"], status="submitted", published_at=None)
    attach(db, member_of(db, org), offer, "Sơ đồ lắp đặt buồng sấy")
    assert backend.titles("so do lap dat ") == []
    listing_review.approve_listing(db, make_user(db, role="staff"), offer, version=offer.version)
    assert backend.titles("so do lap dat ") == [LISTING]


def test_the_search_page_finds_the_demo_cajeput_offer_by_the_titles_of_its_files(
    seeded_client: TestClient, seeded_engine: Engine
) -> None:
    with Session(seeded_engine) as session:
        cajeput = session.exec(select(Offer).where(Offer.key == "off-m-001")).one()
        distiller = session.exec(select(Offer).where(Offer.key == "off-a-060")).one()

    def found(words: str) -> list[str]:
        hits = page(seeded_client.get("/search", params={"q": words})).select(".search-hit .card-title a")
        return [urlsplit(str(a["href"])).path for a in hits]

    assert f"/offers/{cajeput.id}" in found("hồ sơ công nghệ")
    assert found("so do quy trinh")[0] == f"/offers/{cajeput.id}"
    # the distiller's price list opens only for contacts: its title is shown on the page, never searched
    assert f"/offers/{distiller.id}" not in found("bảng thông số kỹ thuật và giá chi tiết")
