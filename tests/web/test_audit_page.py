"""The Department reads who did what in the audit log; nobody else can."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.builders import csrf_of, log_in, make_org, make_user, page


def test_staff_read_recorded_actions_in_their_language(client: TestClient, db: Session) -> None:
    org = make_org(db, verified=False)
    staff = make_user(db, role="staff", full_name="Ngô Thị Kiểm Soát")
    log_in(client, staff)
    client.post(f"/organizations/{org.id}/verify", data={"verified": "1", "csrf_token": csrf_of(client, "/")})
    rows = page(client.get("/audit", params={"entity": "organization"})).select("tbody tr")
    cells = [td.get_text(strip=True) for td in rows[0].select("td")]
    assert cells[1:3] == ["Ngô Thị Kiểm Soát", "xác minh tổ chức"]
    assert rows[0].select_one("td.audit-record a").get_text(strip=True) == f"Tổ chức #{org.id}"


def test_an_unknown_filter_shows_everything_rather_than_failing(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, role="staff"))
    response = client.get("/audit", params={"entity": "'; DROP TABLE auditlog; --", "page": "999"})
    assert response.status_code == 200
    assert page(response).select_one("#f-entity option[selected]") is None


def test_the_audit_log_is_for_staff_only(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db))
    assert client.get("/audit").status_code == 403
