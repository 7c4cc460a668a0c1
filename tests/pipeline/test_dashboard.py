"""The indicators dashboard and its downloads: figures for a period, bad input, staff only, XLSX and CSV."""

import csv
import io
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from marketplace.models import Inquiry, MatchProposal, StageChange
from marketplace.models._base import utcnow
from tests.builders import make_need, make_offer, make_org, make_user, page
from tests.pipeline.conftest import client_for, make_collab


def kpi(html, name: str) -> str:  # type: ignore[no-untyped-def]
    return html.select_one(f"#kpi-{name} .kpi-value").get_text(strip=True)


def sign(db: Session, value: int, days_ago: int = 2, **overrides) -> None:  # type: ignore[no-untyped-def]
    collab = make_collab(db, stage="agreement_signed", contract_type="licence", contract_value_vnd=value, **overrides)
    collab.signed_at = utcnow() - timedelta(days=days_ago)
    db.add(
        StageChange(collaboration_id=collab.id, from_stage="proposed", to_stage="agreement_signed", at=collab.signed_at)
    )
    db.add(collab)
    db.commit()


def test_the_dashboard_counts_listings_agreements_and_their_value(staff_client: TestClient, db: Session) -> None:
    make_offer(db)
    make_offer(db, sector_code="digital", title="Nền tảng số hóa di sản Huế")
    make_need(db)
    make_offer(db, status="draft", published_at=None)
    sign(db, 450_000_000)
    sign(db, 1_200_000_000)
    html = page(staff_client.get("/dashboard"))
    assert (kpi(html, "offers"), kpi(html, "needs"), kpi(html, "signed")) == ("2", "1", "2")
    assert kpi(html, "value") == "1,65 tỷ ₫"
    assert html.select_one("#kpi-value .kpi-note").get_text(strip=True) == "1.650.000.000 ₫"
    sectors = {
        row.th.get_text(strip=True): [td.get_text() for td in row.select("td")]
        for row in html.select("#table-sectors tbody tr")
    }
    assert sectors["Chuyển đổi số và phần mềm"] == ["1", "0"]


