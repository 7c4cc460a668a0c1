"""Builders with overridable defaults for the records tests need, and page helpers."""

import io
import itertools
from datetime import timedelta
from typing import Any

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import Workbook
from sqlmodel import Session

from marketplace.models import Membership, Need, Offer, Organization, User
from marketplace.models._base import utcnow
from marketplace.security import hash_password

PASSWORD = "mật-khẩu-thử-2026"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: Argon2 is slow on purpose
_serial = itertools.count(1)


def make_org(session: Session, **overrides: Any) -> Organization:
    n = next(_serial)
    values: dict[str, Any] = {
        "name_vi": f"Viện Nghiên cứu Dược liệu Huế {n}",
        "name_en": f"Hue Medicinal Plant Institute {n}",
        "kind": "research_institute",
        "ward": "Phú Xuân",
        "verified": True,
    }
    org = Organization(**(values | overrides))
    session.add(org)
    session.commit()
    return org


def make_user(session: Session, organization: Organization | None = None, **overrides: Any) -> User:
    n = next(_serial)
    if organization is None and overrides.get("role") not in ("staff", "admin"):
        organization = make_org(session)
    values: dict[str, Any] = {
        "email": f"nguoi.dung{n}@demo.hue.vn",
        "full_name": f"Trần Thị Hạnh {n}",
        "role": "researcher",
        "password_hash": _PASSWORD_HASH,
        "organization_id": organization.id if organization else None,
        "email_confirmed_at": utcnow(),
    }
    user = User(**(values | overrides))
    session.add(user)
    session.commit()
    return user


def make_manager(session: Session, organization: Organization, **overrides: Any) -> User:
    """A member of `organization` with an approved membership marked manager."""
    user = make_user(session, organization, **({"role": "enterprise"} | overrides))
    session.add(Membership(user_id=user.id, organization_id=organization.id, status="approved", manager=True))
    session.commit()
    return user


def make_offer(session: Session, organization: Organization | None = None, **overrides: Any) -> Offer:
    organization = organization or make_org(session)
    now = utcnow()
    values: dict[str, Any] = {
        "organization_id": organization.id,
        "title": "Quy trình chưng cất tinh dầu tràm đạt chuẩn 1,8-cineole",
        "summary": "Chưng cất phân đoạn chân không giúp tinh dầu tràm đạt hàm lượng cineole ổn định.",
        "description": "Quy trình chưng cất lá tràm gió (Melaleuca cajuputi) ở Phú Lộc, chuẩn hóa bằng GC-MS.",
        "sector_code": "medicinal",
        "keywords": ["tinh dầu tràm", "chưng cất", "cineole"],
        "trl": 6,
        "ip_status": "none",
        "collaboration_types": ["licence"],
        "status": "published",
        "published_at": now - timedelta(days=10),
        "confirmed_at": now - timedelta(days=10),
    }
    offer = Offer(**(values | overrides))
    session.add(offer)
    session.commit()
    return offer


def make_need(session: Session, organization: Organization | None = None, **overrides: Any) -> Need:
    organization = organization or make_org(session, kind="enterprise", name_vi="Công ty TNHH Tinh dầu Lộc Thủy")
    now = utcnow()
    values: dict[str, Any] = {
        "organization_id": organization.id,
        "title": "Cần ổn định chất lượng dầu tràm xuất khẩu",
        "problem": "Các lô dầu tràm của hợp tác xã có hàm lượng hoạt chất dao động, khách hàng trả lại hàng.",
        "desired_outcome": "Mỗi lô đạt tiêu chuẩn cơ sở, có phiếu kiểm nghiệm.",
        "sector_code": "medicinal",
        "keywords": ["dầu tràm", "kiểm nghiệm"],
        "min_trl": 5,
        "collaboration_types": ["consulting"],
        "budget_min_vnd": 150_000_000,
        "budget_max_vnd": 400_000_000,
        "status": "published",
        "published_at": now - timedelta(days=5),
        "confirmed_at": now - timedelta(days=5),
    }
    need = Need(**(values | overrides))
    session.add(need)
    session.commit()
    return need


def page(response: Response) -> BeautifulSoup:
    """The response's HTML, to query with CSS selectors."""
    return BeautifulSoup(response.text, "html.parser")


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token the app puts in its forms for this client's session."""
    field = page(client.get(path)).select_one("input[name=csrf_token]")
    assert field is not None, f"no CSRF field on {path}"
    return str(field["value"])


def log_in(client: TestClient, user: User, password: str = PASSWORD) -> Response:
    """Log `user` in through the real form."""
    token = csrf_of(client)
    return client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": token}, follow_redirects=False
    )


def xlsx(rows: list[list[Any]]) -> bytes:
    """An Excel workbook whose first sheet holds `rows`, as a person's upload would."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
