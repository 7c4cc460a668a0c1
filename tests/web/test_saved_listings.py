"""Members keep offers and needs on a list of their own ("Tin đã lưu"), with a private note, and come back to them."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import freshness, listing_forms, listing_review, publishing
from marketplace.models import Membership, Need, Offer, Organization, SavedListing, User
from marketplace.models._base import utcnow
from tests.builders import PASSWORD, csrf_of, log_in, make_need, make_offer, make_org, make_user, page
from tests.listings.conftest import CONVINCING_OFFER

HTMX = {"HX-Request": "true"}


def saved_rows(db: Session, user: User) -> list[SavedListing]:
    db.expire_all()
    return list(db.exec(select(SavedListing).where(SavedListing.user_id == user.id)).all())


def keep(db: Session, user: User, listing: Offer | Need, note: str = "", days_ago: int = 0) -> SavedListing:
    """A saved row made directly, `days_ago` days back."""
    kind = "offer" if isinstance(listing, Offer) else "need"
    saved = SavedListing(user_id=user.id, listing_kind=kind, listing_id=listing.id, note=note,
                         created_at=utcnow() - timedelta(days=days_ago))  # fmt: skip
    db.add(saved)
    db.commit()
    return saved


def member(client: TestClient, db: Session, **overrides: object) -> User:
    user = make_user(db, make_org(db, kind="enterprise", name_vi="Công ty Cổ phần Dược Medipharco"), **overrides)
    log_in(client, user)
    return user


# -- saving from the listing's page ----------------------------------------------------------------------


def test_a_member_saves_an_offer_with_a_plain_form_and_comes_back_to_its_page(client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    user = member(client, db)
    button = page(client.get(f"/offers/{offer.id}")).select_one("#save-listing form")
    assert button.select_one("button").get_text(" ", strip=True) == "☆ Lưu tin"
    response = client.post(button["action"], data={"csrf_token": csrf_of(client, f"/offers/{offer.id}")})
    assert response.status_code == 200 and response.url.path == f"/offers/{offer.id}"
    html = page(response)
    assert html.select_one(".notice.success").get_text(strip=True) == "Đã lưu tin. Bạn xem lại trong mục Tin đã lưu."
    assert html.select_one("#save-listing button").get_text(" ", strip=True) == "★ Đã lưu — bỏ lưu"
    assert html.select_one("#save-listing a")["href"].endswith("/saved")
    assert [(s.listing_kind, s.listing_id) for s in saved_rows(db, user)] == [("offer", offer.id)]


def test_with_htmx_the_button_turns_into_what_it_did_and_back(client: TestClient, db: Session) -> None:
    need = make_need(db)
    user = member(client, db)
    headers = HTMX | {"X-CSRF-Token": csrf_of(client, f"/needs/{need.id}")}
    saved = page(client.post(f"/saved/need/{need.id}", headers=headers))
    assert saved.select_one("#save-listing button").get_text(" ", strip=True) == "★ Đã lưu — bỏ lưu"
    assert saved.select_one("[role=status]").get_text(" ", strip=True) == "Đã lưu vào danh sách của bạn. Tin đã lưu"
    assert saved.select_one("html") is None  # a fragment, not the page
    action = saved.select_one("#save-listing form")["hx-post"]
    unsaved = page(client.post(action, headers=headers))
    assert unsaved.select_one("#save-listing button").get_text(" ", strip=True) == "☆ Lưu tin"
    assert unsaved.select_one("[role=status]").get_text(strip=True) == "Đã bỏ khỏi danh sách tin đã lưu."
    assert saved_rows(db, user) == []


def test_unsaving_with_a_plain_form_comes_back_to_the_listing(client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    user = member(client, db)
    keep(db, user, offer)
    form = page(client.get(f"/offers/{offer.id}")).select_one("#save-listing form")
    response = client.post(form["action"], data={"csrf_token": csrf_of(client, f"/offers/{offer.id}")})
    assert response.url.path == f"/offers/{offer.id}"
    assert page(response).select_one(".notice.success").get_text(strip=True) == (
        "Đã bỏ “Quy trình chưng cất tinh dầu tràm đạt chuẩn 1,8-cineole” khỏi danh sách tin đã lưu."
    )
    assert saved_rows(db, user) == []


def test_saving_twice_keeps_one(client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    user = member(client, db)
    token = csrf_of(client, f"/offers/{offer.id}")
    for _ in range(2):
        assert (
            client.post(f"/saved/offer/{offer.id}", data={"csrf_token": token}, follow_redirects=False).status_code
            == 303
        )
    assert len(saved_rows(db, user)) == 1


def test_a_visitor_is_offered_to_log_in_and_comes_back_to_the_listing(client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    link = page(client.get(f"/offers/{offer.id}")).select_one("#save-listing a")
    assert link.get_text(strip=True) == "Đăng nhập để lưu tin này"
    assert parse_qs(urlsplit(link["href"]).query)["next"] == [f"/offers/{offer.id}"]
    token = csrf_of(client)
    refused = client.post(f"/saved/offer/{offer.id}", data={"csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 303 and urlsplit(refused.headers["location"]).path == "/login"


def test_a_save_without_the_csrf_token_is_refused(client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    user = member(client, db)
    assert client.post(f"/saved/offer/{offer.id}", data={}).status_code == 403
    assert saved_rows(db, user) == []


def test_a_listing_the_member_cannot_see_cannot_be_saved(client: TestClient, db: Session) -> None:
    draft = make_offer(db, status="draft", published_at=None)
    user = member(client, db)
    token = csrf_of(client, "/saved")
    for path in (f"/saved/offer/{draft.id}", "/saved/offer/987654", "/saved/tin/1", "/saved/need/0"):
        assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    assert client.post(f"/saved/offer/{draft.id}/delete", data={"csrf_token": token}).status_code == 404
    assert saved_rows(db, user) == []


def test_a_member_saves_a_draft_of_their_own_organization(client: TestClient, db: Session) -> None:
    user = member(client, db)
    draft = make_need(db, db.get(Organization, user.organization_id), status="draft", published_at=None)
    token = csrf_of(client, f"/needs/{draft.id}")
    assert client.post(f"/saved/need/{draft.id}", data={"csrf_token": token}).status_code == 200
    assert len(saved_rows(db, user)) == 1


def test_no_one_touches_another_members_saved_listing(client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    owner = make_user(db)
    keep(db, owner, offer, note="Hỏi giá chuyển giao trước Tết.")
    other = member(client, db)
    token = csrf_of(client, "/saved")
    note = client.post(f"/saved/offer/{offer.id}/note", data={"csrf_token": token, "note": "Ghi đè"})
    assert note.status_code == 404
    client.post(f"/saved/offer/{offer.id}/delete", data={"csrf_token": token, "from": "saved"})
    assert [s.note for s in saved_rows(db, owner)] == ["Hỏi giá chuyển giao trước Tết."]
    assert saved_rows(db, other) == []
    assert "Hỏi giá chuyển giao" not in client.get("/saved").text


def test_at_most_200_listings_are_kept(client: TestClient, db: Session) -> None:
    user = member(client, db)
    db.add_all(SavedListing(user_id=user.id, listing_kind="offer", listing_id=10_000 + n) for n in range(200))
    db.commit()
    offer = make_offer(db)
    token = csrf_of(client, f"/offers/{offer.id}")
    refused = client.post(f"/saved/offer/{offer.id}", data={"csrf_token": token})
    assert refused.status_code == 422
    message = "Bạn đã lưu 200 tin, mức tối đa: hãy bỏ bớt một tin trong Tin đã lưu trước."
    assert message in page(refused).get_text()
    toast = client.post(f"/saved/offer/{offer.id}", headers=HTMX | {"X-CSRF-Token": token})
    assert toast.headers["HX-Retarget"] == "#toasts" and message in toast.text
    assert len(saved_rows(db, user)) == 200


# -- the list on /saved ------------------------------------------------------------------------------------


def test_the_list_asks_visitors_to_log_in(client: TestClient) -> None:
    response = client.get("/saved", follow_redirects=False)
    target = urlsplit(response.headers["location"])
    assert response.status_code == 303 and target.path == "/login" and parse_qs(target.query)["next"] == ["/saved"]


def test_logged_in_members_reach_the_list_from_the_header(client: TestClient, db: Session) -> None:
    assert not page(client.get("/")).select('.main-nav a[href$="/saved"]')
    member(client, db)
    link = page(client.get("/")).select_one('.main-nav a[href$="/saved"]')
    assert link.get_text(strip=True) == "Tin đã lưu"


def test_an_empty_list_points_to_search(client: TestClient, db: Session) -> None:
    member(client, db)
    html = page(client.get("/saved"))
    assert html.select_one(".empty strong").get_text(strip=True) == "Bạn chưa lưu tin nào."
    assert html.select_one(".empty a")["href"].endswith("/search")


def test_the_list_shows_each_listing_newest_first_with_its_facts_and_note(client: TestClient, db: Session) -> None:
    org = make_org(
        db, name_vi="Viện Hóa học các Hợp chất thiên nhiên", name_en="Institute of Natural Products Chemistry"
    )
    month_ago = utcnow() - timedelta(days=30)
    offer = make_offer(db, org, title="Cao khô cà gai leo chuẩn hóa solasodin", trl=7, updated_at=month_ago)
    need = make_need(db, title="Nồi nấu dầu tràm cũ bị gỉ, dầu sẫm màu, tốn củi", min_trl=5, updated_at=month_ago)
    user = member(client, db)
    keep(db, user, offer, note="Hỏi hồ sơ độ ổn định và giá chuyển giao.", days_ago=12)
    keep(db, user, need, days_ago=3)
    html = page(client.get("/saved"))
    assert html.select_one("h1").get_text(strip=True) == "Tin đã lưu"
    cards = html.select("li.saved-listing")
    assert [c.select_one(".card-title").get_text(strip=True) for c in cards] == [need.title, offer.title]
    first, second = cards[1], cards[0]
    kicker = [s.get_text(strip=True) for s in first.select(".card-kicker > span")]
    assert kicker == ["Chào bán công nghệ", "Dược liệu và sản phẩm tự nhiên", "TRL 7"]
    assert [s.get_text(strip=True) for s in second.select(".card-kicker > span")][-1] == "TRL từ 5 trở lên"
    assert first.select_one(".card-title a")["href"].endswith(f"/offers/{offer.id}")
    assert first.select_one(".card-org").get_text(strip=True) == "Viện Hóa học các Hợp chất thiên nhiên"
    assert "xác nhận 10 ngày trước" in first.select_one(".saved-meta").get_text()
    assert (
        first.select_one(".saved-note").get_text(strip=True)
        == "Ghi chú của bạn:Hỏi hồ sơ độ ổn định và giá chuyển giao."
    )
    assert html.select_one("#saved-list > p.muted").get_text(strip=True) == "Đã lưu 2 trên tối đa 200 tin."


def test_the_list_speaks_english_when_asked(client: TestClient, db: Session) -> None:
    org = make_org(
        db, name_vi="Viện Hóa học các Hợp chất thiên nhiên", name_en="Institute of Natural Products Chemistry"
    )
    user = member(client, db)
    keep(db, user, make_offer(db, org), note="Ghi chú riêng")
    html = page(client.get("/saved", params={"lang": "en"}))
    assert html.select_one("html")["lang"] == "en"
    assert html.select_one("h1").get_text(strip=True) == "Saved listings"
    assert html.select_one(".card-org").get_text(strip=True) == "Institute of Natural Products Chemistry"
    assert html.select_one(".note-edit summary").get_text(strip=True) == "Edit your note"
    assert html.select_one(".saved-actions button.link-button").get_text(" ", strip=True).startswith("Remove from list")
    client.cookies.set("lang", "en")
    assert page(client.get("/saved")).select_one("h1").get_text(strip=True) == "Saved listings"


def test_a_listing_no_longer_shown_is_marked_and_not_linked(client: TestClient, db: Session) -> None:
    offer = make_offer(db, title="Quy trình sấy khô nguyên bông hoa sen làm trà (phiên bản 2018)")
    user = member(client, db)
    keep(db, user, offer, note="Chờ bản quy trình mới.", days_ago=20)
    offer.status = "archived"
    db.add(offer)
    db.commit()
    card = page(client.get("/saved")).select_one("li.saved-listing")
    assert "is-gone" in card["class"]
    assert card.select_one(".card-title a") is None
    assert card.select_one(".card-title").get_text(strip=True) == offer.title
    assert card.select_one(".gone-note").get_text(strip=True) == "Tin không còn hiển thị trên Sàn."
    assert card.select_one(".badge.status-archived").get_text(strip=True) == "Đã lưu trữ"
    assert card.select_one(".note-edit") is not None and card.select_one(".saved-actions form[action$='/delete']")


def test_members_of_the_owning_organization_still_open_their_archived_listing(client: TestClient, db: Session) -> None:
    user = member(client, db)
    offer = make_offer(db, db.get(Organization, user.organization_id), status="archived")
    keep(db, user, offer)
    card = page(client.get("/saved")).select_one("li.saved-listing")
    assert card.select_one(".card-title a")["href"].endswith(f"/offers/{offer.id}")
    assert card.select_one(".badge.status-archived") is not None and card.select_one(".gone-note") is None


def published_offer(db: Session) -> tuple[Offer, User, User]:
    """An offer sent by its owner and published by the Department through their use cases; with both people."""
    owner = make_user(db, make_org(db, name_vi="Viện Công nghệ Sinh học, Đại học Huế"), full_name="TS. Lê Văn Khiêm")
    staff = make_user(db, role="staff", full_name="Lê Thị Ngọc Ánh")
    offer = publishing.create_listing(db, owner, "offer", CONVINCING_OFFER, submit=True)
    return listing_review.approve_listing(db, staff, offer, version=offer.version), owner, staff  # type: ignore[return-value]


def changed_badges(client: TestClient) -> list[str]:
    cards = page(client.get("/saved")).select("li.saved-listing")
    return [b.get_text(strip=True) for c in cards for b in c.select(".badge.changed")]


def test_an_edit_of_the_title_after_it_was_saved_shows_that_it_changed(client: TestClient, db: Session) -> None:
    offer, _, staff = published_offer(db)
    keep(db, member(client, db), offer, days_ago=5)
    assert changed_badges(client) == []  # published after it was saved: a status move, not a change of content
    edited = CONVINCING_OFFER | {"title": "Quy trình chưng cất tinh dầu tràm bằng hơi nước quá nhiệt"}
    publishing.update_listing(db, staff, offer, edited, version=offer.version)
    assert changed_badges(client) == ["Đã thay đổi từ khi bạn lưu"]


def test_a_confirmation_that_it_is_still_current_alone_shows_no_change(client: TestClient, db: Session) -> None:
    offer, owner, _ = published_offer(db)
    keep(db, member(client, db), offer, days_ago=1)
    freshness.confirm_listing(db, owner, offer)
    assert changed_badges(client) == []


def test_an_owner_saving_the_public_text_unchanged_only_confirms_it(client: TestClient, db: Session) -> None:
    """Going over a published listing and saving it as it is says it is current (as the button on its page does)."""
    offer, owner, _ = published_offer(db)
    keep(db, member(client, db), offer, days_ago=1)
    publishing.update_listing(db, owner, offer, listing_forms.form_of(offer), version=offer.version)
    assert changed_badges(client) == []
    assert publishing.events_of(db, "offer", offer.id)[0].action == "confirm"


def test_an_owners_changes_show_once_the_department_approves_them(client: TestClient, db: Session) -> None:
    offer, owner, staff = published_offer(db)
    keep(db, member(client, db), offer, days_ago=3)
    edited = CONVINCING_OFFER | {"title": "Quy trình chưng cất tinh dầu tràm bằng hơi nước quá nhiệt"}
    publishing.update_listing(db, owner, offer, edited, version=offer.version)
    assert changed_badges(client) == []  # waiting for review: the public still reads the saved version
    listing_review.approve_revision(db, staff, offer, version=offer.version)
    assert changed_badges(client) == ["Đã thay đổi từ khi bạn lưu"]


def test_a_long_list_comes_in_pages_of_20(client: TestClient, db: Session) -> None:
    org = make_org(db)
    user = member(client, db)
    for n in range(21):
        keep(db, user, make_offer(db, org, title=f"Chế phẩm vi sinh số {n}"), days_ago=30 - n)
    first = page(client.get("/saved"))
    assert len(first.select("li.saved-listing")) == 20
    assert first.select_one(".card-title").get_text(strip=True) == "Chế phẩm vi sinh số 20"
    assert first.select_one(".pager .pager-where").get_text(strip=True) == "Trang 1/2"
    following = first.select_one(".pager a[rel=next]")
    assert following["hx-target"] == "#saved-list"
    second = page(client.get(following["href"].split("#")[0]))
    assert [c.get_text(strip=True) for c in second.select(".card-title")] == ["Chế phẩm vi sinh số 0"]
    fragment = page(client.get("/saved?page=2", headers=HTMX | {"HX-Target": "saved-list"}))
    assert fragment.select_one("h1") is None and len(fragment.select("#saved-list li.saved-listing")) == 1


def test_removing_from_the_list_comes_back_to_the_same_page(client: TestClient, db: Session) -> None:
    org = make_org(db)
    user = member(client, db)
    offers = [make_offer(db, org, title=f"Giống nấm linh chi GL-H{n}") for n in range(22)]
    for n, offer in enumerate(offers):
        keep(db, user, offer, days_ago=30 - n)
    second = page(client.get("/saved?page=2"))
    form = second.select_one("li.saved-listing .saved-actions form[action$='/delete']")
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    response = client.post(form["action"], data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("/saved?page=2")
    assert page(client.get(response.headers["location"])).select_one(".notice.success").get_text(strip=True) == (
        "Đã bỏ “Giống nấm linh chi GL-H1” khỏi danh sách tin đã lưu."
    )
    assert len(saved_rows(db, user)) == 21


def test_removing_with_htmx_leaves_a_line_saying_so(client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    user = member(client, db)
    keep(db, user, offer)
    token = csrf_of(client, "/saved")
    response = client.post(
        f"/saved/offer/{offer.id}/delete", data={"from": "saved"}, headers=HTMX | {"X-CSRF-Token": token}
    )
    line = page(response).select_one("li.saved-listing.removed")
    assert line["role"] == "status"
    assert line.get_text(strip=True) == f"Đã bỏ “{offer.title}” khỏi danh sách tin đã lưu."
    assert saved_rows(db, user) == []


# -- the note ----------------------------------------------------------------------------------------------


def test_a_note_is_written_in_place_with_htmx(client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    user = member(client, db)
    keep(db, user, offer)
    form = page(client.get("/saved")).select_one(".note-edit form")
    assert form["hx-target"] == f"#saved-offer-{offer.id}"
    note = "Đề nghị chạy thử 3 mẻ ở xưởng GMP trước khi bàn hợp đồng."
    fragment = page(client.post(form["hx-post"], data={"note": f"  {note}  ", "page": "1"},
                                headers=HTMX | {"X-CSRF-Token": csrf_of(client, "/saved")}))  # fmt: skip
    assert fragment.select_one("li")["id"] == f"saved-offer-{offer.id}"
    assert fragment.select_one(".saved-note").get_text(strip=True) == f"Ghi chú của bạn:{note}"
    assert fragment.select_one("[role=status]").get_text(strip=True) == "Đã lưu ghi chú của bạn."
    assert [s.note for s in saved_rows(db, user)] == [note]


def test_a_note_is_written_with_a_plain_form(client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    user = member(client, db)
    keep(db, user, offer, note="Cũ")
    form = page(client.get("/saved")).select_one(".note-edit form")
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")} | {"note": "Hẹn gặp Viện tuần sau."}
    response = client.post(form["action"], data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith(f"/saved#saved-offer-{offer.id}")
    html = page(client.get("/saved"))
    assert html.select_one(".notice.success").get_text(strip=True) == "Đã lưu ghi chú của bạn."
    assert html.select_one(".saved-note").get_text(strip=True) == "Ghi chú của bạn:Hẹn gặp Viện tuần sau."
    assert [s.note for s in saved_rows(db, user)] == ["Hẹn gặp Viện tuần sau."]


def test_a_note_too_long_comes_back_with_what_was_typed(client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    user = member(client, db)
    keep(db, user, offer, note="Ghi chú cũ")
    typed = "Dược liệu " * 50 + "Huế"  # 503 characters
    token = csrf_of(client, "/saved")
    for headers in ({}, HTMX | {"X-CSRF-Token": token}):
        response = client.post(
            f"/saved/offer/{offer.id}/note", data={"csrf_token": token, "note": typed}, headers=headers
        )
        assert response.status_code == 422
        card = page(response).select_one(f"#saved-offer-{offer.id}")
        assert card.select_one(".note-edit").has_attr("open")
        assert card.select_one("textarea").get_text() == typed
        assert card.select_one("textarea")["aria-invalid"] == "true"
        error = card.select_one(f"#e-note-offer-{offer.id}").get_text(strip=True)
        assert error == "Vui lòng viết không quá 500 ký tự (hiện có 503)."
    assert [s.note for s in saved_rows(db, user)] == ["Ghi chú cũ"]


# -- what the listing's managers see ------------------------------------------------------------------------


def test_managers_see_how_many_saved_their_listing_never_who(client: TestClient, db: Session) -> None:
    org = make_org(db, name_vi="Viện Công nghệ Sinh học")
    manager = make_user(db, org, full_name="Lê Văn Tùng")
    db.add(Membership(user_id=manager.id, organization_id=org.id, status="approved", manager=True))
    offer = make_offer(db, org)
    readers = [make_user(db, full_name=name) for name in ("Nguyễn Thị Lan", "Phạm Minh Khôi")]
    for reader in readers:
        keep(db, reader, offer, note="Ghi chú bí mật")
    log_in(client, manager)
    html = page(client.get(f"/offers/{offer.id}"))
    assert html.select_one(".manage-panel .listing-saves").get_text(strip=True) == (
        "2 thành viên đã lưu tin này vào danh sách của họ."
    )
    assert "Nguyễn Thị Lan" not in html.get_text() and "Ghi chú bí mật" not in html.get_text()
    english = page(client.get(f"/offers/{offer.id}", params={"lang": "en"}))
    assert english.select_one(".listing-saves").get_text(strip=True) == "Saved by 2 members to their lists."
    log_in(client, readers[0])
    assert page(client.get(f"/offers/{offer.id}")).select_one(".listing-saves") is None


def test_a_new_listing_tells_its_managers_nobody_saved_it_yet(client: TestClient, db: Session) -> None:
    user = member(client, db)
    offer = make_offer(db, db.get(Organization, user.organization_id))
    saves = page(client.get(f"/offers/{offer.id}")).select_one(".listing-saves")
    assert saves.get_text(strip=True) == "Chưa có ai lưu tin này."


# -- personal data -----------------------------------------------------------------------------------------


def test_the_data_download_holds_the_saved_listings_with_their_notes(client: TestClient, db: Session) -> None:
    offer, need = make_offer(db), make_need(db)
    user = member(client, db)
    keep(db, user, offer, note="Hỏi giá chuyển giao.", days_ago=4)
    keep(db, user, need, days_ago=1)
    keep(db, make_user(db), offer, note="Của người khác")
    data = json.loads(client.get("/account/data.json").text)
    assert [{k: v for k, v in s.items() if k != "saved_at"} for s in data["saved_listings"]] == [
        {"listing": f"need {need.id}", "title": need.title, "note": ""},
        {"listing": f"offer {offer.id}", "title": offer.title, "note": "Hỏi giá chuyển giao."},
    ]
    assert all(s["saved_at"] for s in data["saved_listings"])
    assert "Của người khác" not in json.dumps(data, ensure_ascii=False)


def test_deleting_the_account_deletes_its_saved_listings(client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    user = member(client, db)
    other = make_user(db)
    keep(db, user, offer, note="Riêng tư")
    keep(db, other, offer)
    response = client.post("/account/delete", data={"csrf_token": csrf_of(client, "/account"), "password": PASSWORD})
    assert response.status_code == 200
    assert saved_rows(db, user) == []
    assert len(saved_rows(db, other)) == 1
