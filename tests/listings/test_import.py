"""Importing offers and needs from a spreadsheet: reading the sheet, judging each row, permissions, confirming."""

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from marketplace import listing_import, listing_sheet
from marketplace.config import ROOT
from marketplace.errors import Forbidden, Invalid
from marketplace.i18n import current_locale
from marketplace.models import AuditLog, ListingEvent, Need, Offer, Organization, User
from marketplace.search.documents import search_document
from tests.builders import make_manager, make_offer, make_org, make_user, xlsx

TODAY = date(2026, 12, 3)
OFFER_HEADER = ["Tiêu đề *", "Lĩnh vực *", "Mức độ sẵn sàng công nghệ (TRL) *", "Tóm tắt", "Hình thức hợp tác"]
CAJEPUT = ["Quy trình chưng cất tinh dầu tràm đạt chuẩn 1,8-cineole", "Dược liệu", "6",
           "Chưng cất phân đoạn chân không cho tinh dầu tràm Phú Lộc ổn định chất lượng.", "Li-xăng; Tư vấn"]  # fmt: skip
CA_GAI_LEO = ["Cao khô cà gai leo hỗ trợ điều trị viêm gan", "duoc lieu", "TRL 5", "", "licence"]
LINH_CHI = ["Quy trình nuôi trồng nấm linh chi trên mùn cưa cao su", "biotech", 7, "", "Cùng phát triển"]


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Messages read in English here (the web tests read them in both languages)."""
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


@pytest.fixture
def institute(db: Session) -> Organization:
    return make_org(db, name_vi="Viện Công nghệ Sinh học, Đại học Huế")


@pytest.fixture
def manager(db: Session, institute: Organization) -> User:
    return make_manager(db, institute, role="researcher", full_name="PGS.TS. Lê Văn Khiêm")


@pytest.fixture
def staff(db: Session) -> User:
    return make_user(db, role="staff", full_name="Lê Thị Ngọc Ánh")


def preview(db: Session, user: User | None, organization: Organization, content: bytes, kind: str = "offer"):
    return listing_import.preview(db, user, organization_id=organization.id, kind=kind, content=content, today=TODAY)


def test_the_template_names_columns_in_vietnamese_with_their_keys_and_explains_the_allowed_values() -> None:
    book = load_workbook(io.BytesIO(listing_sheet.template("offer", "xlsx")))
    data, explained = book.worksheets
    assert [c.value for c in data[1]][:3] == ["Tiêu đề *", "Lĩnh vực *", "Mức độ sẵn sàng công nghệ (TRL) *"]
    assert [c.value for c in data[2]][:3] == ["title", "sector_code", "trl"]
    values = {(row[1], row[2]) for row in explained.iter_rows(values_only=True)}
    assert ("medicinal", "Dược liệu và sản phẩm tự nhiên") in values
    assert ("utility_solution", "Đã cấp bằng giải pháp hữu ích") in values
    assert ("6", "TRL 6 — đã trình diễn trong môi trường liên quan") in values


def test_the_filled_template_is_read_back_with_its_key_row_skipped(db: Session, manager: User) -> None:
    book = load_workbook(io.BytesIO(listing_sheet.template("need", "xlsx")))
    sheet = book.worksheets[0]
    sheet.append(["Cần quy trình nuôi tôm an toàn sinh học ở phá Tam Giang", "Thủy sản"])
    out = io.BytesIO()
    book.save(out)
    found = preview(db, manager, db.get_one(Organization, manager.organization_id), out.getvalue(), kind="need")
    assert [(row.line, row.fate) for row in found.rows] == [(3, "create")]


def test_headers_are_found_below_a_title_line_without_accents_and_an_unknown_column_is_left_aside(
    db: Session, manager: User, institute: Organization
) -> None:
    content = xlsx([["DANH MỤC KẾT QUẢ NGHIÊN CỨU NĂM 2025"], ["STT", "Ten ket qua nghien cuu", "Linh vuc", "TRL"],
                    [1, "Quy trình chưng cất tinh dầu tràm đạt chuẩn", "Dược liệu", 6]])  # fmt: skip
    found = preview(db, manager, institute, content)
    assert found.ignored == ["STT"]
    assert [(row.line, row.title, row.fate) for row in found.rows] == [
        (3, "Quy trình chưng cất tinh dầu tràm đạt chuẩn", "create")
    ]


def test_vocabularies_are_read_as_labels_codes_or_without_accents(db: Session, manager: User, institute: Organization) -> None:  # fmt: skip
    found = preview(db, manager, institute, xlsx([OFFER_HEADER, CAJEPUT, CA_GAI_LEO, LINH_CHI]))
    assert [row.fate for row in found.rows] == ["create", "create", "create"]
    parsed = [(r.parsed["sector_code"], r.parsed["trl"], r.parsed["collaboration_types"]) for r in found.rows]
    assert parsed == [
        ("medicinal", 6, ["licence", "consulting"]),
        ("medicinal", 5, ["licence"]),
        ("biotech", 7, ["joint_development"]),
    ]


def test_each_bad_cell_is_named_with_its_reference_and_the_row_is_refused(
    db: Session, manager: User, institute: Organization
) -> None:
    wrong = ["Tôm", "Hải sản nước lợ", "mười", "", "Góp vốn; bán đứt"]
    found = preview(db, manager, institute, xlsx([OFFER_HEADER, CAJEPUT, wrong]))
    assert [row.fate for row in found.rows] == ["create", "refused"]
    problems = {(cell, str(message)) for cell, _label, message in found.rows[1].problems}
    assert ("A3", "Please write at least 5 characters.") in problems
    assert ("B3", "“Hải sản nước lợ” is not one of the allowed values; the template's “How to fill in” sheet lists them.") in problems  # fmt: skip
    assert ("C3", "Please enter a whole number.") in problems
    assert ("E3", "“bán đứt” is not one of the allowed values; the template's “How to fill in” sheet lists them.") in problems  # fmt: skip


def test_a_formula_excel_never_computed_reads_as_an_empty_cell(db: Session, manager: User, institute: Organization) -> None:  # fmt: skip
    found = preview(db, manager, institute, xlsx([OFFER_HEADER, ['=CONCATENATE("Nấm ", "linh chi")', "biotech", 7]]))
    assert [(row.fate, [(cell, m.msgid) for cell, _, m in row.problems]) for row in found.rows] == [
        ("refused", [("A2", "This field is required.")])
    ]


def test_a_title_the_organization_already_has_or_that_repeats_in_the_file_is_skipped(
    db: Session, manager: User, institute: Organization
) -> None:
    make_offer(db, institute, title="Quy trình chưng cất tinh dầu tràm đạt chuẩn 1,8-cineole", status="draft")
    found = preview(db, manager, institute, xlsx([OFFER_HEADER, CAJEPUT, LINH_CHI, LINH_CHI]))
    assert [row.fate for row in found.rows] == ["duplicate", "create", "duplicate"]


def test_a_sheet_of_more_than_500_rows_is_refused_whole(db: Session, manager: User, institute: Organization) -> None:
    rows = [[f"Giống lúa chịu mặn số {n} cho vùng ven phá Tam Giang", "agri_food", 5] for n in range(501)]
    with pytest.raises(Invalid) as refused:
        preview(db, manager, institute, xlsx([OFFER_HEADER[:3], *rows]))
    assert str(refused.value.errors["file"]) == "A file may hold up to 500 listings; split it."


@pytest.mark.parametrize(
    ("content", "told"),
    [
        (b"", "Please choose a file: the one you sent is empty."),
        (b"x" * 2_000_001, "The file is larger than 2 MB; split it."),
        (
            b"PK\x03\x04" + b"\x00" * 200,
            "The workbook cannot be read: it may be damaged. Open it in Excel, save it again and send it once more.",
        ),
        (
            bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600,
            "This workbook is protected by a password, or saved in the old Excel 97–2003 format (.xls). Please remove the password and save it as an Excel workbook (.xlsx).",
        ),
        (b"%PDF-1.7\n" + b"0" * 100, "This file is neither an Excel workbook (.xlsx) nor a CSV file."),
        (
            b"Ti\xeau \xf0\xea\xcc,L\xe3nh v\xf9c\nTinh d\xe2\xcc u tr\xe0m,D\xf4\xf2\xf2c li\xea\xf2u\n",
            "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”, or send the .xlsx workbook.",
        ),
        (
            "Họ tên,Điện thoại\nNguyễn Văn An,0905123456\n".encode(),
            "The header row was not found: it must name at least the columns Tiêu đề, Lĩnh vực, Mức độ sẵn sàng công nghệ (TRL), as in the template. Is this the template for the right kind of listing?",
        ),
        (xlsx([OFFER_HEADER]), "The file holds no listing below its header row."),
    ],
    ids=["empty", "too-large", "corrupt", "protected", "pdf", "not-utf8", "wrong-header", "no-rows"],
)
def test_a_file_that_cannot_be_read_gets_a_clear_message(
    db: Session, manager: User, institute: Organization, content: bytes, told: str
) -> None:
    with pytest.raises(Invalid) as refused:
        preview(db, manager, institute, content)
    assert str(refused.value.errors["file"]) == told


def test_a_zip_bomb_is_refused_before_it_is_unpacked(db: Session, manager: User, institute: Organization) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\x00" * 70_000_000)
    with pytest.raises(Invalid) as refused:
        preview(db, manager, institute, out.getvalue())
    assert "damaged" in str(refused.value.errors["file"])


def test_a_utf8_csv_with_a_byte_order_mark_and_semicolons_is_read(db: Session, manager: User, institute: Organization) -> None:  # fmt: skip
    content = "\ufeffTiêu đề;Lĩnh vực;TRL\nMô hình nuôi tôm thẻ chân trắng trong ao lót bạt ở Tam Giang;Thủy sản;6\n"
    found = preview(db, manager, institute, content.encode())
    assert [(row.title, row.parsed.get("sector_code")) for row in found.rows] == [
        ("Mô hình nuôi tôm thẻ chân trắng trong ao lót bạt ở Tam Giang", "aquaculture")
    ]


def test_a_researcher_cannot_import_for_another_organization(db: Session, institute: Organization) -> None:
    researcher = make_user(db, make_org(db, name_vi="Trường Đại học Nông Lâm Huế"))
    with pytest.raises(Forbidden):
        preview(db, researcher, institute, xlsx([OFFER_HEADER, CAJEPUT]))


def test_a_member_who_is_not_a_manager_cannot_import_for_their_own_organization(db: Session, institute: Organization) -> None:  # fmt: skip
    with pytest.raises(Forbidden):
        preview(db, make_user(db, institute), institute, xlsx([OFFER_HEADER, CAJEPUT]))


def test_staff_import_for_any_organization(db: Session, staff: User, institute: Organization) -> None:
    assert preview(db, staff, institute, xlsx([OFFER_HEADER, CAJEPUT])).count("create") == 1


def test_confirming_creates_drafts_searchable_at_once_with_one_audit_entry(
    db: Session, manager: User, institute: Organization
) -> None:
    found = preview(db, manager, institute, xlsx([OFFER_HEADER, CAJEPUT, CA_GAI_LEO, ["Tôm"]]))
    rows = [(row.line, row.values) for row in found.rows if row.fate == "create"]
    done = listing_import.confirm(db, manager, organization_id=institute.id, kind="offer", rows=rows, today=TODAY,
                                  filename="danh-muc-2025.xlsx")  # fmt: skip
    offers = db.exec(select(Offer).where(Offer.organization_id == institute.id).order_by(Offer.id)).all()
    assert [(o.title, o.status, o.owner_id) for o in offers] == [
        (CAJEPUT[0], "draft", manager.id),
        (CA_GAI_LEO[0], "draft", manager.id),
    ]
    assert len(done.created) == 2
    entries = db.exec(select(AuditLog).where(AuditLog.action == "listing.import")).all()
    assert [e.detail for e in entries] == [
        {"kind": "offer", "created": 2, "duplicates": 0, "refused": 0, "file": "danh-muc-2025.xlsx"}
    ]
    assert db.exec(select(AuditLog).where(AuditLog.action == "listing.created")).all() == []
    events = db.exec(select(ListingEvent).where(ListingEvent.listing_id == offers[0].id)).all()
    assert [(e.action, e.to_status, e.note) for e in events] == [("created", "draft", "danh-muc-2025.xlsx")]
    indexed = db.execute(select(search_document.c.entity_id).where(search_document.c.kind == "offer")).scalars()
    assert set(indexed) == {o.id for o in offers}


def test_confirming_skips_a_row_imported_meanwhile(db: Session, manager: User, institute: Organization) -> None:
    found = preview(db, manager, institute, xlsx([OFFER_HEADER, CAJEPUT]))
    make_offer(db, institute, title=CAJEPUT[0], status="draft")
    rows = [(row.line, row.values) for row in found.rows]
    done = listing_import.confirm(db, manager, organization_id=institute.id, kind="offer", rows=rows, today=TODAY)
    assert (len(done.created), done.duplicates) == (0, 1)


def test_the_command_line_prints_each_row_and_creates_nothing_on_a_dry_run(
    db: Session, institute: Organization, database_url: str, tmp_path: Any
) -> None:
    path = tmp_path / "nhu-cau.xlsx"
    path.write_bytes(xlsx([["Tiêu đề", "Lĩnh vực", "Kinh phí đến (đồng)"],
                           ["Cần chế phẩm vi sinh xử lý nước ao nuôi tôm ở phá Tam Giang", "Thủy sản", "400.000.000"],
                           ["Cần máy", "Thủy sản", "nhiều"]]))  # fmt: skip
    env = os.environ | {"DATABASE_URL": database_url, "ENVIRONMENT": "test"}
    args = [sys.executable, "-m", "marketplace", "import-listings", str(path), "--organization", str(institute.id),
            "--kind", "need"]  # fmt: skip
    dry = subprocess.run([*args, "--dry-run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert dry.returncode == 0, dry.stderr
    assert "2\tcreate\tCần chế phẩm vi sinh xử lý nước ao nuôi tôm ở phá Tam Giang" in dry.stdout
    assert "3\trefused\tCần máy" in dry.stdout
    assert "\tC3\t" in dry.stdout
    assert db.exec(select(Need)).all() == []
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "drafts created: 1" in done.stdout
    db.expire_all()
    assert [(n.title, n.status, n.budget_max_vnd) for n in db.exec(select(Need)).all()] == [
        ("Cần chế phẩm vi sinh xử lý nước ao nuôi tôm ở phá Tam Giang", "draft", 400_000_000)
    ]


def test_an_upload_without_a_kind_or_an_organization_names_both_problems(db: Session, staff: User) -> None:
    with pytest.raises(Invalid) as refused:
        listing_import.preview(db, staff, organization_id="", kind="", content=b"", today=TODAY)
    assert set(refused.value.errors) == {"organization_id", "kind"}
