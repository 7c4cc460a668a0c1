"""Department staff find every inquiry on /inquiries, the ones stuck longest first; members keep My exchange."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from marketplace import inquiry_board
from marketplace.errors import Forbidden
from marketplace.models import Inquiry, InquiryMessage, Need, Offer
from marketplace.models._base import utcnow
from tests.builders import log_in, make_need, make_offer, make_org, make_user, page


class Exchange:
    """Two organizations, an offer and a need, and a broker at the Department."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.institute = make_org(db, name_vi="Viện Công nghệ Sinh học Huế")
        self.company = make_org(db, kind="enterprise", name_vi="Công ty CP Dược Huế Xanh")
        self.researcher = make_user(db, self.institute, full_name="TS. Nguyễn Thị Diệu Linh")
        self.buyer = make_user(db, self.company, role="enterprise", full_name="Trần Văn Phước")
        self.staff = make_user(db, role="staff", full_name="Hoàng Minh Tâm")
        self.offer = make_offer(db, self.institute, title="Tinh dầu tràm Phú Lộc chưng cất hơi nước")
        self.need = make_need(db, self.company, title="Cần quy trình sấy lạnh thanh long ruột đỏ")
        self.asked: set[tuple[str, int | None]] = set()

    def inquiry(self, about: Offer | Need, days_ago: int, status: str = "pending", messages: int = 0) -> Inquiry:
        """An inquiry sent `days_ago` days ago to the owner of `about` by the other organization."""
        kind = "offer" if isinstance(about, Offer) else "need"
        sender, org = (self.buyer, self.company) if kind == "offer" else (self.researcher, self.institute)
        if (kind, about.id) in self.asked:  # an organization has one inquiry at a time waiting about a listing
            org = make_org(self.db, kind="cooperative", name_vi=f"Hợp tác xã Dược liệu Phong Điền {len(self.asked)}")
            sender = make_user(self.db, org, full_name=f"Lê Thị Mai {len(self.asked)}")
        self.asked.add((kind, about.id))
        sent = utcnow() - timedelta(days=days_ago, hours=1)
        inquiry = Inquiry(
            listing_kind=kind, listing_id=about.id, sender_id=sender.id, sender_org_id=org.id,
            recipient_org_id=about.organization_id, status=status, created_at=sent,
            message="Chúng tôi muốn tìm hiểu thêm về điều kiện chuyển giao.",
            answered_at=None if status == "pending" else sent + timedelta(days=1),
        )  # fmt: skip
        self.db.add(inquiry)
        self.db.flush()
        for n in range(messages):
            self.db.add(InquiryMessage(inquiry_id=inquiry.id, author_id=sender.id, author_org_id=org.id,
                                       body=f"Câu hỏi số {n + 1}", created_at=sent + timedelta(hours=n + 2)))  # fmt: skip
        self.db.commit()
        return inquiry


@pytest.fixture
def exchange(db: Session) -> Exchange:
    return Exchange(db)


def shown_ids(response: object) -> list[int]:
    rows = page(response).select(".inquiry-board tbody tr[id]")  # type: ignore[arg-type]
    return [int(str(tr["id"]).removeprefix("inquiry-")) for tr in rows]


def test_staff_see_the_inquiries_waiting_for_an_answer_the_longest_waiting_first(
    client: TestClient, exchange: Exchange
) -> None:
    recent = exchange.inquiry(exchange.offer, days_ago=2)
    oldest = exchange.inquiry(exchange.need, days_ago=20)
    exchange.inquiry(exchange.offer, days_ago=30, status="accepted")
    log_in(client, exchange.staff)
    response = client.get("/inquiries")
    assert response.status_code == 200
    assert shown_ids(response) == [oldest.id, recent.id]
    row = page(response).select_one(f"#inquiry-{oldest.id}")
    assert row.select_one(".inquiry-about a")["href"].endswith(f"/inquiries/{oldest.id}")
    assert row.select_one(".inquiry-about a").get_text(strip=True) == "Cần quy trình sấy lạnh thanh long ruột đỏ"
    assert row.select_one("td:nth-child(2)").get_text(strip=True) == "Nhu cầu công nghệ"
    assert [a.get_text(strip=True) for a in row.select(".inquiry-parties a")] == [
        "Viện Công nghệ Sinh học Huế",
        "Công ty CP Dược Huế Xanh",
    ]
    assert row.select_one(".age").get_text(strip=True) == "20 ngày trước"
    assert row.select_one(".inquiry-status").get_text(strip=True) == "Đang chờ trả lời"


def test_other_states_are_shown_newest_first_and_all_of_them_together(client: TestClient, exchange: Exchange) -> None:
    pending = exchange.inquiry(exchange.offer, days_ago=1)
    old_yes = exchange.inquiry(exchange.offer, days_ago=40, status="accepted")
    new_yes = exchange.inquiry(exchange.need, days_ago=5, status="accepted")
    declined = exchange.inquiry(exchange.need, days_ago=9, status="declined")
    withdrawn = exchange.inquiry(exchange.need, days_ago=3, status="withdrawn")
    log_in(client, exchange.staff)
    assert shown_ids(client.get("/inquiries", params={"state": "accepted"})) == [new_yes.id, old_yes.id]
    assert shown_ids(client.get("/inquiries", params={"state": "declined"})) == [declined.id]
    assert shown_ids(client.get("/inquiries", params={"state": "withdrawn"})) == [withdrawn.id]
    everything = client.get("/inquiries", params={"state": "all"})
    assert shown_ids(everything) == [pending.id, withdrawn.id, new_yes.id, declined.id, old_yes.id]
    assert page(everything).select_one("#f-state option[selected]")["value"] == "all"


