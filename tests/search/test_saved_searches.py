"""Members follow a search and hear of new offers and needs that match it (saved searches, `send-alerts`)."""

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import saved_searches
from marketplace.models import Notification, Organization, OutboxMail, SavedSearch, User
from marketplace.models._base import aware, utcnow
from marketplace.search import read_query
from tests.builders import csrf_of, log_in, make_need, make_offer, make_org, make_user, page
from tests.search.conftest import Backend

HTMX = {"HX-Request": "true", "HX-Target": "follow-search"}


def follow_url(html: object) -> str:
    button = html.select_one("#follow-search button")  # type: ignore[attr-defined]
    assert button is not None, "no follow button"
    return str(button["formaction"])


def saved_for(db: Session, user: User, q: str = "", **filters: str) -> SavedSearch:
    """`user` follows the search for `q` and `filters`, as if a week ago: what was published since is new."""
    query, problems = read_query({"q": [q], **{k: [v] for k, v in filters.items()}})
    assert not problems
    saved, created = saved_searches.follow(db, user, query)
    assert created
    saved.created_at = saved.checked_at = saved.seen_until = utcnow() - timedelta(days=7)
    db.add(saved)
    db.commit()
    return saved


def published(days_ago: float) -> dict[str, datetime]:
    moment = utcnow() - timedelta(days=days_ago)
    return {"published_at": moment, "confirmed_at": moment}


# -- following from the page ---------------------------------------------------------------------


