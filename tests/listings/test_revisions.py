"""Changes to a published listing wait for the Department: the approved version stays public meanwhile."""

from datetime import timedelta

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.freshness import expire_stale
from marketplace.listing_forms import form_of
from marketplace.models import AuditLog, ListingRevision, Need, Notification, Offer, Organization, User
from marketplace.models._base import utcnow
from tests.builders import make_offer, page
from tests.listings.conftest import CONVINCING_OFFER, hidden_fields
from tests.listings.test_review import HTMX, REASON, submitted_offer

NEW_TITLE = "Quy trình chưng cất tinh dầu tràm bằng hơi nước quá nhiệt, hiệu suất cao"


def published_offer(db: Session, institute: Organization, researcher: User) -> Offer:
    return make_offer(db, institute, owner_id=researcher.id, ip_status="patent", ip_reference="1-0034567")


def edit(client: TestClient, listing: Offer, **fields: object) -> int:
    """Save the edit form as it is shown now, with `fields` typed over it; the response status."""
    shown = {k: v for k, v in form_of(listing).items() if k in CONVINCING_OFFER}
    form = shown | hidden_fields(client, f"/offers/{listing.id}/edit") | {"intent": "save"} | fields
    return client.post(f"/offers/{listing.id}/edit", data=form, follow_redirects=False).status_code


def revisions(db: Session) -> list[ListingRevision]:
    db.expire_all()
    return list(db.exec(select(ListingRevision)).all())


def decide(client: TestClient, listing: Offer | Need, decision: str, **fields: str) -> BeautifulSoup:
    """Approve or reject the listing's changes from the queue, as htmx does; the fragment answered."""
    kind = "offer" if isinstance(listing, Offer) else "need"
    row = page(client.get("/review")).select_one(f"#review-{kind}-{listing.id}-changes")
    assert row is not None, f"no changes of {kind} {listing.id} in the queue"
    form = row.select_one(f'form[action$="/changes/{decision}"]')
    data = {str(i["name"]): str(i["value"]) for i in form.select("input[type=hidden]")} | fields
    response = client.post(str(form["action"]), data=data, headers=HTMX)
    assert response.status_code == 200
    return page(response)


def found(client: TestClient, words: str) -> list[int]:
    return [hit["id"] for hit in client.get("/api/v1/search", params={"q": words}).json()["results"]]


