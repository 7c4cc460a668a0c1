"""The pipeline board and list: who may see them, columns, filters, sorting and overdue marks."""

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from marketplace.models._base import utcnow
from tests.builders import make_org, make_user, page
from tests.pipeline.conftest import client_for, make_collab


def test_staff_see_one_column_per_stage_with_the_cards_in_it(staff_client: TestClient, db: Session, staff) -> None:
    make_collab(db, stage="negotiating", broker=staff, title="Chuyển giao quy trình chưng cất dầu tràm")
    make_collab(db, stage="proposed", title="Ứng dụng chế phẩm vi sinh xử lý nước thải")
    html = page(staff_client.get("/pipeline"))
    headings = [h.select_one("span").get_text(strip=True) for h in html.select(".board-column .column-head")]
    assert headings == ["Đề xuất", "Đã liên hệ", "Đang đàm phán", "Đã ký hợp đồng", "Đang triển khai",
                        "Đã thương mại hóa", "Đã đóng"]  # fmt: skip
    negotiating = html.select_one(".board-column.stage-negotiating")
    assert [a.get_text(strip=True) for a in negotiating.select(".collab-title a")] == [
        "Chuyển giao quy trình chưng cất dầu tràm"
    ]
    assert negotiating.select_one(".broker").get_text(strip=True) == "Lê Thị Ngọc Ánh"


def test_a_card_shows_time_in_stage_next_action_and_an_overdue_mark(staff_client: TestClient, db: Session) -> None:
    yesterday = utcnow().date() - timedelta(days=1)
    collab = make_collab(db, days_in_stage=12, next_action="Gửi dự thảo hợp đồng", next_action_due=yesterday)
    card = page(staff_client.get("/pipeline")).select_one(f"#collab-{collab.id}")
    assert "is-overdue" in card["class"]
    assert card.select_one(".age").get_text(strip=True) == "12 ngày ở giai đoạn này"
    assert "Gửi dự thảo hợp đồng" in card.select_one(".collab-next").get_text()
    assert card.select_one(".badge.overdue").get_text(strip=True) == "Quá hạn"


def test_finished_collaborations_are_never_overdue(staff_client: TestClient, db: Session) -> None:
    past = utcnow().date() - timedelta(days=20)
    collab = make_collab(db, stage="commercialized", next_action="Báo cáo doanh thu", next_action_due=past)
    card = page(staff_client.get("/pipeline")).select_one(f"#collab-{collab.id}")
    assert "is-overdue" not in card["class"]


def test_researchers_and_enterprises_get_403_on_the_board(app: FastAPI, db: Session) -> None:
    for role in ("researcher", "enterprise"):
        for client in client_for(app, make_user(db, role=role)):
            assert client.get("/pipeline").status_code == 403


