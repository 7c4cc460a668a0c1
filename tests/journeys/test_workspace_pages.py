"""Journey 5: My exchange (/me) a page at a time — every long section says its total and reaches its last row."""

from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from marketplace import collaborations
from marketplace.models import Inquiry, MatchProposal, Notification, Organization, User
from marketplace.models._base import utcnow
from tests.builders import log_in, make_need, make_offer, make_org, make_user, page
from tests.journeys.helpers import MESSAGE, Parties, answer


def listings_of(db: Session, org: Organization, offers: int, needs: int) -> set[str]:
    """`offers` offers and `needs` needs of `org`, all changed at the same moment (ids settle the order)."""
    moment = utcnow() - timedelta(days=1)
    titles = set()
    for n in range(offers):
        titles.add(make_offer(db, org, title=f"Quy trình chế biến dược liệu Huế số {n:03d}", updated_at=moment).title)
    for n in range(needs):
        titles.add(make_need(db, org, title=f"Cần giải pháp bảo quản nông sản số {n:03d}", updated_at=moment).title)
    return titles


def inquiries_between(db: Session, parties: Parties, *, pending: int, answered: int) -> None:
    """Inquiries from the company to the institute: `pending` old ones waiting, `answered` newer declined ones."""
    now = utcnow()
    targets = [parties.offer] + [make_offer(db, parties.institute, title=f"Công nghệ số {n}") for n in range(pending)]
    for n in range(pending + answered):
        waiting = n < pending
        db.add(
            Inquiry(
                listing_kind="offer",
                listing_id=targets[n + 1 if waiting else 0].id,
                sender_id=parties.buyer.id,
                sender_org_id=parties.company.id,
                recipient_org_id=parties.institute.id,
                message=MESSAGE,
                status="pending" if waiting else "declined",
                decline_reason=None if waiting else "no_budget",
                created_at=now - timedelta(days=30 if waiting else 1, minutes=n),
                answered_at=None if waiting else now,
            )
        )
    db.commit()


def shown(client: TestClient, path: str, selector: str) -> list[str]:
    """The ids (or texts) of the rows a page of /me shows in one section."""
    return [row.get("id") or row.get_text(" ", strip=True) for row in page(client.get(path)).select(selector)]


def every_page(client: TestClient, name: str, selector: str, pages: int) -> list[list[str]]:
    return [shown(client, f"/me?{name}_page={n}", selector) for n in range(1, pages + 1)]


@pytest.fixture
def member(client: TestClient, db: Session) -> User:
    """A logged-in member of an institute with nothing yet."""
    user = make_user(db, make_org(db, name_vi="Viện Dược liệu Trung ương – Chi nhánh Huế"))
    log_in(client, user)
    return user


def test_a_long_list_of_listings_says_how_many_there_are_in_all(client: TestClient, db: Session, member: User) -> None:
    listings_of(db, db.get(Organization, member.organization_id), offers=80, needs=52)
    html = page(client.get("/me"))
    assert html.select_one("#listings .section-count").get_text() == "Đang hiển thị 1–50 trên tổng số 132"
    assert html.select_one(".me-nav a[href='#listings'] .count").get_text() == "132"
    assert len(html.select("#listings .listing-row")) == 50
    assert html.select_one("#listings .pager-where").get_text() == "Trang 1/3"


def test_the_pages_of_my_listings_hold_every_listing_once(client: TestClient, db: Session, member: User) -> None:
    titles = listings_of(db, db.get(Organization, member.organization_id), offers=80, needs=52)
    pages = every_page(client, "listings", "#listings .listing-row .row-title", 3)
    assert [len(p) for p in pages] == [50, 50, 32]
    assert not set(pages[0]) & set(pages[1])
    everything = Counter(title for p in pages for title in p)
    assert set(everything) == titles and set(everything.values()) == {1}


def test_the_next_page_link_works_without_javascript_and_jumps_to_its_section(
    client: TestClient, db: Session, member: User
) -> None:
    listings_of(db, db.get(Organization, member.organization_id), offers=60, needs=0)
    link = urlsplit(page(client.get("/me")).select_one("#listings .pager a[rel=next]")["href"])
    assert (link.path, parse_qs(link.query), link.fragment) == ("/me", {"listings_page": ["2"]}, "listings")
    second = page(client.get(f"/me?{link.query}"))
    assert second.select_one("#listings .section-count").get_text() == "Đang hiển thị 51–60 trên tổng số 60"
    assert urlsplit(second.select_one("#listings .pager a[rel=prev]")["href"]).query == "listings_page=1"


