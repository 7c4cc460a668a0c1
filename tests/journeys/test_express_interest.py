"""Journey 3: an enterprise expresses interest in a listing or an expert with a message."""

from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import inquiries
from marketplace.errors import Conflict
from marketplace.models import Inquiry
from tests.builders import csrf_of, log_in, make_offer, make_user, page
from tests.journeys.helpers import MESSAGE, Parties, express_interest


def inquiries_in(db: Session) -> list[Inquiry]:
    db.expire_all()
    return list(db.exec(select(Inquiry)).all())


def test_a_visitor_is_asked_to_log_in_before_expressing_interest(client: TestClient, parties: Parties) -> None:
    box = page(client.get(f"/offers/{parties.offer.id}")).select_one("#interest-box")
    link = urlsplit(box.select_one("a.button")["href"])
    assert link.path == "/login" and parse_qs(link.query)["next"] == [f"/offers/{parties.offer.id}"]
    assert box.select_one("form") is None


def test_sending_the_form_creates_an_inquiry_and_opens_its_page(
    client: TestClient, db: Session, parties: Parties
) -> None:
    log_in(client, parties.buyer)
    response = express_interest(client, "offer", parties.offer.id)
    [inquiry] = inquiries_in(db)
    assert response.status_code == 303 and response.headers["location"].endswith(f"/inquiries/{inquiry.id}")
    assert (inquiry.sender_id, inquiry.sender_org_id, inquiry.recipient_org_id) == (
        parties.buyer.id,
        parties.company.id,
        parties.institute.id,
    )
    html = page(client.get(response.headers["location"]))
    assert html.select_one(".notice.success").get_text() == (
        "Đã gửi bày tỏ quan tâm. Bạn sẽ nhận được thông báo khi bên kia trả lời."
    )
    assert html.select_one(".inquiry-message").get_text() == MESSAGE
    assert html.select_one(".inquiry .badge.inquiry-status").get_text() == "Đang chờ trả lời"


def test_with_htmx_the_box_turns_into_the_waiting_state(client: TestClient, db: Session, parties: Parties) -> None:
    log_in(client, parties.buyer)
    response = express_interest(client, "offer", parties.offer.id, htmx=True)
    assert response.status_code == 200
    box = page(response).select_one("#interest-box")
    assert box.select_one(".notice.success") is not None and box.select_one("form") is None
    assert urlsplit(box.select_one("a.button")["href"]).path == f"/inquiries/{inquiries_in(db)[0].id}"


def test_the_listing_page_remembers_that_the_organization_is_waiting(client: TestClient, parties: Parties) -> None:
    log_in(client, parties.buyer)
    express_interest(client, "offer", parties.offer.id)
    box = page(client.get(f"/offers/{parties.offer.id}")).select_one("#interest-box")
    assert box.select_one("form") is None
    assert "đang chờ trả lời" in box.get_text()


def test_an_empty_message_is_refused_beside_the_field(client: TestClient, db: Session, parties: Parties) -> None:
    log_in(client, parties.buyer)
    response = express_interest(client, "offer", parties.offer.id, message="   ")
    assert response.status_code == 422
    assert page(response).select_one("#e-message").get_text() == "Vui lòng nhập trường này."
    assert inquiries_in(db) == []


def test_an_overlong_message_is_refused_and_kept(client: TestClient, db: Session, parties: Parties) -> None:
    log_in(client, parties.buyer)
    message = "Chúng tôi muốn hợp tác. " * 200
    response = express_interest(client, "offer", parties.offer.id, message=message)
    html = page(response)
    assert response.status_code == 422
    assert html.select_one("#e-message").get_text() == "Vui lòng viết không quá 3.000 ký tự (hiện có 4.799)."
    assert html.select_one("#f-message").get_text() == message
    assert inquiries_in(db) == []


def test_a_too_short_message_is_refused_with_htmx_inside_the_box(client: TestClient, parties: Parties) -> None:
    log_in(client, parties.buyer)
    response = express_interest(client, "offer", parties.offer.id, message="Xin chào", htmx=True)
    html = page(response)
    assert response.status_code == 422 and html.select_one("#interest-box #e-message") is not None
    assert html.select_one("#f-message").get_text() == "Xin chào"


def test_html_and_script_in_the_message_are_shown_as_text(
    client: TestClient, other_client: TestClient, parties: Parties
) -> None:
    log_in(client, parties.buyer)
    express_interest(client, "offer", parties.offer.id, message="<script>alert('xss')</script> <b>đậm</b> hợp tác")
    log_in(other_client, parties.researcher)
    card = page(other_client.get("/me")).select_one("#received .inquiry")
    assert card.select_one(".inquiry-message").get_text() == "<script>alert('xss')</script> <b>đậm</b> hợp tác"
    assert card.select("script") == [] and card.select("b") == []


