"""Accepting a proposal opens a message step (the inquiry form's rules), then confirms whom it went to."""

from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import inquiries, matchmaking, proposals
from marketplace.models import ExpertiseProfile, Inquiry, MatchProposal, Need, Offer, Organization, User
from tests.builders import csrf_of, log_in, make_need, make_offer, make_org, make_user, page

HX = {"HX-Request": "true"}


def setup_pair(db: Session) -> tuple[Offer, Need, User, MatchProposal]:
    matchmaking.clear_cache()
    institute = make_org(db, name_vi="Viện Hóa học các Hợp chất thiên nhiên")
    company = make_org(db, kind="enterprise", name_vi="HTX Dầu tràm Lộc Thủy")
    offer = make_offer(db, institute)
    need = make_need(db, company)
    proposals.refresh_listing(db, need)
    proposal = db.exec(select(MatchProposal).where(MatchProposal.offer_id == offer.id)).one()
    return offer, need, make_user(db, company, role="enterprise"), proposal


def setup_expert(db: Session) -> tuple[User, Need, User, MatchProposal]:
    """A need of a cooperative proposed to a researcher as expert; returns the expert, need, need owner, proposal."""
    matchmaking.clear_cache()
    expert = make_user(db, make_org(db, name_vi="Trường Đại học Y - Dược"), full_name="PGS.TS. Trần Đình Cineole")
    db.add(ExpertiseProfile(user_id=expert.id, keywords=["tinh dầu tràm", "chưng cất", "kiểm nghiệm cineole"]))
    db.commit()
    company = make_org(db, kind="enterprise", name_vi="HTX Dầu tràm Lộc Thủy")
    need = make_need(db, company)
    proposals.refresh_listing(db, need)
    proposal = db.exec(select(MatchProposal).where(MatchProposal.expert_id == expert.id)).one()
    return expert, need, make_user(db, company, role="enterprise"), proposal


def sent_for(db: Session, proposal: MatchProposal) -> list[Inquiry]:
    db.expire_all()
    return list(db.exec(select(Inquiry).where(Inquiry.proposal_id == proposal.id)).all())


def open_step(client: TestClient, proposal: MatchProposal, htmx: bool = True):  # type: ignore[no-untyped-def]
    response = client.get(f"/proposals/{proposal.id}/accept", headers=HX if htmx else {})
    assert response.status_code == 200
    return page(response)


def send(client: TestClient, proposal: MatchProposal, message: str, token: str = "", htmx: bool = True):  # type: ignore[no-untyped-def]
    csrf = csrf_of(client, f"/proposals/{proposal.id}")
    data = {"message": message, "form_token": token, "csrf_token": csrf}
    return client.post(
        f"/proposals/{proposal.id}/accept", data=data, headers=HX | {"X-CSRF-Token": csrf} if htmx else {}
    )


def test_the_accept_step_is_prefilled_with_a_polite_message_naming_both_listings(
    client: TestClient, db: Session
) -> None:
    offer, need, buyer, proposal = setup_pair(db)
    log_in(client, buyer)
    card = open_step(client, proposal).select_one(f"#proposal-{proposal.id}")
    text = card.select_one("textarea[name=message]").get_text()
    assert text.startswith("Xin chào") and f"“{offer.title}”" in text and f"“{need.title}”" in text
    assert "Viện Hóa học các Hợp chất thiên nhiên" in card.select_one(".hint").get_text()
    assert sent_for(db, proposal) == []


def test_the_listing_page_offers_the_step_as_a_link_that_works_without_javascript(
    client: TestClient, db: Session
) -> None:
    _, need, buyer, proposal = setup_pair(db)
    log_in(client, buyer)
    link = page(client.get(f"/needs/{need.id}")).select_one(f"#proposal-{proposal.id} a.button")
    assert urlsplit(link["href"]).path == urlsplit(link["hx-get"]).path == f"/proposals/{proposal.id}/accept"
    plain = open_step(client, proposal, htmx=False)
    assert plain.select_one("h1") is not None and plain.select_one("form.accept-step textarea[name=message]")


def test_accepting_with_a_message_creates_exactly_one_inquiry_with_that_message(
    client: TestClient, db: Session
) -> None:
    offer, _, buyer, proposal = setup_pair(db)
    log_in(client, buyer)
    token = open_step(client, proposal).select_one("input[name=form_token]")["value"]
    response = send(client, proposal, "Chúng tôi muốn đặt hàng quy trình chưng cất tinh dầu tràm.", token)
    assert response.status_code == 200
    [inquiry] = sent_for(db, proposal)
    assert (inquiry.listing_kind, inquiry.listing_id) == ("offer", offer.id)
    assert inquiry.message == "Chúng tôi muốn đặt hàng quy trình chưng cất tinh dầu tràm."
    assert db.get(MatchProposal, proposal.id).status == "accepted"