def test_an_owners_edit_of_a_published_listing_keeps_the_public_version(
    researcher_client: TestClient, client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    offer = published_offer(db, institute, researcher)
    public_title = offer.title
    assert edit(researcher_client, offer, title=NEW_TITLE, trl="7") == 303
    db.refresh(offer)
    assert (offer.status, offer.title, offer.trl) == ("published", public_title, 6)
    assert page(client.get(f"/offers/{offer.id}")).select_one("h1").get_text() == public_title
    [revision] = revisions(db)
    assert (revision.status, revision.values["title"], revision.values["trl"]) == ("pending", NEW_TITLE, 7)


def test_the_owner_sees_that_changes_wait_for_review_on_the_page_and_the_form(
    researcher_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    offer = published_offer(db, institute, researcher)
    edit(researcher_client, offer, title=NEW_TITLE)
    listing_page = page(researcher_client.get(f"/offers/{offer.id}"))
    assert "đang chờ Sở thẩm định" in listing_page.select_one(".revision-notice").get_text()
    form = page(researcher_client.get(f"/offers/{offer.id}/edit"))
    assert "đang chờ Sở thẩm định" in form.select_one(".revision-notice").get_text()
    assert form.select_one("#f-title")["value"] == NEW_TITLE
    assert form.select_one("button[name=intent]").get_text() == "Gửi thay đổi để thẩm định"


def test_editing_again_updates_the_one_pending_revision(
    researcher_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    offer = published_offer(db, institute, researcher)
    edit(researcher_client, offer, title=NEW_TITLE)
    db.refresh(offer)
    assert edit(researcher_client, offer, title=NEW_TITLE, advantages="Hiệu suất tăng 30 % so với nồi thủ công.") == 303
    [revision] = revisions(db)
    assert revision.values["title"] == NEW_TITLE
    assert revision.values["advantages"] == "Hiệu suất tăng 30 % so với nồi thủ công."


def test_saving_the_public_text_unchanged_withdraws_the_pending_changes(
    researcher_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    offer = published_offer(db, institute, researcher)
    public_title = offer.title
    edit(researcher_client, offer, title=NEW_TITLE)
    db.refresh(offer)
    edit(researcher_client, offer, title=public_title)
    assert revisions(db) == []


def test_the_queue_shows_each_changed_field_before_and_after(
    researcher_client: TestClient, staff_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    offer = published_offer(db, institute, researcher)
    public_title = offer.title
    edit(researcher_client, offer, title=NEW_TITLE, trl="7")
    row = page(staff_client.get("/review")).select_one(f"#review-offer-{offer.id}-changes")
    changes = {tr.th.get_text(): [td.get_text() for td in tr.select("td")] for tr in row.select("tbody tr")}
    assert changes == {"Tiêu đề": [public_title, NEW_TITLE], "Mức độ sẵn sàng công nghệ (TRL)": ["6", "7"]}


def test_approving_the_changes_makes_them_public_and_searchable(
    researcher_client: TestClient, staff_client: TestClient, client: TestClient, db: Session,
    institute: Organization, researcher: User,
) -> None:  # fmt: skip
    offer = published_offer(db, institute, researcher)
    edit(researcher_client, offer, title=NEW_TITLE)
    assert offer.id not in found(client, "quá nhiệt")
    outcome = decide(staff_client, offer, "approve")
    assert "Đã công bố các thay đổi" in outcome.select_one("[role=status]").get_text()
    assert page(client.get(f"/offers/{offer.id}")).select_one("h1").get_text() == NEW_TITLE
    assert offer.id in found(client, "quá nhiệt")
    assert revisions(db) == []
    notice = db.exec(select(Notification).where(Notification.user_id == researcher.id)).one()
    assert notice.params["title"] == NEW_TITLE
    audit = db.exec(select(AuditLog).where(AuditLog.action == "listing.publish_revision")).one()
    assert audit.detail["fields"] == ["title"]


def test_rejecting_the_changes_tells_the_owner_and_keeps_the_public_text(
    researcher_client: TestClient, staff_client: TestClient, client: TestClient, db: Session,
    institute: Organization, researcher: User,
) -> None:  # fmt: skip
    offer = published_offer(db, institute, researcher)
    public_title = offer.title
    edit(researcher_client, offer, title=NEW_TITLE)
    decide(staff_client, offer, "reject", reason=REASON)
    assert page(client.get(f"/offers/{offer.id}")).select_one("h1").get_text() == public_title
    notice = db.exec(select(Notification).where(Notification.user_id == researcher.id)).one()
    assert notice.params["reason"] == REASON
    [revision] = revisions(db)
    assert (revision.status, revision.rejection_reason) == ("rejected", REASON)
    form = page(researcher_client.get(f"/offers/{offer.id}/edit"))
    assert form.select_one(".revision-notice .prose").get_text() == REASON
    assert form.select_one("#f-title")["value"] == NEW_TITLE
    assert f"review-offer-{offer.id}-changes" not in staff_client.get("/review").text


def test_the_owner_edits_rejected_changes_and_sends_them_again(
    researcher_client: TestClient, staff_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    offer = published_offer(db, institute, researcher)
    edit(researcher_client, offer, title=NEW_TITLE)
    decide(staff_client, offer, "reject", reason=REASON)
    db.refresh(offer)
    assert edit(researcher_client, offer, title=NEW_TITLE + " (bản sửa)") == 303
    [revision] = revisions(db)
    assert (revision.status, revision.rejection_reason) == ("pending", None)
    assert page(staff_client.get("/review")).select_one(f"#review-offer-{offer.id}-changes") is not None


def test_changes_edited_after_the_reviewer_opened_them_are_not_approved_unseen(
    researcher_client: TestClient, staff_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    offer = published_offer(db, institute, researcher)
    edit(researcher_client, offer, title=NEW_TITLE)
    row = page(staff_client.get("/review")).select_one(f"#review-offer-{offer.id}-changes")
    opened = {str(i["name"]): str(i["value"]) for i in row.select('form[action$="/approve"] input[type=hidden]')}
    db.refresh(offer)
    edit(researcher_client, offer, title=NEW_TITLE + " (bản sửa)")
    staff_client.post(f"/review/offer/{offer.id}/changes/approve", data=opened)
    db.refresh(offer)
    assert offer.title != NEW_TITLE + " (bản sửa)"
    assert revisions(db)[0].status == "pending"


def test_only_staff_approve_changes(
    researcher_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    offer = published_offer(db, institute, researcher)
    edit(researcher_client, offer, title=NEW_TITLE)
    db.refresh(offer)
    csrf = hidden_fields(researcher_client, "/offers/new")["csrf_token"]
    response = researcher_client.post(
        f"/review/offer/{offer.id}/changes/approve", data={"csrf_token": csrf, "version": str(offer.version)}
    )
    assert response.status_code == 403
    db.refresh(offer)
    assert offer.title != NEW_TITLE


def test_staff_edits_of_a_published_listing_apply_at_once_and_are_audited(
    staff_client: TestClient, db: Session, institute: Organization
) -> None:
    offer = make_offer(db, institute)
    assert edit(staff_client, offer, title=NEW_TITLE) == 303
    db.refresh(offer)
    assert offer.title == NEW_TITLE
    assert revisions(db) == []
    audit = db.exec(select(AuditLog).where(AuditLog.action == "listing.edit")).one()
    assert audit.detail["fields"] == ["title"]


def test_an_owners_edit_of_a_draft_applies_at_once(
    researcher_client: TestClient, db: Session, institute: Organization
) -> None:
    offer = make_offer(db, institute, status="draft", published_at=None, confirmed_at=None)
    assert edit(researcher_client, offer, title=NEW_TITLE, intent="draft") == 303
    db.refresh(offer)
    assert offer.title == NEW_TITLE
    assert revisions(db) == []


def test_the_queue_count_follows_each_decision(
    researcher_client: TestClient, staff_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    first, second = submitted_offer(db, institute, days=3), submitted_offer(db, institute, days=2)
    offer = published_offer(db, institute, researcher)
    edit(researcher_client, offer, title=NEW_TITLE)
    assert page(staff_client.get("/review")).select_one("#review-count").get_text() == "3 tin đang chờ duyệt"
    counts = []
    for listing, decision, data in ((first, "reject", {"reason": REASON}), (second, "approve", {}), (offer, None, {})):
        if decision is None:
            fragment = decide(staff_client, offer, "approve")
        else:
            row = page(staff_client.get("/review")).select_one(f"#review-offer-{listing.id}")
            form = row.select_one(f'form[action$="/{decision}"]')
            fields = {str(i["name"]): str(i["value"]) for i in form.select("input[type=hidden]")} | data
            fragment = page(staff_client.post(str(form["action"]), data=fields, headers=HTMX))
        count = fragment.select_one("#review-count[hx-swap-oob]")
        counts.append(count.get_text())
    assert counts == ["2 tin đang chờ duyệt", "1 tin đang chờ duyệt", "0 tin đang chờ duyệt"]


def test_my_exchange_marks_listings_whose_changes_wait_or_were_sent_back(
    researcher_client: TestClient, staff_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    offer = published_offer(db, institute, researcher)

    def row_badges() -> list[str]:
        links = page(researcher_client.get("/me")).select("#listings .listing-row")
        row = next(r for r in links if r.select_one(".row-title")["href"].endswith(f"/offers/{offer.id}"))
        return [b.get_text(strip=True) for b in row.select(".badge")]

    assert row_badges() == ["Chào bán công nghệ", "Đã đăng"]
    edit(researcher_client, offer, title=NEW_TITLE)
    assert row_badges()[-1] == "Thay đổi đang chờ Sở thẩm định"
    decide(staff_client, offer, "reject", reason=REASON)
    me = page(researcher_client.get("/me"))
    sent_back = me.select_one(f'#listings a.badge[href$="/offers/{offer.id}/edit"]')
    assert sent_back is not None and sent_back.get_text(strip=True) == "Thay đổi bị trả lại"


def test_changes_waiting_for_review_go_when_the_listing_expires(
    researcher_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    offer = published_offer(db, institute, researcher)
    edit(researcher_client, offer, title=NEW_TITLE)
    assert len(revisions(db)) == 1
    db.refresh(offer)
    offer.confirmed_at = utcnow() - timedelta(days=400)
    db.add(offer)
    db.commit()
    assert expire_stale(db) == 1
    assert revisions(db) == []  # else they would come back to the queue once the listing is published again
