"""Editing a listing: who may, what a published listing must keep, and two tabs saving one listing."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.listing_forms import form_of
from marketplace.models import ListingEvent, Offer, Organization
from marketplace.models._base import utcnow
from marketplace.web.templating import days_since
from tests.builders import make_offer, page
from tests.listings.conftest import CONVINCING_OFFER, hidden_fields


def edit_form(client: TestClient, offer: Offer, **fields: object) -> dict[str, object]:
    """The edit form as shown now (its hidden version), with the listing's values and `fields` typed over them."""
    shown = {k: v for k, v in form_of(offer).items() if k in CONVINCING_OFFER}
    return shown | hidden_fields(client, f"/offers/{offer.id}/edit") | fields


def test_the_owner_edits_a_draft_and_the_version_moves_on(researcher_client: TestClient, db: Session,
                                                         institute: Organization) -> None:  # fmt: skip
    offer = make_offer(db, institute, status="draft", published_at=None, confirmed_at=None)
    form = edit_form(researcher_client, offer, title="Chưng cất tinh dầu tràm bằng hơi nước quá nhiệt", intent="draft")
    response = researcher_client.post(f"/offers/{offer.id}/edit", data=form, follow_redirects=False)
    db.refresh(offer)
    assert response.status_code == 303
    assert (offer.title, offer.version, offer.status) == ("Chưng cất tinh dầu tràm bằng hơi nước quá nhiệt", 2, "draft")
    actions = db.exec(select(ListingEvent.action).where(ListingEvent.listing_id == offer.id)).all()
    assert actions == ["edit"]


def test_the_edit_form_shows_the_saved_values(
    researcher_client: TestClient, db: Session, institute: Organization
) -> None:
    offer = make_offer(db, institute, ip_status="patent", ip_reference="1-0034567", collaboration_types=["licence"])
    html = page(researcher_client.get(f"/offers/{offer.id}/edit"))
    assert html.select_one("#f-ip_status option[selected]")["value"] == "patent"
    assert html.select_one("#f-ip_reference")["value"] == "1-0034567"
    assert html.select_one("#f-keywords")["value"] == "tinh dầu tràm, chưng cất, cineole"
    assert [i["value"] for i in html.select("input[name=collaboration_types][checked]")] == ["licence"]


def test_a_colleague_of_the_same_organization_may_edit(colleague_client: TestClient, db: Session,
                                                      institute: Organization) -> None:  # fmt: skip
    offer = make_offer(db, institute, status="draft", published_at=None)
    assert colleague_client.get(f"/offers/{offer.id}/edit").status_code == 200


def test_another_organization_cannot_open_or_save_the_edit_form(outsider_client: TestClient, db: Session,
                                                                institute: Organization) -> None:  # fmt: skip
    offer = make_offer(db, institute)
    assert outsider_client.get(f"/offers/{offer.id}/edit").status_code == 403
    form = {"csrf_token": hidden_fields(outsider_client, "/offers/new")["csrf_token"], "title": "Bị sửa trộm",
            "version": "1", "sector_code": "medicinal", "trl": "5"}  # fmt: skip
    assert outsider_client.post(f"/offers/{offer.id}/edit", data=form).status_code == 403
    db.refresh(offer)
    assert offer.title != "Bị sửa trộm"


def test_another_organizations_draft_does_not_even_appear_to_exist(outsider_client: TestClient, db: Session,
                                                                   institute: Organization) -> None:  # fmt: skip
    offer = make_offer(db, institute, status="draft", published_at=None)
    assert outsider_client.get(f"/offers/{offer.id}/edit").status_code == 404
    assert outsider_client.get(f"/offers/{offer.id}").status_code == 404