def test_paging_one_section_keeps_the_page_of_the_others(client: TestClient, db: Session, parties: Parties) -> None:
    inquiries_between(db, parties, pending=0, answered=55)
    listings_of(db, parties.company, offers=55, needs=0)
    log_in(client, parties.buyer)
    html = page(client.get("/me?sent_page=2"))
    link = urlsplit(html.select_one("#listings .pager a[rel=next]")["href"])
    assert parse_qs(link.query) == {"listings_page": ["2"], "sent_page": ["2"]}
    assert html.select_one("#sent .section-count").get_text() == "Đang hiển thị 51–55 trên tổng số 55"


def test_waiting_inquiries_come_first_on_the_first_page_even_when_old(
    client: TestClient, db: Session, parties: Parties
) -> None:
    inquiries_between(db, parties, pending=3, answered=60)
    log_in(client, parties.researcher)
    html = page(client.get("/me"))
    statuses = [card["class"] for card in html.select("#received .inquiry")]
    assert ["status-pending" in c for c in statuses[:4]] == [True, True, True, False]
    assert html.select_one(".me-nav a[href='#received'] .count").get_text() == "3"
    assert html.select_one("#received .section-count").get_text() == "Đang hiển thị 1–50 trên tổng số 63"


def test_the_pages_of_received_and_sent_inquiries_hold_every_inquiry_once(
    client: TestClient, other_client: TestClient, db: Session, parties: Parties
) -> None:
    inquiries_between(db, parties, pending=3, answered=60)
    log_in(client, parties.researcher)
    log_in(other_client, parties.buyer)
    received = every_page(client, "received", "#received .inquiry", 2)
    sent = every_page(other_client, "sent", "#sent .inquiry", 2)
    for pages in (received, sent):
        assert [len(p) for p in pages] == [50, 13]
        assert len({i for p in pages for i in p}) == 63


def test_a_page_past_the_end_shows_the_last_page(client: TestClient, db: Session, member: User) -> None:
    listings_of(db, db.get(Organization, member.organization_id), offers=0, needs=70)
    response = client.get("/me?listings_page=999")
    html = page(response)
    assert response.status_code == 200
    assert html.select_one("#listings .pager-where").get_text() == "Trang 2/2"
    assert len(html.select("#listings .listing-row")) == 20


@pytest.mark.parametrize("junk", ["abc", "0", "-3", "2.5", "99999999999"])
def test_a_page_number_that_is_not_one_is_refused_with_a_message(client: TestClient, member: User, junk: str) -> None:
    response = client.get(f"/me?listings_page={junk}")
    assert response.status_code == 422
    assert page(response).select_one(".toast-error").get_text() == "Một số giá trị gửi lên không hợp lệ."


def test_a_short_section_has_no_count_line_and_no_pager(client: TestClient, db: Session, member: User) -> None:
    listings_of(db, db.get(Organization, member.organization_id), offers=2, needs=1)
    html = page(client.get("/me"))
    assert html.select("#listings .section-count") == [] and html.select("#listings .pager") == []
    assert html.select_one(".me-nav a[href='#listings'] .count").get_text() == "3"


def test_htmx_paging_answers_only_that_section(client: TestClient, db: Session, member: User) -> None:
    listings_of(db, db.get(Organization, member.organization_id), offers=55, needs=0)
    html = page(client.get("/me?listings_page=2", headers={"HX-Request": "true", "HX-Target": "listings"}))
    assert [s["id"] for s in html.select("section")] == ["listings"]
    assert len(html.select(".listing-row")) == 5 and html.select_one("header") is None
    next_link = page(client.get("/me")).select_one("#listings .pager a[rel=next]")
    assert (next_link["hx-target"], next_link["hx-get"]) == ("#listings", "http://testserver/me?listings_page=2")


def test_the_count_line_is_in_english_for_english_readers(client: TestClient, db: Session, member: User) -> None:
    listings_of(db, db.get(Organization, member.organization_id), offers=51, needs=0)
    client.get("/lang/en")
    html = page(client.get("/me?listings_page=2"))
    assert html.select_one("#listings .section-count").get_text() == "Showing 51–51 of 51"
    assert html.select_one("#listings .pager")["aria-label"] == "Pages of “My organization's listings”"