def test_the_confirmation_names_the_partner_and_links_to_the_inquiry(client: TestClient, db: Session) -> None:
    offer, _, buyer, proposal = setup_pair(db)
    log_in(client, buyer)
    token = open_step(client, proposal).select_one("input[name=form_token]")["value"]
    card = page(send(client, proposal, "Chúng tôi muốn trao đổi thêm về công nghệ này.", token))
    done = card.select_one(f"#proposal-{proposal.id}.done")
    [inquiry] = sent_for(db, proposal)
    assert done.select_one("p").get_text() == (
        f"Đã chấp nhận: lời bày tỏ quan tâm của bạn về “{offer.title}” "
        "(Viện Hóa học các Hợp chất thiên nhiên) đã được gửi."
    )
    assert urlsplit(done.select_one("a")["href"]).path == f"/inquiries/{inquiry.id}"


def test_without_javascript_the_sent_inquiry_page_says_whom_it_went_to(client: TestClient, db: Session) -> None:
    offer, _, buyer, proposal = setup_pair(db)
    log_in(client, buyer)
    response = send(client, proposal, "Chúng tôi muốn trao đổi thêm về công nghệ này.", htmx=False)
    [inquiry] = sent_for(db, proposal)
    assert urlsplit(str(response.url)).path == f"/inquiries/{inquiry.id}"
    assert f"“{offer.title}”" in page(response).select_one(".notice.success").get_text()


def test_an_empty_message_is_refused_in_vietnamese_and_nothing_is_sent(client: TestClient, db: Session) -> None:
    _, _, buyer, proposal = setup_pair(db)
    log_in(client, buyer)
    response = send(client, proposal, "   ")
    assert response.status_code == 422
    card = page(response).select_one(f"#proposal-{proposal.id}")
    assert card.select_one("textarea[name=message]")["aria-invalid"] == "true"
    assert card.select_one(".error").get_text().startswith("Vui lòng")
    assert sent_for(db, proposal) == [] and db.get(MatchProposal, proposal.id).status == "new"


def test_a_too_long_message_is_refused_and_what_was_typed_is_kept(client: TestClient, db: Session) -> None:
    _, _, buyer, proposal = setup_pair(db)
    log_in(client, buyer)
    typed = "Chúng tôi cần quy trình chưng cất tinh dầu tràm đạt chuẩn. " * 60
    response = send(client, proposal, typed, htmx=False)
    assert response.status_code == 422
    form = page(response).select_one("form.accept-step")
    assert form.select_one("textarea[name=message]").get_text() == typed
    assert form.select_one(".error").get_text().startswith("Vui lòng viết không quá")
    assert sent_for(db, proposal) == []


def test_cancelling_the_step_sends_nothing_and_brings_back_the_card(client: TestClient, db: Session) -> None:
    _, need, buyer, proposal = setup_pair(db)
    log_in(client, buyer)
    cancel = open_step(client, proposal).select_one("form.accept-step a.secondary")
    assert urlsplit(cancel["href"]).path == f"/needs/{need.id}" and urlsplit(cancel["href"]).fragment == "proposals"
    card = page(client.get(cancel["hx-get"], headers=HX)).select_one(f"#proposal-{proposal.id}")
    assert card.select_one("textarea") is None and card.select_one("a.button") is not None
    assert sent_for(db, proposal) == [] and db.get(MatchProposal, proposal.id).status == "new"


def test_another_organizations_member_can_neither_open_nor_accept(client: TestClient, db: Session) -> None:
    _, _, _, proposal = setup_pair(db)
    log_in(client, make_user(db, make_org(db, name_vi="Công ty TNHH Dược liệu Huế"), role="enterprise"))
    assert client.get(f"/proposals/{proposal.id}/accept").status_code in (403, 404)
    assert send(client, proposal, "Chúng tôi cũng muốn hợp tác với viện.").status_code in (403, 404)
    assert sent_for(db, proposal) == []


def test_accepting_needs_the_csrf_token(client: TestClient, db: Session) -> None:
    _, _, buyer, proposal = setup_pair(db)
    log_in(client, buyer)
    response = client.post(f"/proposals/{proposal.id}/accept", data={"message": "Chúng tôi muốn trao đổi thêm."})
    assert response.status_code == 403 and sent_for(db, proposal) == []