def test_visitors_are_sent_to_log_in(client: TestClient) -> None:
    response = client.get("/pipeline", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("http://testserver/login")


def test_filters_by_sector_broker_and_organization(staff_client: TestClient, db: Session, staff) -> None:
    other_broker = make_user(db, role="staff", full_name="Trần Văn Hưng")
    hospital = make_org(db, kind="hospital", name_vi="Bệnh viện Trung ương Huế")
    a = make_collab(db, sector_code="medicinal", broker=staff)
    b = make_collab(db, sector_code="digital", broker=other_broker, title="Số hóa mộc bản triều Nguyễn")
    c = make_collab(db, sector_code="medicinal", broker=other_broker, seeker=hospital)

    def shown(query: str) -> set[int]:
        html = page(staff_client.get(f"/pipeline?{query}"))
        return {int(card["id"].removeprefix("collab-")) for card in html.select(".collab-card")}

    assert shown("sector=digital") == {b.id}
    assert shown(f"broker={other_broker.id}") == {b.id, c.id}
    assert shown(f"organization={hospital.id}") == {c.id}
    assert shown(f"sector=medicinal&broker={staff.id}") == {a.id}


def test_filters_by_time_in_stage_and_overdue(staff_client: TestClient, db: Session) -> None:
    old = make_collab(db, days_in_stage=45)
    late = make_collab(db, days_in_stage=2, next_action="Hẹn gặp", next_action_due=utcnow().date() - timedelta(days=3))
    html = page(staff_client.get("/pipeline?age=30"))
    assert [c["id"] for c in html.select(".collab-card")] == [f"collab-{old.id}"]
    html = page(staff_client.get("/pipeline?overdue=1"))
    assert [c["id"] for c in html.select(".collab-card")] == [f"collab-{late.id}"]


def test_unknown_filter_values_are_reported_and_ignored(staff_client: TestClient, db: Session) -> None:
    collab = make_collab(db)
    response = staff_client.get("/pipeline?sector=vu-tru&broker=99999&organization=abc&age=5&view=lich")
    assert response.status_code == 422
    html = page(response)
    assert html.select_one("#board-area .notice.warning") is not None
    for field in ("sector", "broker", "organization", "age"):
        assert html.select_one(f"#e-{field}") is not None, field
    assert html.select_one("#e-sector").get_text() == "Vui lòng chọn một trong các mục có sẵn."
    assert html.select_one(f"#collab-{collab.id}") is not None  # the board is still shown, unfiltered


def test_the_list_view_sorts_by_a_chosen_column(staff_client: TestClient, db: Session) -> None:
    make_collab(db, title="Bảo quản thanh trà sau thu hoạch", days_in_stage=5)
    make_collab(db, title="Ấp trứng gà Ri bằng năng lượng mặt trời", days_in_stage=40)
    make_collab(db, title="Chiết xuất cao sen", days_in_stage=20)

    def titles(query: str) -> list[str]:
        html = page(staff_client.get(f"/pipeline?view=list&{query}"))
        return [row.select_one("td a").get_text(strip=True) for row in html.select(".pipeline-list tbody tr")]

    assert titles("sort=age&order=desc") == [
        "Ấp trứng gà Ri bằng năng lượng mặt trời", "Chiết xuất cao sen", "Bảo quản thanh trà sau thu hoạch"
    ]  # fmt: skip
    assert titles("sort=age&order=asc")[0] == "Bảo quản thanh trà sau thu hoạch"
    assert titles("sort=title&order=asc")[0] == "Ấp trứng gà Ri bằng năng lượng mặt trời"


def test_an_htmx_filter_returns_only_the_board(staff_client: TestClient, db: Session) -> None:
    make_collab(db)
    response = staff_client.get("/pipeline?sector=medicinal", headers={"HX-Request": "true"})
    html = page(response)
    assert html.select_one("#board-area") is not None
    assert html.select_one("form.filters") is None and html.select_one("header") is None


def parties(html, collab_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.get_text(strip=True) for s in html.select(f"#collab-{collab_id} .collab-parties span[title]")]


def test_english_cards_and_list_rows_name_the_parties_in_english(staff_client: TestClient, db: Session) -> None:
    provider = make_org(db, name_vi="Trường Đại học Nông Lâm, Đại học Huế",
                        name_en="University of Agriculture and Forestry, Hue University")  # fmt: skip
    seeker = make_org(db, kind="enterprise", name_vi="Công ty CP Dược Medipharco-Tenamyd",
                      name_en="Medipharco-Tenamyd Pharmaceutical JSC")  # fmt: skip
    collab = make_collab(db, provider=provider, seeker=seeker)
    english = page(staff_client.get("/pipeline?lang=en"))
    assert parties(english, collab.id) == [
        "University of Agriculture and Forestry, Hue University",
        "Medipharco-Tenamyd Pharmaceutical JSC",
    ]
    row = page(staff_client.get("/pipeline?view=list&lang=en")).select_one(f'tr[data-id="{collab.id}"] .muted')
    assert (
        row.get_text(strip=True)
        == "University of Agriculture and Forestry, Hue University → Medipharco-Tenamyd Pharmaceutical JSC"
    )
    vietnamese = page(staff_client.get("/pipeline?lang=vi"))
    assert parties(vietnamese, collab.id) == [
        "Trường Đại học Nông Lâm, Đại học Huế",
        "Công ty CP Dược Medipharco-Tenamyd",
    ]


def test_a_party_without_an_english_name_keeps_its_vietnamese_name_in_english(
    staff_client: TestClient, db: Session
) -> None:
    seeker = make_org(db, kind="cooperative", name_vi="Hợp tác xã Nông nghiệp Liên Hương", name_en="")
    collab = make_collab(db, seeker=seeker)
    assert parties(page(staff_client.get("/pipeline?lang=en")), collab.id)[1] == "Hợp tác xã Nông nghiệp Liên Hương"


def test_the_new_collaboration_form_offers_the_organizations_by_their_english_names_in_english(
    staff_client: TestClient, db: Session
) -> None:
    make_org(db, name_vi="Viện Công nghệ sinh học, Đại học Huế", name_en="Institute of Biotechnology, Hue University")
    html = page(staff_client.get("/collaborations/new?lang=en"))
    options = [o.get_text(strip=True) for o in html.select("select[name=provider_org_id] option")]
    assert "Institute of Biotechnology, Hue University" in options
    assert "Viện Công nghệ sinh học, Đại học Huế" not in options


def test_the_organization_filters_name_and_sort_the_organizations_in_the_page_language(
    staff_client: TestClient, db: Session
) -> None:
    university = make_org(db, name_vi="Trường Đại học Nông Lâm, Đại học Huế",
                          name_en="University of Agriculture and Forestry, Hue University")  # fmt: skip
    cooperative = make_org(db, kind="cooperative", name_vi="Hợp tác xã Nông nghiệp An Lỗ", name_en="An Lo Cooperative")
    make_collab(db, provider=university, seeker=cooperative)

    def options(path: str) -> list[str]:
        names = [o.get_text(strip=True) for o in page(staff_client.get(path)).select("#f-organization option[value]")]
        return [
            n for n in names if n in {university.name_vi, university.name_en, cooperative.name_vi, cooperative.name_en}
        ]

    for path in ("/pipeline", "/dashboard"):
        assert options(f"{path}?lang=en") == [
            "An Lo Cooperative",
            "University of Agriculture and Forestry, Hue University",
        ]
        assert options(f"{path}?lang=vi") == ["Hợp tác xã Nông nghiệp An Lỗ", "Trường Đại học Nông Lâm, Đại học Huế"]