def test_notices_are_paged_with_the_unread_ones_first(client: TestClient, db: Session, member: User) -> None:
    now = utcnow()
    for n in range(35):
        read = None if n < 2 else now
        db.add(
            Notification(user_id=member.id, message="Inquiry withdrawn.", at=now - timedelta(days=35 - n), read_at=read)
        )
    db.commit()
    first, second = every_page(client, "notifications", "#notifications .notice-row", 2)
    assert len(first) == 30 and len(second) == 5
    unread = page(client.get("/me")).select("#notifications .notice-row")[:3]
    assert ["unread" in row["class"] for row in unread] == [True, True, False]
    assert page(client.get("/me")).select_one("#notifications .section-count").get_text() == (
        "Đang hiển thị 1–30 trên tổng số 35"
    )


def test_proposals_are_paged_and_count_only_partners_still_open(
    client: TestClient, db: Session, parties: Parties
) -> None:
    parties.need.updated_at = utcnow() - timedelta(days=10)
    db.add(parties.need)
    listings_of(db, parties.company, offers=0, needs=55)  # so the need is not among the company's 50 newest listings
    for n in range(23):
        offer = make_offer(db, parties.institute, title=f"Giải pháp chiết xuất tinh dầu số {n}")
        db.add(MatchProposal(need_id=parties.need.id, offer_id=offer.id, score=0.9 - n / 100, terms=["tinh dầu"]))
    closed = make_offer(db, parties.institute, title="Tin đã lưu trữ", status="archived")
    db.add(MatchProposal(need_id=parties.need.id, offer_id=closed.id, score=0.99))
    db.commit()
    log_in(client, parties.buyer)
    first, second = every_page(client, "proposals", "#proposals .proposal-row a.partner", 2)
    assert (len(first), len(second), len(set(first + second))) == (20, 3, 23)
    assert "Tin đã lưu trữ" not in first + second
    html = page(client.get("/me"))
    assert html.select_one("#proposals .section-count").get_text() == "Đang hiển thị 1–20 trên tổng số 23"
    assert html.select_one(".me-nav a[href='#proposals'] .count").get_text() == "23"


def test_collaborations_are_paged(client: TestClient, db: Session, parties: Parties) -> None:
    for n in range(52):
        collaborations.open_collaboration(
            db,
            provider_org_id=parties.institute.id,
            seeker_org_id=parties.company.id,
            title=f"Hợp tác chuyển giao công nghệ số {n}",
            stage="negotiating",
            actor_id=None,
        )
    db.commit()
    log_in(client, parties.buyer)
    first, second = every_page(client, "collaborations", "#collaborations .deal-row a.row-title", 2)
    assert (len(first), len(second), len(set(first + second))) == (50, 2, 52)


def test_an_answer_given_on_the_page_has_its_counts_and_waiting_line_counted_again(
    client: TestClient, db: Session, parties: Parties
) -> None:
    """htmx: accepting from /me asks the page to count again (HX-Trigger); the counts come with the
    waiting line swapped out of band."""
    inquiries_between(db, parties, pending=2, answered=0)
    log_in(client, parties.researcher)
    before = page(client.get("/me"))
    assert before.select_one("#me-nav a[href='#received'] .count").get_text() == "2"
    assert before.select_one("#received-waiting").get_text(strip=True) == "2 bày tỏ quan tâm đang chờ bạn trả lời."
    first = before.select_one("#received .inquiry")["id"].removeprefix("inquiry-")
    answered = answer(client, int(first), "accept", htmx=True)
    assert answered.status_code == 200 and answered.headers["HX-Trigger"] == "exchange-changed"

    again = page(client.get("/me", headers={"HX-Request": "true", "HX-Target": "me-nav"}))
    assert again.select_one("header") is None and again.select("section") == []
    assert again.select_one("#me-nav a[href='#received'] .count").get_text() == "1"
    assert again.select_one("#me-nav a[href='#collaborations'] .count").get_text() == "1"
    line = again.select_one("#received-waiting")
    assert line["hx-swap-oob"] == "true" and line.get_text(strip=True) == "1 bày tỏ quan tâm đang chờ bạn trả lời."
    assert page(client.get("/me")).select_one("#received-waiting").get_text(strip=True).startswith("1 ")
