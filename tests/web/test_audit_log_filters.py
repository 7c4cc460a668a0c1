"""The Department follows up a record's changes in the audit log: links, filters, pages, export."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from marketplace import audit
from marketplace.collaborations import open_collaboration
from marketplace.models import AuditLog, ExpertiseProfile, Inquiry, MatchProposal, User
from tests.builders import log_in, make_need, make_offer, make_org, make_user, page

HUE = timedelta(hours=7)


@pytest.fixture
def staff(db: Session) -> User:
    return make_user(db, role="staff", full_name="Lê Thị Ngọc Ánh", email="ngoc.anh@sokhcn.hue.gov.vn")


@pytest.fixture
def staff_client(client: TestClient, staff: User) -> Iterator[TestClient]:
    assert log_in(client, staff).status_code == 303
    yield client


def entry(db: Session, *, at: datetime | None = None, **values: Any) -> AuditLog:
    """An audit entry written straight to the log (with a chosen moment)."""
    log = AuditLog(**({"action": "listing.edit", "entity": "offer"} | values))
    if at is not None:
        log.at = at
    db.add(log)
    db.commit()
    return log


def record_cells(response: Any) -> list[Any]:
    return page(response).select("tbody td.audit-record")


def numbers(response: Any) -> list[int]:
    """The record numbers of the rows shown, top to bottom."""
    return [int(re.search(r"#(\d+)", c.get_text()).group(1)) for c in record_cells(response)]


def hrefs(cell: Any) -> list[str]:
    return [a["href"] for a in cell.select("a") if "audit-history" not in (a.get("class") or [])]


def test_each_kind_of_record_links_to_the_page_that_shows_it(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    org = make_org(db, name_vi="Công ty TNHH Tinh dầu Tràm Huế")
    offer, need = make_offer(db, org), make_need(db, org)
    collab = open_collaboration(db, provider_org_id=org.id, seeker_org_id=make_org(db).id, stage="contacted",
                                actor_id=staff.id, title="Chuyển giao quy trình chưng cất tinh dầu tràm")  # fmt: skip
    expert = make_user(db, org, full_name="PGS.TS. Trần Văn Thảo")
    db.add(ExpertiseProfile(user_id=expert.id, summary="Chiết xuất hoạt chất từ cây dược liệu"))
    inquiry = Inquiry(listing_kind="need", listing_id=need.id, sender_id=expert.id, recipient_org_id=org.id)
    proposal = MatchProposal(need_id=need.id, offer_id=offer.id, score=0.8)
    db.add_all([inquiry, proposal])
    db.commit()
    expected = {
        ("offer", offer.id): f"/offers/{offer.id}",
        ("need", need.id): f"/needs/{need.id}",
        ("organization", org.id): f"/organizations/{org.id}",
        ("collaboration", collab.id): f"/collaborations/{collab.id}",
        ("user", expert.id): f"/experts/{expert.id}",
        ("inquiry", inquiry.id): f"/needs/{need.id}",  # staff read the listing the inquiry is about
        ("matchproposal", proposal.id): f"/needs/{need.id}",
    }
    for entity, entity_id in expected:
        if entity != "collaboration":
            entry(db, entity=entity, entity_id=entity_id, actor_id=staff.id)
    for (entity, entity_id), path in expected.items():
        cells = record_cells(staff_client.get("/audit", params={"entity": entity, "record": entity_id}))
        assert len(cells) == 1, entity
        assert [h.split("testserver")[-1] for h in hrefs(cells[0])] == [path], entity
        assert staff_client.get(path).status_code == 200, path


def test_a_record_that_was_removed_keeps_its_label_without_a_link(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    offer = make_offer(db)
    entry(db, entity="offer", entity_id=offer.id, actor_id=staff.id)
    db.delete(offer)
    db.commit()
    [cell] = record_cells(staff_client.get("/audit", params={"entity": "offer"}))
    assert hrefs(cell) == []
    assert f"Chào bán công nghệ #{offer.id}" in cell.get_text()
    assert cell.select_one(".removed").get_text(strip=True) == "đã bị xóa"


def test_a_removed_record_is_named_by_the_title_its_entry_kept(staff_client: TestClient, db: Session) -> None:
    entry(db, entity="collaboration", entity_id=404, detail={"title": "Chuyển giao quy trình sấy hạt sen"})
    [cell] = record_cells(staff_client.get("/audit", params={"entity": "collaboration"}))
    assert hrefs(cell) == []
    assert "Chuyển giao quy trình sấy hạt sen" in cell.get_text() and cell.select_one(".removed")


def test_an_account_without_a_public_profile_is_named_but_not_linked(staff_client: TestClient, db: Session) -> None:
    researcher = make_user(db, full_name="Nguyễn Thị Hồng Nhung")
    entry(db, entity="user", entity_id=researcher.id, action="update_profile", actor_id=researcher.id)
    [cell] = record_cells(staff_client.get("/audit", params={"entity": "user", "record": researcher.id}))
    assert hrefs(cell) == []
    assert "Nguyễn Thị Hồng Nhung" in cell.get_text()
    assert cell.select_one(".removed") is None


def test_the_actor_filter_shows_only_that_persons_changes(staff_client: TestClient, db: Session, staff: User) -> None:
    other = make_user(db, role="staff", full_name="Hoàng Minh Quân")
    entry(db, entity_id=1, actor_id=staff.id)
    entry(db, entity_id=2, actor_id=other.id)
    entry(db, entity_id=3, actor_id=None, action="listing.expired")
    html = page(staff_client.get("/audit", params={"entity": "offer"}))
    options = [o.get_text(strip=True) for o in html.select("#f-actor option")]
    assert {"Lê Thị Ngọc Ánh", "Hoàng Minh Quân", "hệ thống"} <= set(options)
    response = staff_client.get("/audit", params={"actor": other.id, "entity": "offer"})
    assert [td.get_text(strip=True) for td in page(response).select("tbody tr td:nth-of-type(2)")] == [
        "Hoàng Minh Quân"
    ]
    assert page(response).select_one("#f-actor option[selected]")["value"] == str(other.id)
    system = page(staff_client.get("/audit", params={"actor": "system"})).select("tbody tr td:nth-of-type(2)")
    assert [td.get_text(strip=True) for td in system] == ["hệ thống"]


def test_the_date_filter_takes_whole_days_in_hue_time(staff_client: TestClient, db: Session) -> None:
    late_on_the_20th = datetime(2026, 11, 20, 23, 30, tzinfo=UTC) - HUE
    early_on_the_21st = datetime(2026, 11, 21, 0, 30, tzinfo=UTC) - HUE
    entry(db, entity_id=1, at=datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    entry(db, entity_id=2, at=late_on_the_20th)
    entry(db, entity_id=3, at=early_on_the_21st)
    response = staff_client.get("/audit", params={"since": "2026-11-15", "until": "2026-11-20", "entity": "offer"})
    assert response.status_code == 200
    assert numbers(response) == [2]
    assert len(record_cells(staff_client.get("/audit", params={"since": "21/11/2026", "until": "2026-11-30"}))) == 1


@pytest.mark.parametrize("since", ["2026-02-31", "hôm qua", "0001-01-01"])
def test_an_invalid_date_is_explained_and_kept(staff_client: TestClient, db: Session, since: str) -> None:
    entry(db, entity_id=1)
    response = staff_client.get("/audit", params={"since": since, "actor": "system"})
    assert response.status_code == 422
    html = page(response)
    assert html.select_one("#e-since").get_text(strip=True) == "Vui lòng nhập ngày, ví dụ 31/12/2026."
    assert html.select_one("#f-since")["value"] == since
    assert html.select_one("#f-actor option[selected]")["value"] == "system"


def test_a_start_date_after_the_end_date_is_explained_and_kept(staff_client: TestClient, db: Session) -> None:
    entry(db, entity_id=1)
    response = staff_client.get("/audit", params={"since": "2026-11-30", "until": "2026-11-01", "entity": "offer"})
    assert response.status_code == 422
    html = page(response)
    assert "trước ngày bắt đầu" in html.select_one("#e-until").get_text()
    assert (html.select_one("#f-since")["value"], html.select_one("#f-until")["value"]) == ("2026-11-30", "2026-11-01")
    assert (html.select_one("#f-since")["type"], html.select_one("#f-until")["type"]) == (
        "date",
        "date",
    )  # both are dates
    assert len(record_cells(response)) == 1  # the dates are ignored rather than hiding everything
    assert html.select_one('a[href*="/audit/export.csv"]') is None  # no download of what was not asked for


def test_the_log_is_paged_newest_first_and_the_pager_keeps_the_filters(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    for n in range(audit.PAGE_SIZE + 1):
        entry(db, entity="collaboration", entity_id=n + 1, actor_id=staff.id, at=start + timedelta(minutes=n))
    entry(db, entity="offer", entity_id=1, actor_id=staff.id)
    response = staff_client.get("/audit", params={"entity": "collaboration", "actor": staff.id})
    assert numbers(response) == list(range(audit.PAGE_SIZE + 1, 1, -1))
    older = page(response).select_one("nav.pager a[rel=next]")["href"]
    assert "entity=collaboration" in older and f"actor={staff.id}" in older and "page=2" in older
    assert numbers(staff_client.get(older)) == [1]
    fragment = staff_client.get(older, headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="results"')


def test_the_filtered_log_downloads_as_csv(staff_client: TestClient, db: Session, staff: User) -> None:
    entry(
        db,
        entity="collaboration",
        entity_id=7,
        actor_id=staff.id,
        action="collaboration.move",
        detail={"from_stage": "contacted", "to_stage": "negotiating"},
    )
    entry(
        db,
        entity="offer",
        entity_id=8,
        actor_id=staff.id,
        detail={"fields": ["title", "summary"], "to_status": "published"},
    )
    response = staff_client.get("/audit/export.csv", params={"entity": "collaboration", "record": "7"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert "Lê Thị Ngọc Ánh" in lines[1] and "Hợp tác" in lines[1] and "Đã liên hệ → Đang đàm phán" in lines[1]
    offer_line = staff_client.get("/audit/export.csv", params={"entity": "offer"}).content.decode("utf-8-sig")
    assert "Các trường đã sửa: Tiêu đề, Tóm tắt" in offer_line and "to_status" not in offer_line


def test_the_audit_log_and_its_export_are_refused_to_non_staff(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, role="researcher"))
    assert client.get("/audit", params={"actor": "system"}).status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_staff_reach_a_records_change_history_from_its_page(staff_client: TestClient, db: Session, staff: User) -> None:
    org = make_org(db, name_vi="Hợp tác xã Dược liệu Phong Điền")
    offer = make_offer(db, org)
    collab = open_collaboration(db, provider_org_id=org.id, seeker_org_id=make_org(db).id, stage="contacted",
                                actor_id=staff.id, title="Trồng cà gai leo theo GACP")  # fmt: skip
    db.commit()
    for path, entity, record in (
        (f"/collaborations/{collab.id}", "collaboration", collab.id),
        (f"/organizations/{org.id}", "organization", org.id),
        (f"/offers/{offer.id}", "offer", offer.id),
    ):
        link = page(staff_client.get(path)).select_one("a.history-link")
        assert link.get_text(strip=True) == "Lịch sử thay đổi", path
        assert f"entity={entity}" in link["href"] and f"record={record}" in link["href"], path
    history = page(staff_client.get(f"/audit?entity=collaboration&record={collab.id}"))
    assert [a.get_text(strip=True) for a in history.select("td a") if "Hợp tác #" in a.get_text()] == [
        f"Hợp tác #{collab.id}"
    ]


def test_members_see_no_change_history_link(client: TestClient, db: Session) -> None:
    org = make_org(db)
    offer = make_offer(db, org)
    assert log_in(client, make_user(db, org)).status_code == 303
    assert page(client.get(f"/offers/{offer.id}")).select_one("a.history-link") is None
    assert page(client.get(f"/organizations/{org.id}")).select_one("a.history-link") is None
