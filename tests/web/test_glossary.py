"""The Department's glossary page: staff read, filter, add and take out terms; search and the matcher
follow the change; the shipped file is the glossary until the first change."""

import csv
import io

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import matchmaking
from marketplace.models import AuditLog, GlossaryTerm, User
from marketplace.search import SearchQuery, find, service
from marketplace.search.synonyms import read_glossary
from marketplace.web import glossary as glossary_page
from matching.text import fold
from tests.builders import csrf_of, log_in, make_offer, make_org, make_user, page
from tests.conftest import SEED_DIR

SHIPPED = read_glossary(SEED_DIR / "glossary.csv")
assert SHIPPED is not None
GOTU_KOLA = {"vi": "rau má", "en": "gotu kola"}


@pytest.fixture
def staff(db: Session) -> User:
    return make_user(db, role="staff", email="thuat.ngu@sokhcn.hue.gov.vn", full_name="Hoàng Thị Thu Trang")


@pytest.fixture
def staff_client(app: FastAPI, staff: User) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    assert log_in(client, staff).status_code == 303
    return client


def post(client: TestClient, path: str, **fields: str) -> object:
    return client.post(path, data={"csrf_token": csrf_of(client, "/glossary")} | fields, follow_redirects=True)


def shown_pairs(client: TestClient, path: str = "/glossary") -> list[tuple[str, str]]:
    rows = page(client.get(path)).select("table.glossary tbody tr")
    return [(r.select("td")[0].get_text(), r.select("td")[1].get_text()) for r in rows if len(r.select("td")) == 3]


def test_staff_read_the_shipped_glossary_and_find_terms_without_accents(staff_client: TestClient) -> None:
    html = page(staff_client.get("/glossary"))
    assert html.select_one("h1").get_text() == "Bảng thuật ngữ Việt – Anh"
    assert html.select_one(".result-count").get_text(" ", strip=True).startswith(f"{len(SHIPPED)} thuật ngữ")
    pages = -(-len(SHIPPED) // glossary_page.PER_PAGE)
    assert html.select_one(".pager-where").get_text() == f"Trang 1/{pages}"
    every = [
        fold(vi.lower()) for n in range(1, pages + 1) for vi, _ in shown_pairs(staff_client, f"/glossary?page={n}")
    ]
    assert every == sorted(every) and len(every) == len(SHIPPED)  # đ among the d's, not after z
    assert len(shown_pairs(staff_client)) == glossary_page.PER_PAGE
    found = shown_pairs(staff_client, "/glossary?q=tinh dau")
    assert found and all("tinh dầu" in vi.lower() for vi, _ in found)
    assert ("tinh dầu tràm", "cajeput oil") in [(vi.lower(), en.lower()) for vi, en in found]


def test_only_staff_open_the_glossary(client: TestClient, db: Session) -> None:
    assert client.get("/glossary", follow_redirects=False).status_code in (303, 401)
    log_in(client, make_user(db, make_org(db), email="nha.nghien.cuu@hueuni.edu.vn"))
    refused = client.get("/glossary")
    assert refused.status_code == 403
    assert client.post("/glossary", data={"csrf_token": csrf_of(client, "/me"), **GOTU_KOLA}).status_code == 403


def test_a_term_added_joins_the_whole_glossary_in_the_table_and_the_log(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    answer = post(staff_client, "/glossary", vi=" Rau má ", en="gotu kola")
    assert answer.status_code == 200
    html = page(answer)
    assert html.select_one(".notice.success").get_text() == "Đã thêm: “Rau má = gotu kola”."
    stored = db.exec(select(GlossaryTerm.vi, GlossaryTerm.en)).all()
    assert len(stored) == len(SHIPPED) + 1 and ("Rau má", "gotu kola") in stored  # the file came along
    logged = db.exec(select(AuditLog).where(AuditLog.action == "glossary.add")).one()
    assert (logged.actor_id, logged.detail) == (staff.id, {"vi": "Rau má", "en": "gotu kola"})
    assert "Rau má = gotu kola" in page(staff_client.get("/audit")).get_text()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"vi": "rau má", "en": ""}, "en", "Vui lòng nhập trường này."),
        ({"vi": "rau má", "en": "x" * 121}, "en", "Vui lòng viết không quá 120 ký tự (hiện có 121)."),
        ({"vi": "—…—", "en": "gotu kola"}, "vi", "Vui lòng viết thuật ngữ có chữ hoặc số."),
        (
            {"vi": "TINH DẦU TRÀM", "en": "Cajeput Oil"},
            "vi",
            "“TINH DẦU TRÀM = Cajeput Oil” đã có trong bảng thuật ngữ.",
        ),
    ],
)
def test_a_term_that_cannot_be_added_is_refused_with_what_was_typed_kept(
    staff_client: TestClient, fields: dict[str, str], field: str, message: str
) -> None:
    answer = staff_client.post("/glossary", data={"csrf_token": csrf_of(staff_client, "/glossary")} | fields)
    assert answer.status_code == 422
    html = page(answer)
    assert html.select_one(f"#e-{field}").get_text() == message
    assert [html.select_one(f"#f-{name}")["value"] for name in ("vi", "en")] == [fields["vi"], fields["en"]]


