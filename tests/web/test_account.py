"""Users edit their own profile; researchers their expertise, which the matcher uses at once."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import matchmaking
from marketplace.models import ExpertiseProfile, MatchProposal
from tests.builders import csrf_of, log_in, make_need, make_org, make_user, page


def test_a_researcher_saves_an_expertise_profile_and_is_proposed_for_a_fitting_need(
    client: TestClient, db: Session
) -> None:
    matchmaking.clear_cache()
    researcher = make_user(db, make_org(db, name_vi="Trường Đại học Nông Lâm"))
    need = make_need(db)
    log_in(client, researcher)
    form = {
        "csrf_token": csrf_of(client, "/account"),
        "full_name": "TS. Nguyễn Hữu Tràm",
        "phone": "0234 3822 123",
        "language": "vi",
        "summary": "Chưng cất và chuẩn hóa tinh dầu tràm gió.",
        "keywords": "tinh dầu tràm, chưng cất, cineole",
        "publications": "Tinh dầu tràm Phú Lộc (2024)\n",
        "projects": "",
    }
    response = client.post("/account", data=form)
    assert page(response).select_one(".notice.success").get_text() == "Đã lưu hồ sơ của bạn."
    profile = db.exec(select(ExpertiseProfile).where(ExpertiseProfile.user_id == researcher.id)).one()
    assert profile.keywords == ["tinh dầu tràm", "chưng cất", "cineole"]
    assert profile.publications == ["Tinh dầu tràm Phú Lộc (2024)"]
    assert db.exec(select(MatchProposal.need_id).where(MatchProposal.expert_id == researcher.id)).all() == [need.id]


def test_profile_errors_keep_what_was_typed(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, role="enterprise"))
    form = {"csrf_token": csrf_of(client, "/account"), "full_name": "", "phone": "gọi tôi nhé", "language": "vi"}
    html = page(client.post("/account", data=form))
    assert html.select_one("#e-full_name").get_text() == "Vui lòng nhập trường này."
    assert html.select_one("#f-phone")["value"] == "gọi tôi nhé"
    assert html.select_one("#f-summary") is None  # enterprise users have no expertise profile


def test_choosing_english_switches_the_interface(client: TestClient, db: Session) -> None:
    user = make_user(db)
    log_in(client, user)
    form = {"csrf_token": csrf_of(client, "/account"), "full_name": user.full_name, "phone": "", "language": "en"}
    response = client.post("/account", data=form)
    assert page(response).select_one("h1").get_text() == "My account"