def test_sending_the_form_twice_keeps_one_inquiry_and_shows_it(
    client: TestClient, db: Session, parties: Parties
) -> None:
    log_in(client, parties.buyer)
    token = csrf_of(client, f"/offers/{parties.offer.id}")
    form = {"csrf_token": token, "listing_kind": "offer", "listing_id": str(parties.offer.id), "message": MESSAGE}
    first = client.post("/inquiries", data=form, follow_redirects=False)
    second = client.post("/inquiries", data=form, follow_redirects=False)
    assert second.status_code == 303 and second.headers["location"] == first.headers["location"]
    assert len(inquiries_in(db)) == 1
    notice = page(client.get(second.headers["location"])).select_one(".notice")
    assert notice.get_text() == "Tổ chức của bạn đã gửi bày tỏ quan tâm về nội dung này và đang chờ trả lời."


def test_a_colleague_cannot_open_a_second_pending_inquiry(client: TestClient, db: Session, parties: Parties) -> None:
    log_in(client, parties.buyer)
    express_interest(client, "offer", parties.offer.id)
    client.post("/logout", data={"csrf_token": csrf_of(client, "/")})
    log_in(client, make_user(db, parties.company, role="enterprise"))
    response = express_interest(client, "offer", parties.offer.id, htmx=True)
    assert response.status_code == 409
    assert page(response).select_one("#interest-box .notice.warning") is not None
    assert len(inquiries_in(db)) == 1


def test_nobody_sends_an_inquiry_to_their_own_organization(client: TestClient, db: Session, parties: Parties) -> None:
    log_in(client, parties.colleague)
    html = page(client.get(f"/offers/{parties.offer.id}"))
    assert html.select_one("#interest-box") is None  # no "Interested?" on one's own listing
    assert html.select_one(".manage-panel a[href$='/me#received']") is not None  # its inquiries are in My exchange
    assert express_interest(client, "offer", parties.offer.id).status_code == 403
    assert inquiries_in(db) == []


def test_an_unpublished_listing_cannot_be_asked_about(client: TestClient, db: Session, parties: Parties) -> None:
    draft = make_offer(db, parties.institute, status="draft", published_at=None)
    log_in(client, parties.buyer)
    form = {
        "csrf_token": csrf_of(client, "/me"),
        "listing_kind": "offer",
        "listing_id": str(draft.id),
        "message": MESSAGE,
    }
    assert client.post("/inquiries", data=form).status_code == 404
    form |= {"listing_kind": "patent", "listing_id": "abc"}
    assert client.post("/inquiries", data=form).status_code == 404
    assert inquiries_in(db) == []


def test_the_form_needs_a_login_and_its_csrf_token(client: TestClient, db: Session, parties: Parties) -> None:
    form = {"listing_kind": "offer", "listing_id": str(parties.offer.id), "message": MESSAGE}
    anonymous = client.post("/inquiries", data=form | {"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert urlsplit(anonymous.headers["location"]).path == "/login"
    log_in(client, parties.buyer)
    assert client.post("/inquiries", data=form | {"csrf_token": "giả-mạo"}).status_code == 403
    assert inquiries_in(db) == []


def test_a_need_owner_can_be_asked_too(client: TestClient, db: Session, parties: Parties) -> None:
    log_in(client, parties.researcher)
    express_interest(client, "need", parties.need.id, message="Viện có quy trình GC-MS phù hợp với nhu cầu này.")
    [inquiry] = inquiries_in(db)
    assert (inquiry.listing_kind, inquiry.recipient_org_id) == ("need", parties.company.id)


def test_an_expert_inquiry_reaches_only_that_researcher(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    log_in(client, parties.buyer)
    express_interest(client, "expert", parties.researcher.id)
    [inquiry] = inquiries_in(db)
    assert (inquiry.listing_kind, inquiry.recipient_org_id) == ("expert", parties.institute.id)
    log_in(other_client, parties.colleague)
    assert page(other_client.get("/me")).select("#received .inquiry") == []
    assert other_client.get(f"/inquiries/{inquiry.id}").status_code == 404
    other_client.post("/logout", data={"csrf_token": csrf_of(other_client, "/")})
    log_in(other_client, parties.researcher)
    assert len(page(other_client.get("/me")).select("#received .inquiry")) == 1


def test_the_plain_form_page_shows_errors_without_javascript(client: TestClient, parties: Parties) -> None:
    log_in(client, parties.buyer)
    html = page(client.get(f"/inquiries/new?listing_kind=offer&listing_id={parties.offer.id}"))
    assert html.select_one("h1").get_text() == f"Bày tỏ quan tâm đến “{parties.offer.title}”"
    assert html.select_one("#interest-box form textarea#f-message") is not None


def test_two_sends_racing_past_the_check_still_leave_one_pending_inquiry(
    db: Session, parties: Parties, monkeypatch: pytest.MonkeyPatch
) -> None:
    inquiries.express_interest(
        db, sender=parties.buyer, listing_kind="offer", listing_id=parties.offer.id, message=MESSAGE
    )
    real = inquiries.pending_from
    checks: list[str] = []

    def checked_too_early(*args):  # type: ignore[no-untyped-def]
        checks.append("check")  # the second request checked before the first one committed
        return None if len(checks) == 1 else real(*args)

    monkeypatch.setattr(inquiries, "pending_from", checked_too_early)
    with pytest.raises(Conflict) as refused:
        inquiries.express_interest(
            db, sender=parties.buyer, listing_kind="offer", listing_id=parties.offer.id, message=MESSAGE
        )
    assert isinstance(refused.value.current, Inquiry)
    assert len(inquiries_in(db)) == 1
