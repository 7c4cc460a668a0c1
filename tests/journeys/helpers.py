"""Builders and form helpers for the journey tests: two organizations that meet through an inquiry."""

from dataclasses import dataclass

from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from marketplace.models import ExpertiseProfile, Need, Offer, Organization, User
from tests.builders import csrf_of, make_need, make_offer, make_org, make_user

MESSAGE = "Công ty chúng tôi cần quy trình chưng cất tinh dầu tràm ổn định cho dòng sản phẩm xuất khẩu năm 2027."


@dataclass
class Parties:
    institute: Organization
    company: Organization
    researcher: User
    colleague: User
    buyer: User
    offer: Offer
    need: Need


def make_parties(db: Session) -> Parties:
    """An institute whose researcher (an expert) owns an offer, and a company whose buyer owns a need."""
    institute = make_org(db, name_vi="Viện Công nghệ Sinh học Huế", name_en="Hue Institute of Biotechnology")
    company = make_org(db, kind="enterprise", name_vi="Công ty CP Dược Huế Xanh", name_en="Hue Green Pharma JSC")
    researcher = make_user(
        db, institute, full_name="TS. Nguyễn Thị Diệu Linh", email="dieulinh@vien.hue.vn", phone="0234 3820 111"
    )
    colleague = make_user(db, institute, full_name="ThS. Lê Quang Vũ", email="vu.lq@vien.hue.vn")
    buyer = make_user(
        db, company, role="enterprise", full_name="Trần Văn Phước", email="phuoc@huexanh.vn", phone="0905 123 456"
    )
    offer = make_offer(db, institute, owner_id=researcher.id)
    need = make_need(db, company, owner_id=buyer.id)
    db.add(
        ExpertiseProfile(
            user_id=researcher.id,
            keywords=["tinh dầu tràm", "chưng cất", "GC-MS"],
            publications=["Tiêu chuẩn hóa tinh dầu tràm Phú Lộc, Tạp chí Dược liệu, 2024"],
            projects=["DHH2024-01: Chuẩn hóa tinh dầu tràm Huế"],
            summary="Hóa học hợp chất thiên nhiên.",
        )
    )
    db.commit()
    return Parties(institute, company, researcher, colleague, buyer, offer, need)


def express_interest(
    client: TestClient, kind: str, target_id: int, message: str = MESSAGE, *, htmx: bool = False, follow: bool = False
) -> Response:
    """Send the "express interest" form from the page it sits on."""
    path = {"offer": f"/offers/{target_id}", "need": f"/needs/{target_id}", "expert": f"/experts/{target_id}"}[kind]
    data = {"csrf_token": csrf_of(client, path), "listing_kind": kind, "listing_id": str(target_id), "message": message}
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{path}"} if htmx else {}
    return client.post("/inquiries", data=data, headers=headers, follow_redirects=follow)


def answer(client: TestClient, inquiry_id: int, action: str, htmx: bool = False, **fields: str) -> Response:
    """Accept, decline or withdraw an inquiry through its form on /me."""
    data = {"csrf_token": csrf_of(client, "/me")} | fields
    headers = {"HX-Request": "true", "HX-Current-URL": "http://testserver/me"} if htmx else {}
    return client.post(f"/inquiries/{inquiry_id}/{action}", data=data, headers=headers, follow_redirects=False)
