"""A listing's life after it is written: sent for review, archived, confirmed as current, expired."""

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from marketplace import cli, freshness
from marketplace.models import AuditLog, ListingEvent, Notification, Organization, OutboxMail, User
from marketplace.models._base import utcnow
from tests.builders import csrf_of, make_need, make_offer, page
from tests.listings.conftest import CONVINCING_OFFER


def days_ago(days: int) -> datetime:
    return utcnow() - timedelta(days=days)


def post_button(client: TestClient, page_path: str, action: str) -> Response:
    """Press the button whose form posts to `action` on the page at `page_path`."""
    form = page(client.get(page_path)).select_one(f'form[action$="{action}"]')
    assert form is not None, f"no button for {action} on {page_path}"
    return client.post(str(form["action"]), data={i["name"]: i["value"] for i in form.select("input[type=hidden]")})


def test_a_complete_draft_is_sent_for_review_from_its_page(researcher_client: TestClient, db: Session,
                                                           institute: Organization) -> None:  # fmt: skip
    offer = make_offer(db, institute, status="draft", published_at=None, summary=CONVINCING_OFFER["summary"])
    response = post_button(researcher_client, f"/offers/{offer.id}", "/submit")
    db.refresh(offer)
    assert offer.status == "submitted"
    assert page(response).select_one(".facts .badge").get_text() == "Chờ duyệt"


def test_an_incomplete_draft_goes_back_to_its_form_with_what_is_missing(researcher_client: TestClient, db: Session,
                                                                        institute: Organization) -> None:  # fmt: skip
    offer = make_offer(db, institute, status="draft", published_at=None, summary="", collaboration_types=[])
    response = post_button(researcher_client, f"/offers/{offer.id}", "/submit")
    html = page(response)
    assert response.status_code == 422
    assert html.select_one("#e-summary") is not None and html.select_one("#e-collaboration_types") is not None
    db.refresh(offer)
    assert offer.status == "draft"


def test_archiving_takes_the_listing_off_the_exchange(researcher_client: TestClient, client: TestClient, db: Session,
                                                      institute: Organization) -> None:  # fmt: skip
    need = make_need(db, institute)
    post_button(researcher_client, f"/needs/{need.id}", "/archive")
    db.refresh(need)
    assert need.status == "archived"
    assert client.get(f"/needs/{need.id}").status_code == 404
    assert page(client.get("/needs")).select(".listing-card") == []


def test_confirming_restarts_the_freshness_clock(researcher_client: TestClient, db: Session,
                                                 institute: Organization) -> None:  # fmt: skip
    offer = make_offer(db, institute, published_at=days_ago(200), confirmed_at=days_ago(190))
    response = post_button(researcher_client, f"/offers/{offer.id}", "/confirm")
    html = page(response)
    assert html.select_one(".notice.success").get_text() == "Cảm ơn bạn: tin đã được xác nhận vẫn còn hiệu lực."
    assert "xác nhận hôm nay" in html.select_one(".facts").get_text()
    assert db.exec(select(ListingEvent.action).where(ListingEvent.listing_id == offer.id)).all() == ["confirm"]


def test_a_published_listing_says_how_long_ago_it_was_confirmed(client: TestClient, db: Session) -> None:
    offer = make_offer(db, confirmed_at=days_ago(12))
    assert "xác nhận 12 ngày trước" in page(client.get(f"/offers/{offer.id}")).select_one(".facts").get_text()


def test_the_owner_of_a_stale_listing_is_asked_to_confirm_it(researcher_client: TestClient, client: TestClient,
                                                            db: Session, institute: Organization) -> None:  # fmt: skip
    offer = make_offer(db, institute, published_at=days_ago(200), confirmed_at=days_ago(190))
    notice = page(researcher_client.get(f"/offers/{offer.id}")).select_one(".confirm-due")
    assert notice.get_text(strip=True) == (
        "Vui lòng xác nhận tin này vẫn còn hiệu lực. Nếu không được xác nhận, tin sẽ hết hạn sau 20 ngày."
    )
    assert page(client.get(f"/offers/{offer.id}")).select_one(".confirm-due") is None


def test_a_fresh_listing_does_not_ask_for_confirmation(researcher_client: TestClient, db: Session,
                                                       institute: Organization) -> None:  # fmt: skip
    offer = make_offer(db, institute, confirmed_at=days_ago(30))
    assert page(researcher_client.get(f"/offers/{offer.id}")).select_one(".confirm-due") is None


@pytest.mark.parametrize("action", ["/archive", "/confirm", "/submit"])
def test_another_organization_cannot_change_the_status(outsider_client: TestClient, db: Session, action: str) -> None:
    offer = make_offer(db)
    csrf = csrf_of(outsider_client, "/offers/new")
    assert outsider_client.post(f"/offers/{offer.id}{action}", data={"csrf_token": csrf}).status_code == 403
    db.refresh(offer)
    assert offer.status == "published"


def test_listings_unconfirmed_past_the_grace_period_expire(db: Session) -> None:
    stale = make_offer(db, published_at=days_ago(400), confirmed_at=days_ago(211))
    due = make_need(db, published_at=days_ago(400), confirmed_at=days_ago(200))
    fresh = make_offer(db, confirmed_at=days_ago(20))
    assert freshness.expire_stale(db) == 1
    for listing in (stale, due, fresh):
        db.refresh(listing)
    assert (stale.status, due.status, fresh.status) == ("expired", "published", "published")
    audit = db.exec(select(AuditLog).where(AuditLog.action == "listing.expired")).one()
    assert (audit.entity, audit.entity_id, audit.actor_id) == ("offer", stale.id, None)


def test_owners_of_due_listings_are_notified_once(db: Session, researcher: User, institute: Organization) -> None:
    offer = make_offer(db, institute, owner_id=researcher.id, published_at=days_ago(300), confirmed_at=days_ago(185))
    make_offer(db, institute, owner_id=researcher.id, confirmed_at=days_ago(20))
    assert freshness.ask_owners_to_confirm(db) == 1
    assert freshness.ask_owners_to_confirm(db) == 0
    notice = db.exec(select(Notification)).one()
    assert (notice.user_id, notice.link, notice.params["days"]) == (researcher.id, f"/offers/{offer.id}", 25)
    mail = db.exec(select(OutboxMail)).one()
    assert mail.to == researcher.email and "cách đây 185 ngày" in mail.body


def test_the_expire_listings_command_reports_what_it_did(db: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    make_offer(db, published_at=days_ago(400), confirmed_at=days_ago(300))
    make_need(db, published_at=days_ago(190), confirmed_at=days_ago(190))
    monkeypatch.setattr("marketplace.db.get_engine", lambda: engine)
    assert cli.main(["expire-listings"]) == 0
    assert capsys.readouterr().out.strip() == '{"expired": 1, "asked_to_confirm": 1}'
