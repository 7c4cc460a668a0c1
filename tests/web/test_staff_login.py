"""A staff account made with the command line can log in through the page."""

from sqlmodel import Session

from marketplace.accounts import create_user
from tests.builders import csrf_of, page


def test_a_staff_user_made_by_create_user_logs_in(client, db: Session) -> None:  # type: ignore[no-untyped-def]
    create_user(
        db, email="moigioi@sokhcn.hue.gov.vn", password="mật-khẩu-môi-giới", full_name="Đặng Văn Lộc", role="staff"
    )
    response = client.post(
        "/login",
        data={"email": "MoiGioi@sokhcn.hue.gov.vn", "password": "mật-khẩu-môi-giới", "csrf_token": csrf_of(client)},
    )
    assert page(response).select_one(".user-name").get_text() == "Đặng Văn Lộc"