def test_sending_the_same_form_twice_creates_one_inquiry_and_confirms_both_times(
    client: TestClient, db: Session
) -> None:
    _, _, buyer, proposal = setup_pair(db)
    log_in(client, buyer)
    token = open_step(client, proposal).select_one("input[name=form_token]")["value"]
    first = send(client, proposal, "Chúng tôi muốn trao đổi thêm về công nghệ này.", token)
    second = send(client, proposal, "Chúng tôi muốn trao đổi thêm về công nghệ này.", token)
    assert first.status_code == second.status_code == 200
    assert page(second).select_one(f"#proposal-{proposal.id}.done a") is not None
    assert len(sent_for(db, proposal)) == 1


def test_a_second_acceptance_from_another_page_is_answered_with_the_first_one(client: TestClient, db: Session) -> None:
    _, _, buyer, proposal = setup_pair(db)
    log_in(client, buyer)
    send(client, proposal, "Chúng tôi muốn trao đổi thêm về công nghệ này.", "a" * 24)
    again = send(client, proposal, "Một lời nhắn khác gửi lần thứ hai.", "b" * 24)
    assert again.status_code == 409
    assert page(again).select_one(".notice.warning").get_text() == "Đề xuất này đã được trả lời."
    assert [i.message for i in sent_for(db, proposal)] == ["Chúng tôi muốn trao đổi thêm về công nghệ này."]


def test_a_need_owner_accepting_an_expert_writes_to_that_researcher(client: TestClient, db: Session) -> None:
    expert, need, owner, proposal = setup_expert(db)
    log_in(client, owner)
    step = open_step(client, proposal)
    text = step.select_one("textarea[name=message]").get_text()
    assert text.startswith("Kính gửi PGS.TS. Trần Đình Cineole") and f"“{need.title}”" in text
    token = step.select_one("input[name=form_token]")["value"]
    done = page(send(client, proposal, text, token)).select_one(".done p").get_text()
    assert (
        done
        == "Đã chấp nhận: lời bày tỏ quan tâm của bạn đã được gửi tới PGS.TS. Trần Đình Cineole (Trường Đại học Y - Dược)."
    )
    [inquiry] = sent_for(db, proposal)
    assert (inquiry.listing_kind, inquiry.listing_id) == ("expert", expert.id)


def test_a_researcher_proposed_as_expert_can_accept_and_write_to_the_need(client: TestClient, db: Session) -> None:
    expert, need, _, proposal = setup_expert(db)
    log_in(client, expert)
    step = open_step(client, proposal, htmx=False)
    text = step.select_one("textarea[name=message]").get_text()
    assert text.startswith("Xin chào, tôi là PGS.TS. Trần Đình Cineole") and f"“{need.title}”" in text
    send(client, proposal, text, step.select_one("input[name=form_token]")["value"], htmx=False)
    [inquiry] = sent_for(db, proposal)
    assert (inquiry.listing_kind, inquiry.listing_id, inquiry.message) == ("need", need.id, text)


def test_a_researcher_proposed_as_expert_can_dismiss_it(client: TestClient, db: Session) -> None:
    expert, _, _, proposal = setup_expert(db)
    log_in(client, expert)
    csrf = csrf_of(client, f"/proposals/{proposal.id}")
    response = client.post(
        f"/proposals/{proposal.id}/dismiss",
        data={"reason": "Không thuộc lĩnh vực nghiên cứu của tôi", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303 and urlsplit(response.headers["location"]).path == "/me"
    db.expire_all()
    stored = db.get(MatchProposal, proposal.id)
    assert (stored.status, stored.dismiss_reason) == ("dismissed", "Không thuộc lĩnh vực nghiên cứu của tôi")


def test_a_colleague_of_the_expert_cannot_answer_for_them(client: TestClient, db: Session) -> None:
    expert, _, _, proposal = setup_expert(db)
    log_in(client, make_user(db, db.get(Organization, expert.organization_id)))
    assert client.get(f"/proposals/{proposal.id}").status_code in (403, 404)
    assert send(client, proposal, "Tôi xin trả lời thay đồng nghiệp.").status_code in (403, 404)
    assert sent_for(db, proposal) == []


def test_when_a_colleague_already_asked_the_card_says_so_and_links_to_that_inquiry(
    client: TestClient, db: Session
) -> None:
    offer, _, buyer, proposal = setup_pair(db)
    waiting = inquiries.express_interest(
        db, sender=buyer, listing_kind="offer", listing_id=offer.id, message="Chúng tôi đã hỏi qua biểu mẫu."
    )
    log_in(client, buyer)
    response = send(client, proposal, "Chúng tôi muốn trao đổi thêm về công nghệ này.", "c" * 24)
    assert response.status_code == 409
    notice = page(response).select_one(f"#proposal-{proposal.id} .notice.warning")
    assert urlsplit(notice.select_one("a")["href"]).path == f"/inquiries/{waiting.id}"
    assert sent_for(db, proposal) == [] and db.get(MatchProposal, proposal.id).status == "new"