def test_a_term_taken_out_is_gone_and_an_unknown_one_is_reported(staff_client: TestClient, db: Session) -> None:
    vi, en = SHIPPED.entries[0].vi, SHIPPED.entries[0].en
    answer = post(staff_client, "/glossary/remove", vi=vi, en=en)
    assert page(answer).select_one(".notice.success").get_text() == f"Đã bỏ: “{vi} = {en}”."
    assert (vi, en) not in shown_pairs(staff_client)
    assert len(db.exec(select(GlossaryTerm)).all()) == len(SHIPPED) - 1
    again = staff_client.post(
        "/glossary/remove", data={"csrf_token": csrf_of(staff_client, "/glossary"), "vi": vi, "en": en}
    )
    assert again.status_code == 422
    assert page(again).select_one(".notice.error").get_text() == f"“{vi} = {en}” không có trong bảng thuật ngữ."


def test_the_last_term_stays(staff_client: TestClient, db: Session, staff: User) -> None:
    db.add(GlossaryTerm(vi="tràm", en="cajeput", added_by_id=staff.id))
    db.commit()
    answer = staff_client.post(
        "/glossary/remove", data={"csrf_token": csrf_of(staff_client, "/glossary"), "vi": "tràm", "en": "cajeput"}
    )
    assert answer.status_code == 422 and shown_pairs(staff_client) == [("tràm", "cajeput")]