def test_the_age_filter_keeps_the_inquiries_sent_longer_ago_than_chosen(client: TestClient, exchange: Exchange) -> None:
    exchange.inquiry(exchange.offer, days_ago=3)
    ten = exchange.inquiry(exchange.need, days_ago=10)
    forty = exchange.inquiry(exchange.offer, days_ago=40)
    exchange.inquiry(exchange.need, days_ago=20, status="declined")
    log_in(client, exchange.staff)
    assert shown_ids(client.get("/inquiries", params={"older": "7"})) == [forty.id, ten.id]
    assert shown_ids(client.get("/inquiries", params={"older": "30"})) == [forty.id]
    response = client.get("/inquiries", params={"older": "14", "state": "all"})
    assert len(shown_ids(response)) == 2
    assert page(response).select_one("#f-older option[selected]")["value"] == "14"


def test_filter_values_that_cannot_be_used_give_way_to_the_default_with_a_message(
    client: TestClient, exchange: Exchange
) -> None:
    waiting = exchange.inquiry(exchange.offer, days_ago=4)
    exchange.inquiry(exchange.need, days_ago=4, status="accepted")
    log_in(client, exchange.staff)
    response = client.get("/inquiries", params={"state": "đang treo", "older": "-1' OR 1=1", "page": "999"})
    assert response.status_code == 422
    html = page(response)
    assert shown_ids(response) == [waiting.id]
    assert html.select_one("#e-state").get_text(strip=True) == "Vui lòng chọn một trong các mục có sẵn."
    assert html.select_one("#e-older") is not None
    assert html.select_one("#f-state option[selected]")["value"] == "pending"


def test_members_are_still_sent_to_my_exchange(client: TestClient, exchange: Exchange) -> None:
    exchange.inquiry(exchange.offer, days_ago=4)
    log_in(client, exchange.buyer)
    response = client.get("/inquiries", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/me#sent")


def test_visitors_are_asked_to_log_in(client: TestClient, exchange: Exchange) -> None:
    response = client.get("/inquiries", params={"state": "all"}, follow_redirects=False)
    assert response.status_code == 303
    assert "/login" in response.headers["location"]


def test_the_domain_refuses_the_list_to_members(exchange: Exchange) -> None:
    with pytest.raises(Forbidden):
        inquiry_board.board_page(exchange.db, exchange.buyer, inquiry_board.BoardFilters())


def test_the_page_counts_the_inquiries_and_each_thread_s_messages(client: TestClient, exchange: Exchange) -> None:
    talked = exchange.inquiry(exchange.offer, days_ago=6, messages=3)
    quiet = exchange.inquiry(exchange.need, days_ago=5)
    log_in(client, exchange.staff)
    html = page(client.get("/inquiries"))
    assert html.select_one(".result-count").get_text(strip=True) == "2 lượt bày tỏ quan tâm"
    assert html.select_one(f"#inquiry-{talked.id} .inquiry-messages").get_text(strip=True) == "3"
    assert html.select_one(f"#inquiry-{quiet.id} .inquiry-messages").get_text(strip=True) == "0"
    [row] = [r for r in inquiry_board.board_page(exchange.db, exchange.staff, inquiry_board.BoardFilters()).rows
             if r.inquiry.id == talked.id]  # fmt: skip
    assert row.last_activity - row.inquiry.created_at.replace(tzinfo=row.last_activity.tzinfo) == timedelta(hours=4)


def test_twenty_inquiries_a_page_with_the_filters_kept_in_the_pager(client: TestClient, exchange: Exchange) -> None:
    for n in range(21):
        exchange.inquiry(exchange.offer if n % 2 else exchange.need, days_ago=8 + n)
    log_in(client, exchange.staff)
    first = client.get("/inquiries", params={"older": "7"})
    assert len(shown_ids(first)) == 20
    next_link = page(first).select_one(".pager a[rel=next]")["href"]
    assert "older=7" in next_link and "page=2" in next_link
    assert len(shown_ids(client.get(next_link))) == 1


@contextmanager
def counted(db: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = db.get_bind()

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_a_page_takes_the_same_few_queries_for_two_inquiries_or_twenty(exchange: Exchange) -> None:
    def queries() -> int:
        exchange.db.expire_all()
        with counted(exchange.db) as statements:
            inquiry_board.board_page(exchange.db, exchange.staff, inquiry_board.BoardFilters(state="all"))
        return len(statements)

    exchange.inquiry(exchange.offer, days_ago=1, messages=1)
    exchange.inquiry(exchange.need, days_ago=2)
    few = queries()
    for n in range(18):
        exchange.inquiry(exchange.offer if n % 2 else exchange.need, days_ago=3 + n, messages=n % 3)
    assert queries() == few


def test_the_menu_counts_the_inquiries_waiting_more_than_a_week(client: TestClient, exchange: Exchange) -> None:
    exchange.inquiry(exchange.offer, days_ago=8)
    exchange.inquiry(exchange.need, days_ago=30)
    exchange.inquiry(exchange.need, days_ago=6)
    exchange.inquiry(exchange.offer, days_ago=20, status="declined")
    log_in(client, exchange.staff)
    link = page(client.get("/")).select_one("nav a[href$='/inquiries']")
    assert link.select_one(".count").get_text(strip=True) == "2"
    assert "has-waiting" in link.select_one(".count")["class"]


def test_members_see_no_inquiries_link_in_the_menu(client: TestClient, exchange: Exchange) -> None:
    log_in(client, exchange.buyer)
    assert page(client.get("/")).select_one("nav a[href$='/inquiries']") is None


def test_the_dashboard_links_to_the_inquiries_waiting_for_an_answer(client: TestClient, exchange: Exchange) -> None:
    log_in(client, exchange.staff)
    link = page(client.get("/dashboard")).select_one("#kpi-reply a")
    assert link["href"].endswith("/inquiries")