def test_acceptance_rate_and_median_time_to_first_reply(staff_client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    sender = make_user(db, role="enterprise")
    now = utcnow()
    for status, hours in (("accepted", 4), ("accepted", 10), ("declined", 30), ("pending", None)):
        created = now - timedelta(days=3)
        db.add(Inquiry(listing_kind="offer", listing_id=offer.id, sender_id=sender.id, sender_org_id=sender.organization_id,
                       recipient_org_id=offer.organization_id, message="Chúng tôi quan tâm", status=status,
                       created_at=created, answered_at=created + timedelta(hours=hours) if hours else None))  # fmt: skip
    db.commit()
    html = page(staff_client.get("/dashboard"))
    assert kpi(html, "inquiries") == "4"
    assert kpi(html, "acceptance") == "67%"
    assert kpi(html, "reply") == "10 giờ"


def test_collaborations_by_stage_and_the_funnel(staff_client: TestClient, db: Session) -> None:
    make_collab(db, stage="proposed")
    make_collab(db, stage="negotiating")
    sign(db, 300_000_000)
    html = page(staff_client.get("/dashboard"))
    stages = {r.th.get_text(strip=True): r.td.get_text() for r in html.select("#table-stages tbody tr")}
    assert (stages["Đề xuất"], stages["Đang đàm phán"], stages["Đã ký hợp đồng"], stages["Đã đóng"]) == (
        "1",
        "1",
        "1",
        "0",
    )
    funnel = [[c.get_text() for c in r.select("th, td")] for r in html.select("#table-funnel tbody tr")]
    assert funnel[0] == ["Đề xuất", "3", "100%"] and funnel[-1] == ["Đã ký hợp đồng", "1", "33%"]


def test_supply_demand_gaps_name_sectors_with_needs_but_no_offers(staff_client: TestClient, db: Session) -> None:
    make_need(db, sector_code="aquaculture", title="Cần quy trình nuôi cua trong đầm phá Tam Giang")
    make_offer(db, sector_code="digital", title="Bản đồ số di tích Huế")
    need = make_need(db)
    make_offer(db)
    db.add(MatchProposal(need_id=need.id, score=0.4))
    db.commit()
    html = page(staff_client.get("/dashboard"))
    demand, supply = html.select_one("#gaps-demand").get_text(), html.select_one("#gaps-supply").get_text()
    assert "Thủy sản" in demand and "Chuyển đổi số và phần mềm" in supply
    assert "Dược liệu" not in demand + supply  # one need, one offer: a gap on neither side
    assert "Thủy sản: 1 nhu cầu, 0 công nghệ, 1 nhu cầu chưa có đề xuất" in " ".join(demand.split())
    staff_client.get("/lang/en")
    english = page(staff_client.get("/dashboard")).select_one("#gaps-demand").get_text()
    assert "Aquaculture and fisheries: 1 need, 0 technology offers, 1 without a proposal" in " ".join(english.split())
    gaps = {
        r.th.get_text(strip=True): [td.get_text() for td in r.select("td")] for r in html.select("#table-gaps tbody tr")
    }
    assert gaps["Thủy sản"] == ["0", "1", "1"] and gaps["Dược liệu và sản phẩm tự nhiên"] == ["1", "1", "0"]


def test_a_period_filter_leaves_out_what_happened_outside_it(staff_client: TestClient, db: Session) -> None:
    make_offer(db, published_at=utcnow() - timedelta(days=400))
    sign(db, 800_000_000, days_ago=400)
    today = utcnow().date()
    html = page(staff_client.get(f"/dashboard?from={(today - timedelta(days=30)).isoformat()}&to={today.isoformat()}"))
    assert (kpi(html, "offers"), kpi(html, "signed"), kpi(html, "value")) == ("0", "0", "0 ₫")
    html = page(staff_client.get(f"/dashboard?from={(today - timedelta(days=500)).isoformat()}&to={today.isoformat()}"))
    assert (kpi(html, "offers"), kpi(html, "signed")) == ("1", "1")


def test_invalid_periods_get_a_clear_message_and_the_default_period(staff_client: TestClient) -> None:
    cases = {"from=2026-13-45": ("from", "Vui lòng nhập ngày, ví dụ 31/12/2026."),
             "from=2026-06-01&to=2026-01-01": ("to", "Ngày kết thúc phải sau ngày bắt đầu."),
             "from=1990-01-01": ("from", "Vui lòng chọn ngày từ năm 2000 trở đi."),
             "from=2001-01-01&to=2026-01-01": ("from", "Vui lòng chọn khoảng thời gian không quá mười năm."),
             "sector=vu-tru": ("sector", "Vui lòng chọn một trong các mục có sẵn."),
             "organization=-3": ("organization", None)}  # fmt: skip
    for query, (field, message) in cases.items():
        response = staff_client.get(f"/dashboard?{query}")
        assert response.status_code == 422, query
        error = page(response).select_one(f"#e-{field}")
        assert error is not None and (message is None or error.get_text() == message), query


def test_the_dashboard_and_its_exports_are_for_staff_only(app: FastAPI, db: Session) -> None:
    for client in client_for(app, make_user(db, role="researcher")):
        assert client.get("/dashboard").status_code == 403
        assert client.get("/dashboard/export?what=listings&format=csv").status_code == 403


def test_the_xlsx_of_collaborations_holds_every_collaboration_and_its_history(
    staff_client: TestClient, db: Session
) -> None:
    sign(db, 450_000_000, title="Chuyển giao quy trình chưng cất dầu tràm")
    make_collab(db, stage="proposed", title="Ứng dụng chế phẩm vi sinh xử lý nước thải")
    response = staff_client.get("/dashboard/export?what=collaborations&format=xlsx")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="hue-collaborations-')
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Hợp tác"]
    headers = [c.value for c in sheet[1]]
    assert headers[:6] == ["Số", "Tiêu đề", "Bên cung cấp", "Bên tiếp nhận", "Lĩnh vực", "Giai đoạn"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"Chuyển giao quy trình chưng cất dầu tràm", "Ứng dụng chế phẩm vi sinh xử lý nước thải"}
    value_column = headers.index("Giá trị hợp đồng (VND)")
    signed_row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "Chuyển giao quy trình chưng cất dầu tràm")
    assert signed_row[value_column].value == 450_000_000
    assert signed_row[value_column].number_format == '#,##0 "₫"'
    history = list(book["Lịch sử"].iter_rows(min_row=2, values_only=True))
    assert len(history) == 3  # opened twice, signed once