def test_the_glossary_downloads_as_csv_in_the_shipped_format(staff_client: TestClient) -> None:
    post(staff_client, "/glossary", **GOTU_KOLA)
    answer = staff_client.get("/glossary.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["vi", "en"] and ["rau má", "gotu kola"] in rows and len(rows) == len(SHIPPED) + 2


def test_search_and_the_matcher_follow_a_term_added(
    staff_client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An English query finds a Vietnamese listing once the Department pairs the words."""
    monkeypatch.setattr(service, "GLOSSARY_CHECK_SECONDS", 0.0)
    make_offer(db, title="Trà túi lọc rau má sấy lạnh từ vùng trồng Quảng Điền", keywords=["trà thảo mộc"])
    assert find(db, SearchQuery(text="gotu kola"), None).total == 0
    before = matchmaking.glossary(db)
    post(staff_client, "/glossary", **GOTU_KOLA)
    hits = find(db, SearchQuery(text="gotu kola"), None).hits
    assert [h.title.striptags() for h in hits] == ["Trà túi lọc rau má sấy lạnh từ vùng trồng Quảng Điền"]
    after = matchmaking.glossary(db)
    assert after is not before and after is not None
    assert "gotu kola" in after.expand("Trà túi lọc rau má") and "gotu kola" not in before.expand("Trà rau má")


def upload(client: TestClient, content: bytes, name: str = "thuat-ngu.csv") -> object:
    return client.post(
        "/glossary/import",
        data={"csrf_token": csrf_of(client, "/glossary")},
        files={"file": (name, content, "text/csv")},
        follow_redirects=True,
    )


def test_staff_import_terms_from_the_downloaded_format_and_search_follows(
    staff_client: TestClient, db: Session, staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "GLOSSARY_CHECK_SECONDS", 0.0)
    make_offer(db, title="Gotu kola extract standardised to asiaticoside")
    lines = ["vi,en", "Rau má,gotu kola", "mè đen,black sesame", "tinh dầu tràm,cajeput oil", "rau má,Gotu Kola", ""]
    answer = upload(staff_client, ("\ufeff" + "\r\n".join(lines)).encode("utf-8"))  # as Excel saves CSV UTF-8
    assert answer.status_code == 200
    told = page(answer).select_one(".notice.success").get_text()
    assert told == "Đã nhập 2 thuật ngữ. 2 thuật ngữ đã có sẵn trong bảng."  # cajeput oil shipped; rau má twice
    assert "Bảng thuật ngữ đã thay đổi" in page(answer).select_one("#recalculation").get_text()  # proposals lag
    stored = db.exec(select(GlossaryTerm.vi, GlossaryTerm.en)).all()
    assert len(stored) == len(SHIPPED) + 2 and {("Rau má", "gotu kola"), ("mè đen", "black sesame")} <= set(stored)
    logged = db.exec(select(AuditLog).where(AuditLog.action == "glossary.import")).one()
    assert (logged.actor_id, logged.detail) == (staff.id, {"added": 2, "already": 2})
    assert "2 thuật ngữ được thêm, 2 đã có sẵn" in page(staff_client.get("/audit")).get_text()
    found = find(db, SearchQuery(text="rau ma "), None)
    assert [h.title.striptags() for h in found.hits] == ["Gotu kola extract standardised to asiaticoside"]


def test_an_import_with_a_wrong_line_adds_nothing_and_names_every_wrong_line(
    staff_client: TestClient, db: Session
) -> None:
    content = "vi,en\nrau má,gotu kola\n,black sesame\nmè đen\ncây,???\n".encode()
    answer = upload(staff_client, content)
    assert answer.status_code == 422
    told = page(answer).select_one("#import-errors")
    assert [li.get_text() for li in told.select("li")] == [
        "Dòng 3: Vui lòng nhập trường này.",
        "Dòng 4: Cần đúng hai cột: thuật ngữ tiếng Việt, rồi tiếng Anh.",
        "Dòng 5: Vui lòng viết thuật ngữ có chữ hoặc số.",
    ]
    assert page(answer).select_one("details.glossary-import").has_attr("open")
    assert db.exec(select(GlossaryTerm)).all() == []  # not even the shipped file was copied


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Vui lòng chọn một tệp CSV."),
        ("vi,en\nrau má,gotu kola\n".encode("cp1258"), "Tệp không phải văn bản UTF-8."),
        ("Tiếng Việt,Tiếng Anh\nrau má,gotu kola\n".encode(), "Dòng đầu tiên phải là tên cột vi,en"),
        (b"vi,en\n\n", "Tệp không có thuật ngữ nào"),
        (b'vi,en\n"rau ma,gotu kola\n', "Không đọc được tệp này dưới dạng CSV."),
        (b"vi,en\n" + b"x" * 500_001, "Tệp lớn hơn 500 kB"),
    ],
)
def test_a_file_that_is_not_a_glossary_is_refused_with_a_reason(
    staff_client: TestClient, db: Session, content: bytes, message: str
) -> None:
    answer = upload(staff_client, content)
    assert answer.status_code == 422
    assert message in page(answer).select_one("#import-errors").get_text()
    assert db.exec(select(GlossaryTerm)).all() == []


def test_only_staff_import(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, make_org(db), email="doanh.nghiep@thaoduoc.vn"))
    answer = client.post(
        "/glossary/import",
        data={"csrf_token": csrf_of(client, "/me")},
        files={"file": ("a.csv", b"vi,en\nrau ma,gotu kola\n", "text/csv")},
    )
    assert answer.status_code == 403
    assert db.exec(select(GlossaryTerm)).all() == []


def test_a_term_taken_out_on_a_later_page_brings_the_reader_back_to_that_page(staff_client: TestClient) -> None:
    vi, en = shown_pairs(staff_client, "/glossary?page=2")[0]
    answer = staff_client.post(
        "/glossary/remove",
        data={"csrf_token": csrf_of(staff_client, "/glossary"), "vi": vi, "en": en, "q": "", "page": "2"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"].endswith("/glossary?page=2")
    assert (vi, en) not in shown_pairs(staff_client, answer.headers["location"])
    past_the_end = page(staff_client.get("/glossary?page=999"))
    last = -(-len(SHIPPED) // glossary_page.PER_PAGE)
    assert (
        past_the_end.select_one(".pager-where").get_text() == f"Trang {last}/{last}"
    )  # the last page, not an empty one
