"""Success stories: staff write one for a collaboration that reached an agreement, a manager of each party consents
to its text, and only then it is public on /results, in the API, the feed and the open-data counts; an edit clears
the consents and either party or staff may withdraw it."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from marketplace import stories
from marketplace.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.models import AuditLog, Collaboration, CollaborationStory, Notification, Organization, OutboxMail, User
from marketplace.models._base import utcnow
from tests.builders import csrf_of, make_manager, make_org, make_user, page
from tests.pipeline.conftest import client_for, make_collab

logged_in = contextmanager(client_for)
HEADLINE = "HTX Lộc Thủy giữ được khách sỉ nhờ quy trình chưng cất tinh dầu tràm của Viện"
TEXT = (
    "Viện chuyển giao quy trình chưng cất và kiểm tra hàm lượng 1,8-cineol theo lô; nhờ phiếu kiểm tra, "
    "khách sỉ ở Đà Nẵng nhận lại hàng của HTX và xã viên có đầu ra ổn định."
)


def form(**changes: object) -> dict[str, object]:
    return {"headline": HEADLINE, "text": TEXT, "show_value": "1"} | changes


@pytest.fixture
def collab(db: Session, staff: User) -> Collaboration:
    return make_collab(db, stage="agreement_signed", broker=staff, contract_value_vnd=250_000_000,
                       signed_at=utcnow() - timedelta(days=4))  # fmt: skip


def managers(db: Session, collab: Collaboration) -> tuple[User, User]:
    provider, seeker = db.get(Organization, collab.provider_org_id), db.get(Organization, collab.seeker_org_id)
    assert provider is not None and seeker is not None
    return (
        make_manager(db, provider, role="researcher", full_name="PGS.TS. Đỗ Thị Thu Hà"),
        make_manager(db, seeker, full_name="Trương Văn Lộc", language="en"),
    )


def asked(db: Session, collab: Collaboration, staff: User, **changes: object) -> CollaborationStory:
    story = stories.save(db, collab, actor=staff, data=form(**changes))
    stories.ask_consent(db, story, actor=staff, data={"version": story.version})
    return story


def published(db: Session, collab: Collaboration, staff: User, **changes: object) -> CollaborationStory:
    story = asked(db, collab, staff, **changes)
    for manager in managers(db, collab):
        stories.consent(db, story, actor=manager, data={"version": story.version})
    return story


# --- who writes, who consents ------------------------------------------------------------------------------------


def test_staff_write_a_story_as_a_draft_and_the_audit_log_keeps_it(
    db: Session, collab: Collaboration, staff: User
) -> None:
    story = stories.save(db, collab, actor=staff, data=form())
    assert (story.status, story.headline, story.show_value, story.written_by_id) == ("draft", HEADLINE, True, staff.id)
    entry = db.exec(select(AuditLog).where(AuditLog.action == stories.WRITTEN)).one()
    assert (entry.entity, entry.entity_id, entry.actor_id) == ("collaboration", collab.id, staff.id)


def test_a_member_of_a_party_may_not_write_the_story(db: Session, collab: Collaboration) -> None:
    provider_manager, _seeker_manager = managers(db, collab)
    with pytest.raises(Forbidden):
        stories.save(db, collab, actor=provider_manager, data=form())


def test_no_story_before_an_agreement_is_signed(db: Session, staff: User) -> None:
    negotiating = make_collab(db, stage="negotiating", broker=staff)
    with pytest.raises(Forbidden):
        stories.save(db, negotiating, actor=staff, data=form())


def test_a_story_may_be_written_at_implementing_and_commercialized(db: Session, staff: User) -> None:
    for stage in ("implementing", "commercialized"):
        assert stories.save(db, make_collab(db, stage=stage), actor=staff, data=form()).status == "draft"


def test_a_headline_too_short_and_a_text_too_long_are_refused(db: Session, collab: Collaboration, staff: User) -> None:
    with pytest.raises(Invalid) as refused:
        stories.save(db, collab, actor=staff, data=form(headline="Tràm", text="Đ" * 3001))
    assert set(refused.value.errors) == {"headline", "text"}


def test_asking_for_consent_tells_each_partys_managers_in_their_language_and_no_other_member(
    db: Session, collab: Collaboration, staff: User
) -> None:
    provider_manager, seeker_manager = managers(db, collab)
    member = make_user(db, db.get(Organization, collab.provider_org_id), full_name="ThS. Lê Văn Hùng")
    story = asked(db, collab, staff)
    assert story.status == "awaiting_consent"
    told = {n.user_id: n for n in db.exec(select(Notification)).all()}
    assert set(told) == {provider_manager.id, seeker_manager.id} and member.id not in told
    assert told[seeker_manager.id].link == f"/collaborations/{collab.id}#story"
    mails = {m.to: m for m in db.exec(select(OutboxMail)).all()}
    assert (
        HEADLINE in mails[provider_manager.email].body
        and "Giá trị hợp đồng được công bố: có" in mails[provider_manager.email].body
    )
    assert "Your consent is asked" in mails[seeker_manager.email].subject


def test_a_member_who_is_not_a_manager_may_not_consent(db: Session, collab: Collaboration, staff: User) -> None:
    managers(db, collab)
    member = make_user(db, db.get(Organization, collab.seeker_org_id), role="enterprise", full_name="Lê Thị Mai")
    story = asked(db, collab, staff)
    with pytest.raises(Forbidden):
        stories.consent(db, story, actor=member, data={"version": story.version})


def test_someone_outside_the_collaboration_learns_nothing_of_its_story(
    db: Session, collab: Collaboration, staff: User
) -> None:
    story = asked(db, collab, staff)
    outsider = make_manager(db, make_org(db, name_vi="Công ty TNHH Thảo dược Bạch Mã"))
    with pytest.raises(NotFound):
        stories.consent(db, story, actor=outsider, data={"version": story.version})


def test_one_consent_does_not_publish_the_story(db: Session, collab: Collaboration, staff: User) -> None:
    provider_manager, _seeker_manager = managers(db, collab)
    story = asked(db, collab, staff)
    stories.consent(db, story, actor=provider_manager, data={"version": story.version})
    assert (story.status, story.provider_consent_by_id, story.seeker_consent_at) == (
        "awaiting_consent", provider_manager.id, None
    )  # fmt: skip
    assert stories.count_published(db) == 0


def test_the_second_consent_publishes_the_story(db: Session, collab: Collaboration, staff: User) -> None:
    story = published(db, collab, staff)
    assert story.status == "published" and story.published_at is not None
    story_entries = select(AuditLog.action).where(col(AuditLog.action).like("collaboration.story_%"))
    actions = db.exec(story_entries.order_by(col(AuditLog.id))).all()
    assert actions == [stories.WRITTEN, stories.ASKED, stories.CONSENTED, stories.CONSENTED, stories.PUBLISHED]


def test_a_consent_given_to_an_older_text_is_a_conflict(db: Session, collab: Collaboration, staff: User) -> None:
    provider_manager, _seeker_manager = managers(db, collab)
    story = asked(db, collab, staff)
    read = story.version
    stories.save(
        db, collab, actor=staff, data=form(version=story.version, text=TEXT + " Viện đào tạo 2 kỹ thuật viên.")
    )
    with pytest.raises(Conflict):
        stories.consent(db, story, actor=provider_manager, data={"version": read})


def test_an_edit_after_a_consent_clears_both_consents(db: Session, collab: Collaboration, staff: User) -> None:
    provider_manager, _seeker_manager = managers(db, collab)
    story = asked(db, collab, staff)
    stories.consent(db, story, actor=provider_manager, data={"version": story.version})
    stories.save(db, collab, actor=staff, data=form(version=story.version, show_value=""))
    assert (story.status, story.provider_consent_at, story.provider_consent_by_id) == ("awaiting_consent", None, None)


def test_editing_a_published_story_takes_it_off_the_public_pages_until_both_consent_again(
    db: Session, collab: Collaboration, staff: User
) -> None:
    story = published(db, collab, staff)
    stories.save(db, collab, actor=staff, data=form(version=story.version, headline=HEADLINE + " Phú Lộc"))
    assert (story.status, story.seeker_consent_at, stories.count_published(db)) == ("awaiting_consent", None, 0)


def test_a_refusal_sends_the_story_back_to_draft_and_tells_staff(
    db: Session, collab: Collaboration, staff: User
) -> None:
    _provider_manager, seeker_manager = managers(db, collab)
    story = asked(db, collab, staff)
    stories.refuse(db, story, actor=seeker_manager, data={"version": story.version, "reason": "Chưa muốn công bố."})
    assert story.status == "draft"
    notice = db.exec(select(Notification).where(Notification.user_id == staff.id)).one()
    assert notice.params["name"] == "Trương Văn Lộc"
    entry = db.exec(select(AuditLog).where(AuditLog.action == stories.REFUSED)).one()
    assert entry.detail["reason"] == "Chưa muốn công bố." and entry.detail["party"] == "seeker"


def test_a_party_manager_withdraws_a_published_story(db: Session, collab: Collaboration, staff: User) -> None:
    story = published(db, collab, staff)
    provider_manager = db.exec(select(User).where(User.full_name == "PGS.TS. Đỗ Thị Thu Hà")).one()
    stories.withdraw(db, story, actor=provider_manager, data={"version": story.version})
    assert (story.status, story.published_at, stories.count_published(db)) == ("withdrawn", None, 0)


# --- steps that change nothing say why ----------------------------------------------------------------------------


def story_entries(db: Session) -> list[str]:
    return list(db.exec(select(AuditLog.action).where(col(AuditLog.action).like("collaboration.story_%"))).all())


def test_asking_twice_is_refused_and_sends_nothing_again(db: Session, collab: Collaboration, staff: User) -> None:
    managers(db, collab)
    story = asked(db, collab, staff)
    version, told = story.version, len(db.exec(select(Notification)).all())
    with pytest.raises(Conflict) as refused:
        stories.ask_consent(db, story, actor=staff, data={"version": story.version})
    assert refused.value.message == stories.ALREADY_ASKED
    assert (story.version, len(db.exec(select(Notification)).all())) == (version, told)


def test_asking_for_a_published_story_is_refused(db: Session, collab: Collaboration, staff: User) -> None:
    story = published(db, collab, staff)
    with pytest.raises(Conflict) as refused:
        stories.ask_consent(db, story, actor=staff, data={"version": story.version})
    assert refused.value.message == stories.ALREADY_PUBLISHED and story.status == "published"


def test_consenting_twice_records_nothing_again(db: Session, collab: Collaboration, staff: User) -> None:
    provider_manager, _seeker_manager = managers(db, collab)
    story = asked(db, collab, staff)
    stories.consent(db, story, actor=provider_manager, data={"version": story.version})
    given, entries = story.provider_consent_at, story_entries(db)
    with pytest.raises(Conflict) as refused:
        stories.consent(db, story, actor=provider_manager, data={"version": story.version})
    assert refused.value.message == stories.ALREADY_CONSENTED
    assert (story.provider_consent_at, story_entries(db)) == (given, entries)


def test_answering_a_draft_nobody_asked_about_is_refused(db: Session, collab: Collaboration, staff: User) -> None:
    provider_manager, seeker_manager = managers(db, collab)
    story = stories.save(db, collab, actor=staff, data=form())
    for answer, manager in ((stories.consent, provider_manager), (stories.refuse, seeker_manager)):
        with pytest.raises(Conflict) as refused:
            answer(db, story, actor=manager, data={"version": story.version})
        assert refused.value.message == stories.NOT_ASKED
    assert story.status == "draft"


def test_refusing_a_published_story_points_to_withdrawing_it(db: Session, collab: Collaboration, staff: User) -> None:
    story = published(db, collab, staff)
    seeker_manager = db.exec(select(User).where(User.full_name == "Trương Văn Lộc")).one()
    with pytest.raises(Conflict) as refused:
        stories.refuse(db, story, actor=seeker_manager, data={"version": story.version})
    assert refused.value.message == stories.PUBLISHED_ALREADY and story.status == "published"


def test_withdrawing_a_draft_is_refused(db: Session, collab: Collaboration, staff: User) -> None:
    story = stories.save(db, collab, actor=staff, data=form())
    with pytest.raises(Conflict) as refused:
        stories.withdraw(db, story, actor=staff, data={"version": story.version})
    assert refused.value.message == stories.NOT_PUBLIC
    assert (story.status, story_entries(db)) == ("draft", [stories.WRITTEN])


def test_withdrawing_twice_is_refused(db: Session, collab: Collaboration, staff: User) -> None:
    story = published(db, collab, staff)
    stories.withdraw(db, story, actor=staff, data={"version": story.version})
    with pytest.raises(Conflict) as refused:
        stories.withdraw(db, story, actor=staff, data={"version": story.version})
    assert refused.value.message == stories.ALREADY_WITHDRAWN
    assert story_entries(db).count(stories.WITHDRAWN) == 1


def test_saving_the_same_text_keeps_the_consents_and_says_so(db: Session, collab: Collaboration, staff: User) -> None:
    provider_manager, _seeker_manager = managers(db, collab)
    story = asked(db, collab, staff)
    stories.consent(db, story, actor=provider_manager, data={"version": story.version})
    with pytest.raises(Conflict) as refused:
        stories.save(db, collab, actor=staff, data=form(version=story.version))
    assert refused.value.message == stories.UNCHANGED
    assert story.provider_consent_by_id == provider_manager.id


def test_asking_twice_on_the_page_says_why_nothing_was_sent(
    db: Session, collab: Collaboration, staff: User, staff_client: TestClient
) -> None:
    story = asked(db, collab, staff)
    path = f"/collaborations/{collab.id}"
    sent = staff_client.post(f"{path}/story/ask", data={"csrf_token": csrf_of(staff_client, path),
                                                        "version": story.version})  # fmt: skip
    assert sent.status_code == 409
    assert page(sent).select_one("#story .notice.error").get_text() == (
        "Hai tổ chức đã được đề nghị và đang chờ ý kiến đồng ý; không gửi lại lần nữa."
    )
    assert page(sent).select_one("#story .notice.success") is None


def test_withdrawing_a_draft_with_htmx_answers_the_section_with_the_reason_in_english(
    db: Session, collab: Collaboration, staff: User, staff_client: TestClient
) -> None:
    story = stories.save(db, collab, actor=staff, data=form())
    path = f"/collaborations/{collab.id}"
    staff_client.get("/lang/en")
    sent = staff_client.post(f"{path}/story/withdraw", data={"csrf_token": csrf_of(staff_client, path),
                             "version": story.version}, headers={"HX-Request": "true"})  # fmt: skip
    html = page(sent)
    assert sent.status_code == 409 and html.select_one("h1") is None
    assert html.select_one("#story .notice.error").get_text() == (
        "This story is a draft: it is not on the public pages, so there is nothing to withdraw."
    )


def test_a_manager_consenting_twice_on_the_page_is_told_it_was_already_recorded(
    app: FastAPI, db: Session, collab: Collaboration, staff: User
) -> None:
    provider_manager, _seeker_manager = managers(db, collab)
    story = asked(db, collab, staff)
    stories.consent(db, story, actor=provider_manager, data={"version": story.version})
    path = f"/collaborations/{collab.id}"
    with logged_in(app, provider_manager) as client:
        sent = client.post(f"{path}/story/consent", data={"csrf_token": csrf_of(client, path),
                                                          "version": story.version})  # fmt: skip
    assert sent.status_code == 409
    assert page(sent).select_one("#story .notice.error").get_text() == (
        "Tổ chức của quý vị đã đồng ý với nội dung này; không ghi nhận lại lần nữa."
    )


def test_a_stale_form_still_says_the_story_changed(
    db: Session, collab: Collaboration, staff: User, staff_client: TestClient
) -> None:
    story = stories.save(db, collab, actor=staff, data=form())
    path = f"/collaborations/{collab.id}"
    sent = staff_client.post(f"{path}/story/ask", data={"csrf_token": csrf_of(staff_client, path),
                                                        "version": story.version + 1})  # fmt: skip
    assert sent.status_code == 409
    assert page(sent).select_one("#story .notice.error").get_text() == (
        "Câu chuyện đã được sửa trong lúc quý vị đang đọc; chưa có gì được ghi nhận. Vui lòng đọc lại bên dưới."
    )


# --- the collaboration's page ------------------------------------------------------------------------------------


def test_staff_write_the_story_on_the_collaborations_page(
    db: Session, collab: Collaboration, staff_client: TestClient
) -> None:
    path = f"/collaborations/{collab.id}"
    sent = staff_client.post(f"{path}/story", data={"csrf_token": csrf_of(staff_client, path)} | form(),
                             follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303 and sent.headers["location"].endswith("#story")
    html = page(staff_client.get(path))
    assert html.select_one("#story .story-headline").get_text() == HEADLINE
    assert html.select_one("#story .story-status").get_text() == "Bản nháp"


def test_a_refused_story_form_keeps_what_was_typed(
    db: Session, collab: Collaboration, staff_client: TestClient
) -> None:
    path = f"/collaborations/{collab.id}"
    sent = staff_client.post(f"{path}/story", data={"csrf_token": csrf_of(staff_client, path)} | form(headline=""))
    assert sent.status_code == 422
    html = page(sent)
    assert html.select_one("#story #e-headline").get_text() == "Vui lòng nhập trường này."
    assert html.select_one("#story textarea[name=text]").get_text() == TEXT
    assert db.exec(select(CollaborationStory)).all() == []


def test_writing_without_the_csrf_token_is_refused(
    db: Session, collab: Collaboration, staff_client: TestClient
) -> None:
    sent = staff_client.post(f"/collaborations/{collab.id}/story", data=form())
    assert sent.status_code == 403
    assert db.exec(select(CollaborationStory)).all() == []


def test_a_manager_reads_the_text_and_consents_on_the_page(
    app: FastAPI, db: Session, collab: Collaboration, staff: User
) -> None:
    provider_manager, _seeker_manager = managers(db, collab)
    story = asked(db, collab, staff, show_value="")
    path = f"/collaborations/{collab.id}"
    with logged_in(app, provider_manager) as client:
        html = page(client.get(path))
        assert html.select_one("#story .story-text").get_text() == TEXT
        assert html.select_one("#story .story-value").get_text() == "Giá trị hợp đồng không được công bố."
        sent = client.post(f"{path}/story/consent", data={"csrf_token": csrf_of(client, path), "version": story.version},
                           follow_redirects=False)  # fmt: skip
        assert sent.status_code == 303
    db.refresh(story)
    assert story.provider_consent_by_id == provider_manager.id


def test_a_member_who_is_not_a_manager_sees_no_consent_button(
    app: FastAPI, db: Session, collab: Collaboration, staff: User
) -> None:
    managers(db, collab)
    member = make_user(db, db.get(Organization, collab.seeker_org_id), role="enterprise", full_name="Lê Thị Mai")
    story = asked(db, collab, staff)
    path = f"/collaborations/{collab.id}"
    with logged_in(app, member) as client:
        html = page(client.get(path))
        assert html.select_one("#story .story-headline") is not None
        assert html.select(f"#story form[action$='{path}/story/consent']") == []
        sent = client.post(
            f"{path}/story/consent", data={"csrf_token": csrf_of(client, path), "version": story.version}
        )
        assert sent.status_code == 403


# --- the public side ---------------------------------------------------------------------------------------------


def test_a_story_waiting_for_consent_is_not_public(
    client: TestClient, db: Session, collab: Collaboration, staff: User
) -> None:
    story = asked(db, collab, staff)
    assert client.get(f"/results/{story.id}").status_code == 404
    assert page(client.get("/results")).select(".story-card") == []
    assert client.get("/api/v1/results").json()["total"] == 0


def test_a_published_story_is_on_the_results_page_with_both_organizations_and_the_value(
    client: TestClient, db: Session, collab: Collaboration, staff: User
) -> None:
    story = published(db, collab, staff)
    card = page(client.get("/results")).select_one(f"#story-{story.id}")
    assert card.select_one(".card-title").get_text() == HEADLINE
    names = [a.get_text() for a in card.select(".story-parties a")]
    provider = db.get(Organization, collab.provider_org_id)
    assert provider is not None and names == [provider.name_vi, "Công ty CP Dược Medipharco-Tenamyd"]
    assert card.select_one(".story-value dd").get_text() == "250.000.000 ₫"
    assert card.select_one(".stage-pill").get_text() == "Đã ký hợp đồng"


def test_the_value_is_not_shown_when_the_story_leaves_it_out(
    client: TestClient, db: Session, collab: Collaboration, staff: User
) -> None:
    story = published(db, collab, staff, show_value="")
    assert page(client.get(f"/results/{story.id}")).select(".story-value") == []
    assert client.get("/api/v1/results").json()["items"][0]["contract_value_vnd"] is None


def test_a_story_page_carries_its_link_preview(
    client: TestClient, db: Session, collab: Collaboration, staff: User
) -> None:
    story = published(db, collab, staff)
    html = page(client.get(f"/results/{story.id}"))
    assert html.select_one("meta[property='og:title']")["content"] == HEADLINE
    assert html.select_one("link[rel=canonical]")["href"].endswith(f"/results/{story.id}")


def test_a_withdrawn_story_disappears_from_the_public_pages(
    client: TestClient, db: Session, collab: Collaboration, staff: User
) -> None:
    story = published(db, collab, staff)
    stories.withdraw(db, story, actor=staff, data={"version": story.version})
    assert client.get(f"/results/{story.id}").status_code == 404
    assert page(client.get("/results")).select(".story-card") == []
    assert client.get("/api/v1/results").json()["items"] == []


def test_the_results_page_filters_by_sector_newest_first(client: TestClient, db: Session, staff: User) -> None:
    older = published(db, make_collab(db, stage="implementing", sector_code="medicinal"), staff)
    older.published_at = utcnow() - timedelta(days=3)
    db.add(older)
    db.commit()
    newer = published(db, make_collab(db, stage="commercialized", sector_code="aquaculture"), staff,
                      headline="Mô hình nuôi cua đầm phá Tam Giang đến với HTX Quảng Thái")  # fmt: skip
    every = [li["id"] for li in page(client.get("/results")).select(".story-card")]
    assert every == [f"story-{newer.id}", f"story-{older.id}"]
    kept = [li["id"] for li in page(client.get("/results?sector=medicinal")).select(".story-card")]
    assert kept == [f"story-{older.id}"]


def test_the_api_lists_published_stories_only_and_is_documented(
    client: TestClient, db: Session, collab: Collaboration, staff: User
) -> None:
    story = published(db, collab, staff)
    asked(db, make_collab(db, stage="implementing"), staff)
    body = client.get("/api/v1/results").json()
    assert body["total"] == 1
    item = body["items"][0]
    assert (item["id"], item["headline"], item["stage"], item["contract_value_vnd"]) == (
        story.id, HEADLINE, "agreement_signed", 250_000_000
    )  # fmt: skip
    assert item["seeker"]["name_vi"] == "Công ty CP Dược Medipharco-Tenamyd"
    assert "/api/v1/results" in client.get("/api/v1/openapi.json").json()["paths"]


def test_an_unknown_sector_in_the_api_is_refused(client: TestClient) -> None:
    assert client.get("/api/v1/results?sector=khong-co").status_code == 422


def test_the_open_data_page_and_stats_count_the_published_stories(
    client: TestClient, db: Session, collab: Collaboration, staff: User
) -> None:
    published(db, collab, staff)
    asked(db, make_collab(db, stage="implementing"), staff)
    assert page(client.get("/open-data")).select_one(".od-stories dd").get_text() == "1"
    assert client.get("/api/v1/stats").json()["published_stories_now"] == 1


def test_the_feed_carries_the_published_stories(
    client: TestClient, db: Session, collab: Collaboration, staff: User
) -> None:
    story = published(db, collab, staff)
    feed = client.get("/results.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert HEADLINE in feed.text and f"/results/{story.id}" in feed.text


def test_the_sitemap_lists_the_results_page_and_published_stories_only(
    client: TestClient, db: Session, collab: Collaboration, staff: User
) -> None:
    story = published(db, collab, staff)
    waiting = asked(db, make_collab(db, stage="implementing"), staff)
    sitemap = client.get("/sitemap.xml").text
    assert "/results</loc>" in sitemap and f"/results/{story.id}</loc>" in sitemap
    assert f"/results/{waiting.id}</loc>" not in sitemap


def test_the_home_page_and_the_organizations_pages_link_the_story(
    client: TestClient, db: Session, collab: Collaboration, staff: User
) -> None:
    story = published(db, collab, staff)
    link = f"/results/{story.id}"
    assert page(client.get("/")).select_one(f".home-results a[href$='{link}']") is not None
    for organization_id in (collab.provider_org_id, collab.seeker_org_id):
        html = page(client.get(f"/organizations/{organization_id}"))
        assert html.select_one(f".org-results a[href$='{link}']") is not None


def test_the_demo_cajeput_oil_deal_has_a_published_story(seeded_client: TestClient) -> None:
    body = seeded_client.get("/api/v1/results").json()
    tram = [item for item in body["items"] if "tinh dầu tràm" in item["headline"]]
    assert len(tram) == 1 and tram[0]["contract_value_vnd"] == 250_000_000
    assert tram[0]["seeker"]["name_vi"] == "Hợp tác xã Dầu tràm Lộc Thủy"


def test_every_demo_consent_comes_from_a_manager_of_its_party(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        found = session.exec(select(CollaborationStory, Collaboration).join(
            Collaboration, col(Collaboration.id) == CollaborationStory.collaboration_id)).all()  # fmt: skip
        assert found
        for story, collab in found:
            for party in ("provider", "seeker"):
                person = session.get(User, getattr(story, f"{party}_consent_by_id"))
                assert stories.party_of(session, person, collab) == party, (collab.key, party)


def test_with_htmx_writing_the_story_answers_with_the_section_alone(
    db: Session, collab: Collaboration, staff_client: TestClient
) -> None:
    path = f"/collaborations/{collab.id}"
    sent = staff_client.post(f"{path}/story", data={"csrf_token": csrf_of(staff_client, path)} | form(),
                             headers={"HX-Request": "true"})  # fmt: skip
    html = page(sent)
    assert sent.status_code == 200 and html.select_one("section#story") is not None
    assert html.select_one("h1") is None  # not the whole page
    assert html.select_one(".notice.success").get_text() == "Đã lưu câu chuyện thành công."


def test_staff_are_warned_when_a_party_has_no_manager_to_consent(
    db: Session, collab: Collaboration, staff_client: TestClient
) -> None:
    provider = db.get(Organization, collab.provider_org_id)
    assert provider is not None
    make_manager(db, provider, role="researcher", full_name="PGS.TS. Đỗ Thị Thu Hà")
    html = page(staff_client.get(f"/collaborations/{collab.id}"))
    warnings = [p.get_text(" ", strip=True) for p in html.select("#story .story-unmanaged")]
    assert warnings == [
        "Công ty CP Dược Medipharco-Tenamyd chưa có người quản lý trên sàn, nên chưa ai có thể đồng ý thay tổ chức. "
        "Chọn một thành viên làm người quản lý"
    ]


def test_the_results_page_shows_ten_stories_a_page(client: TestClient, db: Session, staff: User) -> None:
    for n in range(stories.PER_PAGE + 1):
        published(db, make_collab(db, stage="commercialized"), staff, headline=f"Câu chuyện chuyển giao số {n + 1:02d}")
    first, second = page(client.get("/results")), page(client.get("/results?page=2"))
    assert len(first.select(".story-card")) == stories.PER_PAGE
    assert [h.get_text() for h in second.select(".story-card .card-title")] == ["Câu chuyện chuyển giao số 01"]
    assert second.select_one(".pager-where").get_text() == "Trang 2/2"


def test_the_collaborations_timeline_shows_each_step_of_its_story(
    db: Session, collab: Collaboration, staff: User, staff_client: TestClient
) -> None:
    published(db, collab, staff)
    html = page(staff_client.get(f"/collaborations/{collab.id}"))
    steps = [
        e.select_one(".timeline-what").get_text(" ", strip=True) for e in html.select(".timeline-entry[class*=story_]")
    ]
    assert steps == [
        "Đã viết câu chuyện thành công Câu chuyện thành công",
        "Đã đề nghị hai tổ chức đồng ý công bố câu chuyện thành công Câu chuyện thành công",
        "Đã đồng ý công bố câu chuyện thành công Câu chuyện thành công",
        "Đã đồng ý công bố câu chuyện thành công Câu chuyện thành công",
        "Câu chuyện thành công đã được công bố Câu chuyện thành công",
    ]