def test_department_staff_may_edit_any_listing(staff_client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    form = edit_form(staff_client, offer, title="Quy trình chưng cất tinh dầu tràm (đã chuẩn hóa tên)", intent="save")
    staff_client.post(f"/offers/{offer.id}/edit", data=form)
    db.refresh(offer)
    assert offer.title == "Quy trình chưng cất tinh dầu tràm (đã chuẩn hóa tên)"


def test_a_published_listing_stays_complete_when_edited(researcher_client: TestClient, db: Session,
                                                        institute: Organization) -> None:  # fmt: skip
    offer = make_offer(db, institute, **{k: v for k, v in CONVINCING_OFFER.items() if k in ("summary", "description")})
    response = researcher_client.post(f"/offers/{offer.id}/edit", data=edit_form(researcher_client, offer, summary=""))
    assert response.status_code == 422
    assert page(response).select_one("#e-summary").get_text() == "Vui lòng nhập trường này."


def test_editing_a_published_listing_keeps_it_published_and_confirms_it(researcher_client: TestClient, db: Session,
                                                                        institute: Organization) -> None:  # fmt: skip
    long_ago = utcnow() - timedelta(days=170)
    offer = make_offer(db, institute, summary=CONVINCING_OFFER["summary"], published_at=long_ago, confirmed_at=long_ago)
    form = edit_form(researcher_client, offer, trl="7", intent="save")
    response = researcher_client.post(f"/offers/{offer.id}/edit", data=form)
    db.refresh(offer)
    assert (offer.status, offer.trl) == ("published", 6)  # the change waits for review (test_revisions.py)
    assert days_since(offer.confirmed_at) == 0  # going over it confirms it at once
    assert "gửi Sở thẩm định" in page(response).select_one(".notice.success").get_text()


def test_a_save_from_a_stale_tab_is_refused_and_keeps_what_was_typed(researcher_client: TestClient, db: Session,
                                                                     institute: Organization) -> None:  # fmt: skip
    offer = make_offer(db, institute, status="draft", published_at=None)
    first_tab = edit_form(researcher_client, offer, title="Tiêu đề sửa ở thẻ thứ nhất", intent="draft")
    second_tab = edit_form(researcher_client, offer, description="Mô tả mới gõ ở thẻ thứ hai, không được mất.")
    researcher_client.post(f"/offers/{offer.id}/edit", data=first_tab)
    response = researcher_client.post(f"/offers/{offer.id}/edit", data=second_tab)
    html = page(response)
    assert response.status_code == 409
    assert html.select_one(".notice.error").get_text().strip().startswith("Có người đã thay đổi tin này")
    assert html.select_one("#f-description").get_text() == "Mô tả mới gõ ở thẻ thứ hai, không được mất."
    saved = {dd.parent.dt.get_text(): dd.get_text() for dd in html.select(".conflict dd")}
    assert saved["Tiêu đề"] == "Tiêu đề sửa ở thẻ thứ nhất"
    db.refresh(offer)
    assert offer.description != "Mô tả mới gõ ở thẻ thứ hai, không được mất."


def test_saving_again_after_a_conflict_keeps_the_second_tabs_text(researcher_client: TestClient, db: Session,
                                                                   institute: Organization) -> None:  # fmt: skip
    offer = make_offer(db, institute, status="draft", published_at=None)
    second_tab = edit_form(researcher_client, offer, description="Mô tả của thẻ thứ hai.")
    researcher_client.post(f"/offers/{offer.id}/edit", data=edit_form(researcher_client, offer, title="Thẻ thứ nhất"))
    conflict = page(researcher_client.post(f"/offers/{offer.id}/edit", data=second_tab))
    again = second_tab | {"version": conflict.select_one("input[name=version]")["value"]}
    assert researcher_client.post(f"/offers/{offer.id}/edit", data=again, follow_redirects=False).status_code == 303
    db.refresh(offer)
    assert (offer.description, offer.version) == ("Mô tả của thẻ thứ hai.", 3)


def test_a_rejected_listing_shows_the_reason_on_its_form(researcher_client: TestClient, db: Session,
                                                         institute: Organization) -> None:  # fmt: skip
    reason = "Vui lòng bổ sung số bằng độc quyền giải pháp hữu ích và kết quả kiểm nghiệm."
    offer = make_offer(db, institute, status="rejected", rejection_reason=reason, published_at=None)
    html = page(researcher_client.get(f"/offers/{offer.id}/edit"))
    assert html.select_one(".rejection .prose").get_text() == reason


def test_the_conflict_lists_only_fields_that_really_differ(researcher_client: TestClient, db: Session,
                                                           institute: Organization) -> None:  # fmt: skip
    offer = make_offer(db, institute, status="draft", published_at=None, collaboration_types=[])
    second_tab = edit_form(researcher_client, offer, keywords="tinh dầu tràm,chưng cất ,  cineole")
    del second_tab["collaboration_types"]  # nothing ticked: the browser sends no value at all
    researcher_client.post(f"/offers/{offer.id}/edit", data=edit_form(researcher_client, offer, title="Thẻ thứ nhất"))
    html = page(researcher_client.post(f"/offers/{offer.id}/edit", data=second_tab))
    assert [dt.get_text() for dt in html.select(".conflict dt")] == ["Tiêu đề"]
