"""The staff form that opens a collaboration by hand: the broker it starts with, the lists it offers."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.models import Collaboration, User
from tests.builders import csrf_of, make_need, make_offer, make_org, make_user, page


def test_the_form_starts_with_the_staff_member_who_opens_it_as_broker(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    make_user(db, role="staff", full_name="Hoàng Văn Bình")
    html = page(staff_client.get("/collaborations/new"))
    chosen = html.select("#f-broker_id option[selected]")
    assert [o["value"] for o in chosen] == [str(staff.id)]
    assert html.select_one("#f-broker_id option[value='']") is None  # no vague "Me" beside one's own name


def test_offers_and_needs_are_chosen_by_title_grouped_by_organization(staff_client: TestClient, db: Session) -> None:
    institute = make_org(db, name_vi="Viện Công nghệ Sinh học Huế")
    company = make_org(db, kind="enterprise", name_vi="HTX Tinh dầu Lộc Thủy")
    offer = make_offer(db, institute, title="Quy trình chưng cất tinh dầu tràm")
    make_offer(db, institute, title="Bản nháp chưa đăng", status="draft", published_at=None)
    need = make_need(db, company, title="Cần ổn định chất lượng dầu tràm")
    html = page(staff_client.get("/collaborations/new"))
    offers = html.select_one("select#f-offer_id")
    assert offers.select_one("optgroup")["label"] == "Viện Công nghệ Sinh học Huế"
    assert [(o["value"], o.get_text()) for o in offers.select("optgroup option")] == [
        (str(offer.id), "Quy trình chưng cất tinh dầu tràm")
    ]
    assert html.select_one(f"select#f-need_id optgroup[label='HTX Tinh dầu Lộc Thủy'] option[value='{need.id}']")
    assert html.select_one("input#f-offer_id, input#f-need_id") is None  # no record numbers to type


def test_the_chosen_offer_and_need_are_linked_and_the_broker_is_kept(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    institute, company = make_org(db), make_org(db, kind="enterprise", name_vi="HTX Tinh dầu Lộc Thủy")
    offer, need = make_offer(db, institute), make_need(db, company)
    colleague = make_user(db, role="staff", full_name="Hoàng Văn Bình")
    form = {"csrf_token": csrf_of(staff_client, "/collaborations/new"), "title": "Chuyển giao quy trình dầu tràm",
            "provider_org_id": str(institute.id), "seeker_org_id": str(company.id), "stage": "contacted",
            "broker_id": str(colleague.id), "offer_id": str(offer.id), "need_id": str(need.id)}  # fmt: skip
    assert staff_client.post("/collaborations/new", data=form, follow_redirects=False).status_code == 303
    collab = db.exec(select(Collaboration)).one()
    assert (collab.offer_id, collab.need_id, collab.broker_id) == (offer.id, need.id, colleague.id)


def test_a_listing_number_that_names_nothing_is_still_refused(staff_client: TestClient, db: Session) -> None:
    form = {"csrf_token": csrf_of(staff_client, "/collaborations/new"), "title": "Chuyển giao quy trình dầu tràm",
            "provider_org_id": str(make_org(db).id), "seeker_org_id": str(make_org(db).id), "stage": "contacted",
            "offer_id": "999999"}  # fmt: skip
    html = page(response := staff_client.post("/collaborations/new", data=form))
    assert response.status_code == 422 and html.select_one("#e-offer_id") is not None
    assert db.exec(select(Collaboration)).all() == []


def test_an_empty_organization_list_asks_to_choose_one(staff_client: TestClient, db: Session, staff: User) -> None:
    form = {"csrf_token": csrf_of(staff_client, "/collaborations/new"), "title": "Chuyển giao quy trình dầu tràm",
            "stage": "contacted", "broker_id": str(staff.id)}  # fmt: skip
    html = page(staff_client.post("/collaborations/new", data=form))
    assert html.select_one("#e-provider_org_id").get_text() == "Vui lòng chọn tổ chức cung cấp công nghệ."
    assert html.select_one("#e-seeker_org_id").get_text() == "Vui lòng chọn tổ chức có nhu cầu công nghệ."
    assert html.select_one("#f-broker_id option[selected]")["value"] == str(staff.id)  # the choice is kept
