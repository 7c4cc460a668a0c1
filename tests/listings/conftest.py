"""People, signed-in clients and filled-in forms for the offer and need tests."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from marketplace.models import Organization, User
from tests.builders import log_in, make_org, make_user, page

CONVINCING_OFFER: dict[str, Any] = {
    "title": "Quy trình chưng cất tinh dầu tràm đạt 1,8-cineole trên 60 %",
    "sector_code": "medicinal",
    "language": "vi",
    "summary": "Chưng cất phân đoạn chân không giúp tinh dầu tràm Phú Lộc đạt hàm lượng 1,8-cineole ổn định trên 60 %, "
    "đáp ứng tiêu chuẩn Dược điển Việt Nam V.",
    "description": "Quy trình gồm sơ chế lá tràm gió, chưng cất hơi nước cải tiến và tinh chế phân đoạn chân không ở "
    "60–70 °C. Mỗi mẻ 500 kg lá cho 4–5 lít tinh dầu. Quy trình đã chạy thử 12 mẻ tại hợp tác xã Lộc Thủy, "
    "kiểm nghiệm bằng GC-MS tại Viện Kiểm nghiệm thuốc Trung ương, đạt chỉ tiêu định tính và định lượng. Bã lá sau "
    "chưng cất được ủ làm phân hữu cơ cho vườn tràm.",
    "applications": "Các hợp tác xã và cơ sở sản xuất dầu tràm ở Phú Lộc, Phong Điền; doanh nghiệp dược cần nguyên liệu "
    "đạt chuẩn Dược điển.",
    "advantages": "Hàm lượng cineole cao hơn 25 % so với chưng cất thủ công, tiêu hao củi giảm 40 %, thời gian mỗi mẻ "
    "rút ngắn còn 6 giờ.",
    "trl": "6",
    "trl_justification": "Đã chạy thử 12 mẻ ở quy mô sản xuất nhỏ tại hợp tác xã, có phiếu kiểm nghiệm cho từng mẻ.",
    "ip_status": "utility_solution",
    "ip_reference": "2-0002345",
    "collaboration_types": ["licence", "consulting"],
    "terms": "Phí li-xăng một lần và hỗ trợ kỹ thuật 6 tháng.",
    "keywords": "tinh dầu tràm, chưng cất, cineole, Dược điển",
    "species": "Tràm gió",
    "latin_name": "Melaleuca cajuputi",
    "plant_part": "Lá và cành non",
    "active_compounds": "1,8-cineole",
    "standard": "GACP-WHO",
}

CONVINCING_NEED: dict[str, Any] = {
    "title": "Cần quy trình ổn định chất lượng dầu tràm xuất khẩu",
    "sector_code": "medicinal",
    "language": "vi",
    "problem": "Các lô dầu tràm của hợp tác xã có hàm lượng 1,8-cineole dao động từ 45 % đến 65 %, khách hàng Nhật Bản "
    "trả lại hai lô trong năm 2025, thiệt hại khoảng 300 triệu đồng. Chúng tôi chưa có phòng kiểm nghiệm riêng.",
    "desired_outcome": "Mỗi lô đạt tối thiểu 60 % cineole và có phiếu kiểm nghiệm đi kèm trước khi xuất hàng.",
    "constraints": "Nồi chưng cất hiện có bằng inox 500 lít; không thể đầu tư quá 1 tỷ đồng.",
    "min_trl": "6",
    "budget_min_vnd": "150.000.000",
    "budget_max_vnd": "400.000.000",
    "deadline": "2030-06-30",
    "collaboration_types": ["consulting", "research_contract"],
    "keywords": "dầu tràm, kiểm nghiệm, cineole, xuất khẩu",
}


def hidden_fields(client: TestClient, path: str) -> dict[str, str]:
    """The hidden inputs (CSRF token, one-time form token, version) of the form shown at `path`."""
    response = client.get(path)
    assert response.status_code == 200, path
    form = page(response).select_one("form.listing-form")
    assert form is not None, f"no listing form on {path}"
    return {str(i["name"]): str(i["value"]) for i in form.select("input[type=hidden]")}


def new_offer_form(client: TestClient, **fields: Any) -> dict[str, Any]:
    """The new-offer form as shown, filled in with a convincing offer and `fields`."""
    return hidden_fields(client, "/offers/new") | CONVINCING_OFFER | fields


def new_need_form(client: TestClient, **fields: Any) -> dict[str, Any]:
    return hidden_fields(client, "/needs/new") | CONVINCING_NEED | fields


def signed_in(app: FastAPI, user: User) -> Iterator[TestClient]:
    """A browser session of `user`, logged in through the real form."""
    with TestClient(app, raise_server_exceptions=False) as client:
        assert log_in(client, user).status_code == 303
        yield client


@pytest.fixture
def institute(db: Session) -> Organization:
    return make_org(
        db, name_vi="Viện Công nghệ Sinh học, Đại học Huế", name_en="Institute of Biotechnology, Hue University"
    )


@pytest.fixture
def researcher(db: Session, institute: Organization) -> User:
    return make_user(db, institute, full_name="PGS.TS. Lê Văn Khiêm", email="khiem@demo.hue.vn")


@pytest.fixture
def colleague(db: Session, institute: Organization) -> User:
    return make_user(db, institute, full_name="TS. Trương Thị Bích Ngọc", email="ngoc@demo.hue.vn")


@pytest.fixture
def outsider(db: Session) -> User:
    company = make_org(db, kind="enterprise", name_vi="Công ty TNHH Dược liệu A Lưới")
    return make_user(db, company, role="enterprise", full_name="Hồ Thị Hiền", email="hien@demo.hue.vn")


@pytest.fixture
def staff(db: Session) -> User:
    department = make_org(db, kind="government", name_vi="Sở Khoa học và Công nghệ thành phố Huế")
    return make_user(db, department, role="staff", full_name="Lê Thị Ngọc Ánh", email="anh@sokhcn.hue.gov.vn")


@pytest.fixture
def researcher_client(app: FastAPI, researcher: User) -> Iterator[TestClient]:
    yield from signed_in(app, researcher)


@pytest.fixture
def colleague_client(app: FastAPI, colleague: User) -> Iterator[TestClient]:
    yield from signed_in(app, colleague)


@pytest.fixture
def staff_client(app: FastAPI, staff: User) -> Iterator[TestClient]:
    yield from signed_in(app, staff)


@pytest.fixture
def outsider_client(app: FastAPI, outsider: User) -> Iterator[TestClient]:
    yield from signed_in(app, outsider)