def test_the_xlsx_of_indicators_and_listings_open_with_their_rows(staff_client: TestClient, db: Session) -> None:
    make_offer(db)
    make_need(db, commissioned=True, title="Đặt hàng: giống sen chịu ngập cho hồ Tịnh Tâm")
    sign(db, 450_000_000)
    book = load_workbook(io.BytesIO(staff_client.get("/dashboard/export?what=indicators&format=xlsx").content))
    figures = {row[1]: row[2] for row in book["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)}
    assert figures["Công nghệ chào bán đã đăng trong kỳ"] == 1 and figures["Tổng giá trị hợp đồng (VND)"] == 450_000_000
    book = load_workbook(io.BytesIO(staff_client.get("/dashboard/export?what=listings&format=xlsx").content))
    rows = list(book["Tin đăng"].iter_rows(min_row=2, values_only=True))
    assert {r[2] for r in rows} == {"Quy trình chưng cất tinh dầu tràm đạt chuẩn 1,8-cineole",
                                    "Đặt hàng: giống sen chịu ngập cho hồ Tịnh Tâm"}  # fmt: skip


def test_the_csv_export_has_vietnamese_headers_and_plain_numbers(staff_client: TestClient, db: Session) -> None:
    sign(db, 450_000_000)
    response = staff_client.get("/dashboard/export?what=collaborations&format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Số,Tiêu đề,Bên cung cấp,Bên tiếp nhận")
    assert ",450000000," in lines[1]


def test_unknown_exports_and_bad_periods_are_refused_clearly(staff_client: TestClient) -> None:
    for query in ("what=passwords&format=csv", "what=listings&format=pdf", "what=listings&format=csv&from=hôm-qua"):
        response = staff_client.get(f"/dashboard/export?{query}")
        assert response.status_code == 422, query
        assert "Không thể xuất báo cáo" in page(response).select_one(".toast").get_text()


def label(html, name: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    return html.select_one(f"#kpi-{name} .kpi-label").get_text(strip=True), html.select_one(
        f"#kpi-{name} .kpi-note"
    ).get_text(strip=True)


def test_the_dashboard_counts_offers_published_in_the_period_and_the_home_page_those_public_now(
    staff_client: TestClient, db: Session
) -> None:
    make_offer(db)
    make_offer(db, status="archived", title="Máy sấy lạnh nông sản dùng bơm nhiệt")
    make_need(db)
    dashboard, home = page(staff_client.get("/dashboard")), page(staff_client.get("/"))
    assert label(dashboard, "offers") == ("Công nghệ chào bán đã đăng trong kỳ", "kể cả tin nay không còn công khai")
    assert label(dashboard, "needs")[0] == "Nhu cầu công nghệ đã đăng trong kỳ"
    assert kpi(dashboard, "offers") == "2"
    stats = {
        dt.get_text(strip=True): dd.get_text(strip=True)
        for dt, dd in zip(home.select(".stats dt"), home.select(".stats dd"), strict=True)
    }
    assert stats["Công nghệ chào bán đang hiển thị công khai"] == "1"
    assert stats["Nhu cầu công nghệ đang hiển thị công khai"] == "1"
    english = page(staff_client.get("/dashboard?lang=en"))
    assert label(english, "offers") == ("Offers published in the period", "including those no longer public")
    assert [dt.get_text(strip=True) for dt in page(staff_client.get("/?lang=en")).select(".stats dt")][:2] == [
        "Technology offers public now",
        "Technology needs public now",
    ]


def party_names(response) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(response.content))
    return [(row[2], row[3]) for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]


def test_an_english_export_names_the_organizations_in_english(staff_client: TestClient, db: Session) -> None:
    provider = make_org(db, name_vi="Trường Đại học Y - Dược, Đại học Huế",
                        name_en="University of Medicine and Pharmacy, Hue University")  # fmt: skip
    make_collab(db, provider=provider, seeker=make_org(db, kind="cooperative", name_vi="Hợp tác xã Liên Hương",
                                                       name_en="Lien Huong Cooperative"))  # fmt: skip
    make_offer(db, organization=provider)
    english = staff_client.get("/dashboard/export?what=collaborations&format=xlsx&lang=en")
    assert party_names(english) == [("University of Medicine and Pharmacy, Hue University", "Lien Huong Cooperative")]
    listings = staff_client.get("/dashboard/export?what=listings&format=csv&lang=en").content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(listings)))
    assert row[header.index("Organization")] == "University of Medicine and Pharmacy, Hue University"
    vietnamese = staff_client.get("/dashboard/export?what=collaborations&format=xlsx&lang=vi")
    assert party_names(vietnamese) == [("Trường Đại học Y - Dược, Đại học Huế", "Hợp tác xã Liên Hương")]


def test_an_english_export_keeps_the_vietnamese_name_of_an_organization_without_an_english_one(
    staff_client: TestClient, db: Session
) -> None:
    make_collab(db, seeker=make_org(db, kind="cooperative", name_vi="Hợp tác xã Nông nghiệp Liên Hương", name_en=""))
    english = staff_client.get("/dashboard/export?what=collaborations&format=xlsx&lang=en")
    assert party_names(english)[0][1] == "Hợp tác xã Nông nghiệp Liên Hương"


def test_the_export_links_ask_for_the_language_of_the_page(staff_client: TestClient) -> None:
    for lang in ("en", "vi"):
        links = page(staff_client.get(f"/dashboard?lang={lang}")).select("#exports a")
        assert links and all(f"lang={lang}" in a["href"] for a in links)


def test_a_side_without_a_gap_says_so(staff_client: TestClient, db: Session) -> None:
    make_offer(db, sector_code="digital", title="Bản đồ số di tích Huế")
    html = page(staff_client.get("/dashboard"))
    headings = [h.get_text() for h in html.select(".gap-lists h3")]
    assert headings == ["Nhu cầu nhiều hơn công nghệ", "Công nghệ nhiều hơn nhu cầu"]
    assert html.select_one("#gaps-demand").get_text(strip=True) == "Không lĩnh vực nào có nhu cầu nhiều hơn công nghệ."
    assert "Chuyển đổi số và phần mềm" in html.select_one("#gaps-supply").get_text()