def test_a_member_follows_a_search_from_the_page_without_javascript(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, role="enterprise"))
    html = page(client.get("/search", params={"q": "tinh dau tram", "sector": "medicinal", "sort": "newest"}))
    assert html.select_one("#follow-search button").get_text(strip=True) == "Theo dõi tìm kiếm này"
    url = follow_url(html)
    assert parse_qs(urlsplit(url).query) == {"q": ["tinh dau tram"], "sector": ["medicinal"]}  # not the sort

    form = {"csrf_token": csrf_of(client, "/search?q=tinh+dau+tram")}
    response = client.post(url, data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("/saved-searches")
    listed = page(client.get("/saved-searches"))
    assert (
        "Bạn đang theo dõi “tinh dau tram” · Dược liệu và sản phẩm tự nhiên"
        in listed.select_one(".notice.success").get_text()
    )
    assert [a.get_text(strip=True) for a in listed.select(".saved-search .card-title a")] == [
        "“tinh dau tram” · Dược liệu và sản phẩm tự nhiên"
    ]
    link = listed.select_one(".saved-search .card-title a")["href"]
    assert parse_qs(urlsplit(link).query) == {"q": ["tinh dau tram"], "sector": ["medicinal"]}
    again = page(client.get("/search", params={"q": "tinh dau tram", "sector": "medicinal"}))
    assert again.select_one("#follow-search button") is None
    assert again.select_one(".follow-state").get_text(" ", strip=True).startswith("Bạn đang theo dõi tìm kiếm này.")


def test_with_htmx_the_button_is_replaced_by_what_it_did(client: TestClient, db: Session) -> None:
    user = make_user(db, role="enterprise")
    log_in(client, user)
    url = follow_url(page(client.get("/search", params={"q": "cà gai leo"})))
    token = csrf_of(client, "/search?q=ca")
    fragment = client.post(url, headers=HTMX | {"X-CSRF-Token": token})
    assert fragment.status_code == 200
    html = page(fragment)
    assert html.select_one("#follow-search .follow-state").get_text(" ", strip=True).startswith("Đang theo dõi:")
    assert html.select_one("h1") is None  # only the control
    assert [s.params for s in db.exec(select(SavedSearch).where(SavedSearch.user_id == user.id))] == [
        "q=c%C3%A0+gai+leo"
    ]


def test_following_the_same_search_twice_keeps_one(client: TestClient, db: Session) -> None:
    user = make_user(db)
    log_in(client, user)
    url = follow_url(page(client.get("/search", params={"q": "dược liệu Huế"})))
    token = csrf_of(client, "/search")
    for _ in range(2):
        assert client.post(url, data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert len(db.exec(select(SavedSearch).where(SavedSearch.user_id == user.id)).all()) == 1


def test_a_visitor_is_asked_to_log_in_and_comes_back_to_the_search(client: TestClient, db: Session) -> None:
    html = page(client.get("/search", params={"q": "sen Huế"}))
    link = html.select_one("#follow-search a")
    assert link.get_text(strip=True) == "Đăng nhập để theo dõi tìm kiếm này"
    assert parse_qs(urlsplit(link["href"]).query)["next"] == ["/search?q=sen+Hu%E1%BA%BF"]


def test_nothing_to_follow_without_words_or_filters_or_for_organizations_only(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db))
    assert page(client.get("/search")).select_one("#follow-search") is None
    assert (
        page(client.get("/search", params={"q": "viện", "kind": "organization"})).select_one("#follow-search") is None
    )
    token = csrf_of(client, "/search")
    refused = client.post("/saved-searches", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "Hãy gõ vài từ hoặc chọn bộ lọc" in refused.text
    assert "Traceback" not in refused.text


def test_a_member_follows_at_most_twenty_searches(client: TestClient, db: Session) -> None:
    user = make_user(db)
    for n in range(saved_searches.MAX_PER_USER):
        saved_searches.follow(db, user, read_query({"q": [f"tinh dầu {n}"]})[0])
    log_in(client, user)
    token = csrf_of(client, "/search")
    refused = client.post("/saved-searches?q=nấm+linh+chi", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "Bạn đã theo dõi 20 tìm kiếm" in refused.text
    assert len(db.exec(select(SavedSearch).where(SavedSearch.user_id == user.id)).all()) == 20


def test_a_member_changes_how_often_and_stops_following(client: TestClient, db: Session) -> None:
    user = make_user(db)
    saved = saved_for(db, user, "bảo quản thanh trà")
    log_in(client, user)
    token = csrf_of(client, "/saved-searches")
    response = client.post(f"/saved-searches/{saved.id}", data={"csrf_token": token, "frequency": "weekly"})
    assert (
        page(response).select_one(".notice.success").get_text(strip=True) == "Đã lưu: “bảo quản thanh trà”, hằng tuần."
    )
    assert page(response).select_one(f"#frequency-{saved.id} option[selected]")["value"] == "weekly"
    bad = client.post(f"/saved-searches/{saved.id}", data={"csrf_token": token, "frequency": "hourly"})
    assert bad.status_code == 422 and "Traceback" not in bad.text
    gone = client.post(f"/saved-searches/{saved.id}/delete", data={"csrf_token": token})
    assert (
        page(gone).select_one(".notice.success").get_text(strip=True) == "Bạn không còn theo dõi “bảo quản thanh trà”."
    )
    assert page(gone).select_one(".saved-search") is None
    assert db.exec(select(SavedSearch.id).where(SavedSearch.id == saved.id)).first() is None


def test_another_member_cannot_see_change_or_stop_a_saved_search(client: TestClient, db: Session) -> None:
    saved = saved_for(db, make_user(db), "tôm thẻ chân trắng")
    log_in(client, make_user(db))
    assert page(client.get("/saved-searches")).select_one(".saved-search") is None
    token = csrf_of(client, "/saved-searches")
    assert (
        client.post(f"/saved-searches/{saved.id}", data={"csrf_token": token, "frequency": "paused"}).status_code == 404
    )
    assert client.post(f"/saved-searches/{saved.id}/delete", data={"csrf_token": token}).status_code == 404
    db.refresh(saved)
    assert saved.frequency == "daily"


def test_saved_searches_need_a_login(client: TestClient) -> None:
    response = client.get("/saved-searches", follow_redirects=False)
    assert response.status_code == 303 and "/login" in response.headers["location"]


# -- alerts --------------------------------------------------------------------------------------


def test_new_matching_listings_reach_the_member_once_by_notice_and_mail(db: Session) -> None:
    member = make_user(db, role="enterprise", organization=make_org(db, kind="enterprise", name_vi="Công ty Dược Huế"))
    saved = saved_for(db, member, "tinh dau tram")  # typed without accents
    institute = make_org(db, name_vi="Viện Công nghệ Sinh học")
    new = make_offer(db, institute, title="Chiết xuất tinh dầu tràm bằng vi sóng", **published(1))
    make_offer(db, institute, title="Tinh dầu tràm: quy trình cũ", **published(30))  # before the search was saved
    make_offer(db, institute, title="Tinh dầu tràm gió, bản nháp", status="draft", published_at=None)
    unrelated = {"summary": "Ao lót bạt ở đầm phá Tam Giang.", "description": "Mật độ thả.", "keywords": ["tôm thẻ"]}
    make_offer(db, institute, title="Nuôi tôm thẻ trong ao lót bạt", **unrelated, **published(1))  # no match
    their_own = db.get(Organization, member.organization_id)
    make_need(db, their_own, title="Cần tinh dầu tràm đạt chuẩn xuất khẩu", **published(1))

    report = saved_searches.send_alerts(db)
    assert (report.checked, report.alerted, report.listings) == (1, 1, 1)
    notice = db.exec(select(Notification).where(Notification.user_id == member.id)).one()
    assert notice.params == {"search": "“tinh dau tram”", "count": "1"}
    assert parse_qs(urlsplit(notice.link).query) == {"q": ["tinh dau tram"], "sort": ["newest"]}
    mail = db.exec(select(OutboxMail).where(OutboxMail.to == member.email)).one()
    assert mail.subject == "Tin mới trên Sàn cho “tinh dau tram”"
    assert "• [Chào bán công nghệ] Chiết xuất tinh dầu tràm bằng vi sóng — Viện Công nghệ Sinh học" in mail.body
    assert f"/offers/{new.id}" in mail.body and "/saved-searches" in mail.body
    assert "quy trình cũ" not in mail.body and "bản nháp" not in mail.body and "xuất khẩu" not in mail.body
    db.refresh(saved)
    assert saved.last_alert_count == 1 and saved.last_alert_at is not None

    tomorrow = utcnow() + timedelta(days=1)
    assert saved_searches.send_alerts(db, tomorrow).alerted == 0  # told once
    assert len(db.exec(select(Notification).where(Notification.user_id == member.id)).all()) == 1


def test_a_listing_published_between_two_runs_is_told_at_the_second(db: Session) -> None:
    member = make_user(db)
    saved_for(db, member, "cà gai leo")
    assert saved_searches.send_alerts(db).alerted == 0
    make_offer(db, title="Trà túi lọc cà gai leo", **published(0))
    later = utcnow() + timedelta(days=1)
    report = saved_searches.send_alerts(db, later)
    assert (report.alerted, report.listings) == (1, 1)


def test_filters_of_the_saved_search_apply(db: Session) -> None:
    member = make_user(db)
    saved_for(db, member, "sen", kind="need")
    make_offer(db, title="Bột sen sấy lạnh", **published(1))
    make_need(db, title="Cần máy tách tâm sen", **published(1))
    saved_searches.send_alerts(db)
    body = db.exec(select(OutboxMail).where(OutboxMail.to == member.email)).one().body
    assert "Cần máy tách tâm sen" in body and "Bột sen" not in body


@pytest.mark.parametrize(("frequency", "days", "due"), [("daily", 1, True), ("weekly", 1, False), ("weekly", 7, True),
                                                          ("paused", 30, False)])  # fmt: skip
def test_when_a_search_is_due(db: Session, frequency: str, days: int, due: bool) -> None:
    saved = saved_for(db, make_user(db), "nấm linh chi")
    saved.frequency, saved.checked_at = frequency, utcnow()
    assert saved_searches.due(saved, utcnow() + timedelta(days=days)) is due


def test_a_resumed_search_does_not_send_what_was_published_while_paused(client: TestClient, db: Session) -> None:
    member = make_user(db)
    saved = saved_for(db, member, "gốm Phước Tích")
    saved_searches.set_frequency(db, member, saved.id, {"frequency": "paused"})
    make_offer(db, title="Men gốm Phước Tích từ tro trấu", **published(1))
    assert saved_searches.send_alerts(db, utcnow() + timedelta(days=2)).checked == 0
    saved_searches.set_frequency(db, member, saved.id, {"frequency": "daily"})
    assert aware(db.get(SavedSearch, saved.id).seen_until) > utcnow() - timedelta(minutes=1)
    assert saved_searches.send_alerts(db, utcnow() + timedelta(days=2)).alerted == 0


def test_an_english_speaking_member_is_written_to_in_english(db: Session) -> None:
    member = make_user(db, language="en")
    saved_for(db, member, "thanh trà", sector="agri_food")
    make_offer(db, title="Bảo quản thanh trà sau thu hoạch", sector_code="agri_food", **published(1))
    saved_searches.send_alerts(db)
    mail = db.exec(select(OutboxMail).where(OutboxMail.to == member.email)).one()
    assert mail.subject == "New on the exchange for “thanh trà” · Agriculture and food processing"
    assert "• [Technology offer] Bảo quản thanh trà sau thu hoạch" in mail.body


def test_new_listings_are_found_the_same_on_every_backend(backend: Backend, db: Session) -> None:
    member = make_user(db)
    saved = saved_for(db, member, "sen", sector="agri_food")
    make_offer(db, title="Trà tâm sen sấy lạnh", sector_code="agri_food", **published(2))
    make_offer(db, title="Hạt sen Huế đóng hộp", sector_code="agri_food", **published(1))
    make_offer(db, title="Bột sen cho mỹ phẩm", sector_code="biotech", **published(1))  # another sector
    make_offer(db, title="Cảm biến SenseHub cho kho lạnh", sector_code="agri_food", **published(1))  # a word in full
    make_offer(db, title="Sen đá trồng chậu", sector_code="agri_food", **published(9))  # before the search was saved
    hits, more = saved_searches.new_listings(db, saved, utcnow())
    assert [h.title.striptags() for h in hits] == ["Hạt sen Huế đóng hộp", "Trà tâm sen sấy lạnh"] and not more


def test_the_stop_link_in_an_alert_stops_that_search_without_logging_in(client: TestClient, db: Session) -> None:
    member = make_user(db)
    saved_for(db, member, "bún bò Huế")
    kept = saved_for(db, member, "nón lá")
    make_offer(db, title="Nước dùng bún bò Huế đóng gói", **published(1))
    saved_searches.send_alerts(db)
    body = db.exec(select(OutboxMail).where(OutboxMail.to == member.email)).one().body
    stop = next(line.split(": ", 1)[1] for line in body.splitlines() if line.startswith("Để ngừng nhận thư"))
    path = urlsplit(stop).path
    shown = page(client.get(path))  # no one logged in; opening the link stops nothing (mail scanners open links)
    assert shown.select_one("main p").get_text(strip=True) == (
        "Bạn sẽ không còn nhận tin về chào bán và nhu cầu mới cho “bún bò Huế”."
    )
    assert len(saved_searches.saved_of(db, member)) == 2
    token = shown.select_one("input[name=csrf_token]")["value"]
    done = page(client.post(path, data={"csrf_token": token}))
    assert done.select_one(".notice.success").get_text(strip=True) == "Bạn không còn theo dõi “bún bò Huế”."
    assert [s.id for s in saved_searches.saved_of(db, member)] == [kept.id]
    again = client.get(path)
    assert again.status_code == 404 and "Liên kết này không còn hiệu lực" in again.text
    assert client.get(path[:-3] + "abc").status_code == 404  # a link that is not ours


def test_the_department_sees_what_members_follow_and_what_it_finds(client: TestClient, db: Session) -> None:
    for member in (make_user(db), make_user(db), make_user(db, role="enterprise")):
        saved_for(db, member, "tinh dầu tràm")
    saved_for(db, make_user(db), "máy sấy", kind="need")
    make_offer(db, title="Chưng cất tinh dầu tràm gió", **published(3))
    make_need(db, title="Cần tinh dầu tràm cho xà phòng", summary="", **published(3))
    make_offer(db, title="Tinh dầu tràm: bản nháp", status="draft", published_at=None)
    make_need(db, title="Cần máy sấy cà gai leo", **published(3))
    log_in(client, make_user(db, role="staff"))
    rows = page(client.get("/dashboard")).select("#followed-searches tbody tr")
    cells = [[c.get_text(" ", strip=True) for c in row.select("th, td")] for row in rows]
    assert cells == [["“tinh dầu tràm”", "3", "1", "1"], ["“máy sấy” · Nhu cầu công nghệ", "1", "0", "1"]]


def test_two_requests_following_the_same_search_at_once_keep_one(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    member = make_user(db)
    query = read_query({"q": ["điện mặt trời áp mái"]})[0]
    first, _ = saved_searches.follow(db, member, query)
    real = saved_searches.following
    calls = iter([None])  # the second request looked before the first one's row was committed
    monkeypatch.setattr(saved_searches, "following", lambda *a: next(calls, "real") and real(*a))
    again, created = saved_searches.follow(db, member, query)
    assert (again.id, created) == (first.id, False)
    assert len(saved_searches.saved_of(db, member)) == 1
