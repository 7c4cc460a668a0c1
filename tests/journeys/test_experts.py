"""Researcher profiles (/experts) and organizations' track record of past collaborations."""

from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session

from marketplace import collaborations
from marketplace.models import ExpertiseProfile
from tests.builders import make_org, make_user, page
from tests.journeys.helpers import Parties


def test_the_directory_lists_researchers_with_a_profile_and_their_organization(
    client: TestClient, db: Session, parties: Parties
) -> None:
    html = page(client.get("/experts"))
    [card] = html.select(".expert-card")  # the colleague has no expertise profile
    assert card.select_one(".card-title a").get_text() == "TS. Nguyễn Thị Diệu Linh"
    assert card.select_one(".card-org").get_text() == "Viện Công nghệ Sinh học Huế"
    assert html.select_one(".result-count").get_text() == "1 chuyên gia"


def test_the_filter_finds_words_typed_without_accents(client: TestClient, db: Session, parties: Parties) -> None:
    other = make_user(db, make_org(db, name_vi="Viện Tài nguyên và Môi trường"), full_name="TS. Phạm Ngọc Hải")
    db.add(ExpertiseProfile(user_id=other.id, keywords=["nuôi trồng thủy sản", "đầm phá Tam Giang"]))
    db.commit()
    names = [a.get_text() for a in page(client.get("/experts?q=tinh dau TRAM")).select(".expert-card h2 a")]
    assert names == ["TS. Nguyễn Thị Diệu Linh"]
    names = [a.get_text() for a in page(client.get("/experts?q=dam pha")).select(".expert-card h2 a")]
    assert names == ["TS. Phạm Ngọc Hải"]
    assert page(client.get("/experts?q=robot")).select(".expert-card") == []


def test_an_overlong_filter_is_refused_beside_the_field(client: TestClient, parties: Parties) -> None:
    response = client.get("/experts", params={"q": "dược liệu " * 20})
    html = page(response)
    assert response.status_code == 422
    # counted without the final space
    assert html.select_one("#e-q").get_text() == "Vui lòng viết không quá 100 ký tự (hiện có 199)."
    assert html.select_one("#f-q")["value"] == "dược liệu " * 20


def test_with_htmx_only_the_results_are_sent(client: TestClient, parties: Parties) -> None:
    response = client.get("/experts?q=gc-ms", headers={"HX-Request": "true"})
    html = page(response)
    assert html.select_one("#expert-results") is not None and html.select_one("form") is None
    assert len(html.select(".expert-card")) == 1


def test_the_profile_shows_expertise_and_the_organizations_listings(client: TestClient, parties: Parties) -> None:
    html = page(client.get(f"/experts/{parties.researcher.id}"))
    assert html.select_one("h1").get_text() == "TS. Nguyễn Thị Diệu Linh"
    assert [t.get_text() for t in html.select(".tags .tag")] == ["tinh dầu tràm", "chưng cất", "GC-MS"]
    assert (
        html.select_one(".publications li").get_text()
        == "Tiêu chuẩn hóa tinh dầu tràm Phú Lộc, Tạp chí Dược liệu, 2024"
    )
    assert [a.get_text() for a in html.select(".org-listings .card-title a")] == [parties.offer.title]
    assert html.select_one("#interest-box") is not None


def test_a_person_without_a_profile_has_no_expert_page(client: TestClient, parties: Parties) -> None:
    assert client.get(f"/experts/{parties.colleague.id}").status_code == 404
    assert client.get("/experts/999999").status_code == 404


def test_organization_pages_list_collaborations_that_reached_an_agreement(
    client: TestClient, db: Session, parties: Parties
) -> None:
    for title, stage in [("Chuyển giao quy trình chưng cất tràm", "implementing"), ("Đang thương thảo", "negotiating")]:
        collaborations.open_collaboration(
            db,
            provider_org_id=parties.institute.id,
            seeker_org_id=parties.company.id,
            title=title,
            stage=stage,
            actor_id=None,
        )
    db.commit()
    rows = page(client.get(f"/organizations/{parties.institute.id}")).select(".past-collaborations .deal-row")
    assert [r.select_one(".row-title").get_text() for r in rows] == ["Chuyển giao quy trình chưng cất tràm"]
    assert urlsplit(rows[0].select_one("a")["href"]).path == f"/organizations/{parties.company.id}"
    assert "chuyển giao cho" in rows[0].get_text()
    buyer_side = page(client.get(f"/organizations/{parties.company.id}")).select_one(".past-collaborations .deal-row")
    assert "tiếp nhận từ" in buyer_side.get_text()
