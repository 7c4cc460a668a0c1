"""An offer or need in both languages: its owner's optional translation of the title and summary, shown to
readers of the other language beside the original, searched, and given by the JSON API."""

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import inquiries, listing_import, matchmaking, proposals
from marketplace.models import Inquiry, Offer, Organization, SavedListing, User
from tests.builders import log_in, make_manager, make_need, make_offer, make_org, make_user, page, xlsx
from tests.listings.conftest import new_offer_form
from tests.listings.test_edit import edit_form
from tests.listings.test_revisions import decide, edit, published_offer, revisions
from tests.search.conftest import Backend, backend, glossary_dir, standin  # noqa: F401  (the contract's fixtures)

ENGLISH_TITLE = "Vacuum distillation of cajeput oil with over 60 % 1,8-cineole"
ENGLISH_SUMMARY = (
    "Fractional vacuum distillation gives Phú Lộc cajeput oil a stable 1,8-cineole content above 60 %, "
    "meeting the Vietnamese Pharmacopoeia V."
)
ORIGINAL_TITLE = "Quy trình chưng cất tinh dầu tràm đạt chuẩn 1,8-cineole"
TODAY = date(2026, 12, 3)


def translated_offer(db: Session, **overrides: object) -> Offer:
    values = {"translated_title": ENGLISH_TITLE, "translated_summary": ENGLISH_SUMMARY} | overrides
    return make_offer(db, **values)


def inquiry_about(db: Session, offer: Offer, sender: User) -> Inquiry:
    inquiry = inquiries.send_inquiry(
        db,
        sender=sender,
        listing_kind="offer",
        listing_id=offer.id,
        message="Công ty chúng tôi muốn mua 200 lít tinh dầu tràm mỗi quý, xin báo giá và lịch giao hàng.",
    )
    db.commit()
    return inquiry


def test_an_offer_saved_with_its_english_translation_keeps_it(researcher_client: TestClient, db: Session) -> None:
    form = new_offer_form(
        researcher_client, intent="draft", translated_title=ENGLISH_TITLE, translated_summary=ENGLISH_SUMMARY
    )
    assert researcher_client.post("/offers/new", data=form, follow_redirects=False).status_code == 303
    offer = db.exec(select(Offer)).one()
    assert (offer.translated_title, offer.translated_summary) == (ENGLISH_TITLE, ENGLISH_SUMMARY)


def test_the_form_marks_the_translation_fields_with_the_other_language(researcher_client: TestClient) -> None:
    html = page(researcher_client.get("/offers/new"))
    assert html.select_one("#f-translated_title")["lang"] == "en"
    assert html.select_one("#f-translated_summary")["lang"] == "en"
    assert html.select_one(".translation-fields legend").get_text() == "Bản dịch (không bắt buộc)"


def test_a_translated_summary_without_a_translated_title_is_refused_and_kept(
    researcher_client: TestClient, db: Session
) -> None:
    form = new_offer_form(researcher_client, intent="draft", translated_summary=ENGLISH_SUMMARY)
    response = researcher_client.post("/offers/new", data=form)
    html = page(response)
    assert response.status_code == 422
    assert html.select_one("#e-translated_title").get_text() == (
        "Vui lòng dịch cả tiêu đề, hoặc để trống phần tóm tắt đã dịch."
    )
    assert html.select_one("#f-translated_summary").get_text() == ENGLISH_SUMMARY
    assert html.select_one("#f-title")["value"] == form["title"]
    assert db.exec(select(Offer)).first() is None


def test_a_translated_title_over_200_characters_is_refused_with_its_length(
    researcher_client: TestClient, db: Session
) -> None:
    too_long = ("Cajeput oil " * 20).strip()
    form = new_offer_form(researcher_client, intent="draft", translated_title=too_long)
    response = researcher_client.post("/offers/new", data=form)
    assert response.status_code == 422
    assert "200" in page(response).select_one("#e-translated_title").get_text()
    assert page(response).select_one("#f-translated_title")["value"] == too_long


def test_an_owners_translation_of_a_published_offer_waits_for_review_and_is_shown_as_a_change(
    researcher_client: TestClient, staff_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    offer = published_offer(db, institute, researcher)
    assert edit(researcher_client, offer, translated_title=ENGLISH_TITLE) == 303
    assert revisions(db)[0].values["translated_title"] == ENGLISH_TITLE
    db.refresh(offer)
    assert offer.translated_title is None  # the public keeps the approved version meanwhile
    row = page(staff_client.get("/review")).select_one(f"#review-offer-{offer.id}-changes")
    changes = {tr.th.get_text(): tr.select_one("ins").get_text() for tr in row.select(".revision-changes tbody tr")}
    assert changes == {"Tiêu đề đã dịch": ENGLISH_TITLE}


def test_approving_the_changes_publishes_the_translation(
    researcher_client: TestClient, staff_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    offer = published_offer(db, institute, researcher)
    edit(researcher_client, offer, translated_title=ENGLISH_TITLE, translated_summary=ENGLISH_SUMMARY)
    decide(staff_client, offer, "approve")
    db.refresh(offer)
    assert (offer.translated_title, offer.translated_summary) == (ENGLISH_TITLE, ENGLISH_SUMMARY)


def test_a_stale_save_lists_a_translation_saved_meanwhile_and_keeps_the_one_typed(
    researcher_client: TestClient, db: Session, institute: Organization
) -> None:
    offer = make_offer(db, institute, status="draft", published_at=None)
    first_tab = edit_form(researcher_client, offer, translated_title=ENGLISH_TITLE, intent="draft")
    second_tab = edit_form(researcher_client, offer, translated_title="Cajeput oil distillation", intent="draft")
    researcher_client.post(f"/offers/{offer.id}/edit", data=first_tab)
    html = page(researcher_client.post(f"/offers/{offer.id}/edit", data=second_tab))
    saved = {dd.parent.dt.get_text(): dd.get_text() for dd in html.select(".conflict dd")}
    assert saved == {"Tiêu đề đã dịch": ENGLISH_TITLE}
    assert html.select_one("#f-translated_title")["value"] == "Cajeput oil distillation"


def test_an_english_reader_sees_the_translation_marked_english_with_the_original(
    client: TestClient, db: Session
) -> None:
    offer = translated_offer(db)
    html = page(client.get(f"/offers/{offer.id}?lang=en"))
    assert html.select_one("h1").get_text() == ENGLISH_TITLE and html.select_one("h1")["lang"] == "en"
    assert html.select_one(".lead").get_text() == ENGLISH_SUMMARY and html.select_one(".lead")["lang"] == "en"
    note = html.select_one(".listing-page .translation-note")
    assert note.get_text().startswith("Translated by the owner; original in Vietnamese")
    assert note.select_one(".original-title")["lang"] == "vi"
    assert note.select_one(".original-title").get_text() == ORIGINAL_TITLE


def test_an_english_reader_gets_the_translated_title_in_the_page_title_and_link_preview(
    client: TestClient, db: Session
) -> None:
    offer = translated_offer(db)
    html = page(client.get(f"/offers/{offer.id}?lang=en"))
    assert html.select_one("title").get_text().startswith(ENGLISH_TITLE)
    assert html.select_one("meta[property='og:title']")["content"] == ENGLISH_TITLE
    assert html.select_one("meta[property='og:description']")["content"] == ENGLISH_SUMMARY


def test_a_vietnamese_reader_sees_the_original_only(client: TestClient, db: Session) -> None:
    offer = translated_offer(db)
    html = page(client.get(f"/offers/{offer.id}?lang=vi"))
    assert html.select_one("h1").get_text() == ORIGINAL_TITLE and html.select_one("h1")["lang"] == "vi"
    assert html.select_one(".lead")["lang"] == "vi"
    assert html.select_one(".translation-note") is None
    assert ENGLISH_TITLE not in html.get_text()


def test_an_english_reader_of_a_listing_without_translation_sees_it_as_before(client: TestClient, db: Session) -> None:
    offer = make_offer(db)
    html = page(client.get(f"/offers/{offer.id}?lang=en"))
    assert html.select_one("h1").get_text() == ORIGINAL_TITLE and html.select_one("h1")["lang"] == "vi"
    assert html.select_one(".translation-note") is None


def test_a_card_in_english_shows_the_translated_title_summary_and_the_original(client: TestClient, db: Session) -> None:
    translated_offer(db)
    card = page(client.get("/offers?lang=en")).select_one(".listing-card")
    assert card.select_one(".card-title").get_text(strip=True) == ENGLISH_TITLE
    assert card.select_one(".card-title")["lang"] == "en" and card.select_one(".card-summary")["lang"] == "en"
    assert card.select_one(".translation-note .original-title").get_text() == ORIGINAL_TITLE


def test_an_english_need_translated_into_vietnamese_shows_it_to_vietnamese_readers(
    client: TestClient, db: Session
) -> None:
    need = make_need(
        db,
        language="en",
        title="Traceability of Huế lotus seeds for export",
        problem="Buyers in Japan ask where each batch of lotus seeds was grown and dried.",
        translated_title="Truy xuất nguồn gốc hạt sen Huế xuất khẩu",
    )
    html = page(client.get(f"/needs/{need.id}?lang=vi"))
    assert html.select_one("h1").get_text() == "Truy xuất nguồn gốc hạt sen Huế xuất khẩu"
    assert html.select_one("h1")["lang"] == "vi"
    note = html.select_one(".translation-note")
    assert note.get_text().startswith("Chủ tin tự dịch; bản gốc bằng tiếng Anh")
    assert note.select_one(".original-title")["lang"] == "en"


def test_search_finds_a_vietnamese_listing_by_a_word_of_its_english_title(
    backend: Backend,  # noqa: F811  (the search contract's fixture, imported above)
    db: Session,
) -> None:
    translated_offer(db, translated_summary=None)
    make_offer(db, title="Giống lúa chịu mặn cho vùng Phong Điền", keywords=["lúa"])
    hits = backend.find("cajeput").hits
    assert [hit.title.striptags() for hit in hits] == [ORIGINAL_TITLE]
    assert hits[0].translated_title is not None and hits[0].translated_title.striptags() == ENGLISH_TITLE


def test_search_finds_a_vietnamese_listing_by_words_of_its_english_summary(
    backend: Backend,  # noqa: F811
    db: Session,
) -> None:
    translated_offer(db)
    assert backend.titles("pharmacopoeia") == [ORIGINAL_TITLE]


def test_the_search_page_in_english_shows_the_translated_title_with_the_original(
    client: TestClient, db: Session
) -> None:
    translated_offer(db)
    hit = page(client.get("/search?q=cajeput+oil&lang=en")).select_one(".search-hit")
    assert hit.select_one(".card-title").get_text() == ENGLISH_TITLE
    assert hit.select_one(".card-title")["lang"] == "en"
    assert [m.get_text() for m in hit.select(".card-title mark")] == ["cajeput oil"]
    assert hit.select_one(".translation-note .original-title").get_text() == ORIGINAL_TITLE


def test_the_search_page_in_vietnamese_shows_the_original_title(client: TestClient, db: Session) -> None:
    translated_offer(db)
    hit = page(client.get("/search?q=cajeput&lang=vi")).select_one(".search-hit")
    assert hit.select_one(".card-title").get_text() == ORIGINAL_TITLE
    assert hit.select_one(".translation-note") is None


def test_the_api_gives_a_listing_translation_or_null(client: TestClient, db: Session) -> None:
    offer = translated_offer(db)
    plain = make_need(db)
    assert client.get(f"/api/v1/offers/{offer.id}").json()["translation"] == {
        "language": "en",
        "title": ENGLISH_TITLE,
        "summary": ENGLISH_SUMMARY,
    }
    assert client.get(f"/api/v1/needs/{plain.id}").json()["translation"] is None


def test_the_openapi_schema_describes_the_translation(client: TestClient) -> None:
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(schemas["TranslationOut"]["properties"]) == {"language", "title", "summary"}
    assert "translation" in schemas["OfferOut"]["properties"] and "translation" in schemas["NeedOut"]["properties"]


def test_the_search_api_gives_a_found_listing_translation(client: TestClient, db: Session) -> None:
    translated_offer(db)
    result = client.get("/api/v1/search?q=cajeput").json()["results"][0]
    assert result["translation"]["language"] == "en" and result["translation"]["title"] == ENGLISH_TITLE


def test_my_exchange_in_english_lists_a_translated_listing_by_its_english_title(
    researcher_client: TestClient, db: Session, institute: Organization, researcher: User
) -> None:
    make_offer(db, institute, owner_id=researcher.id, translated_title=ENGLISH_TITLE)
    row = page(researcher_client.get("/me?lang=en")).select_one(".listing-row")
    assert row.select_one(".row-title").get_text() == ENGLISH_TITLE and row.select_one(".row-title")["lang"] == "en"
    assert row.select_one(".translation-note .original-title").get_text() == ORIGINAL_TITLE


def test_the_demo_cajeput_offer_is_found_by_english_words_and_shown_in_english(seeded_client: TestClient) -> None:
    hits = page(seeded_client.get("/search?q=fractional+distillation+cajeput&lang=en")).select(".search-hit")
    titles = {hit.select_one(".card-title").get_text(): hit for hit in hits}
    hit = titles["Vacuum fractional distillation and GC-MS standardisation of cajeput oil to 60–65% 1,8-cineole"]
    assert hit.select_one(".translation-note .original-title")["lang"] == "vi"


def test_a_spreadsheet_row_brings_its_translation_into_the_draft(db: Session, institute: Organization) -> None:
    manager = make_manager(db, institute, role="researcher", full_name="PGS.TS. Lê Văn Khiêm")
    header = ["Tiêu đề *", "Lĩnh vực *", "Mức độ sẵn sàng công nghệ (TRL) *", "Tiêu đề đã dịch", "Tóm tắt đã dịch"]
    row = [ORIGINAL_TITLE, "Dược liệu", "6", ENGLISH_TITLE, ENGLISH_SUMMARY]
    found = listing_import.preview(
        db, manager, organization_id=institute.id, kind="offer", content=xlsx([header, row]), today=TODAY
    )
    rows = [(r.line, r.values) for r in found.rows if r.fate == "create"]
    listing_import.confirm(
        db, manager, organization_id=institute.id, kind="offer", rows=rows, today=TODAY, filename="danh-muc.xlsx"
    )
    offer = db.exec(select(Offer)).one()
    assert (offer.translated_title, offer.translated_summary) == (ENGLISH_TITLE, ENGLISH_SUMMARY)


def test_a_spreadsheet_row_with_a_translated_summary_alone_is_refused_naming_the_cell(
    db: Session, institute: Organization
) -> None:
    manager = make_manager(db, institute, role="researcher", full_name="PGS.TS. Lê Văn Khiêm")
    header = ["Tiêu đề *", "Lĩnh vực *", "Mức độ sẵn sàng công nghệ (TRL) *", "Tóm tắt đã dịch"]
    found = listing_import.preview(
        db,
        manager,
        organization_id=institute.id,
        kind="offer",
        content=xlsx([header, [ORIGINAL_TITLE, "Dược liệu", "6", ENGLISH_SUMMARY]]),
        today=TODAY,
    )
    assert found.rows[0].fate == "refused"
    assert [label for _cell, label, _message in found.rows[0].problems] == ["Tiêu đề đã dịch"]


def test_an_inquiry_about_a_translated_offer_reads_in_english_for_an_english_reader(
    outsider_client: TestClient, db: Session, institute: Organization, outsider: User
) -> None:
    inquiry = inquiry_about(db, translated_offer(db, organization=institute), outsider)
    title = page(outsider_client.get(f"/inquiries/{inquiry.id}?lang=en")).select_one(".inquiry-title a")
    assert (title.get_text(), title["lang"]) == (ENGLISH_TITLE, "en")


def test_a_saved_translated_offer_is_listed_by_its_english_title_for_an_english_reader(
    outsider_client: TestClient, db: Session, outsider: User
) -> None:
    offer = translated_offer(db)
    db.add(SavedListing(user_id=outsider.id, listing_kind="offer", listing_id=offer.id, note="Hỏi giá chuyển giao"))
    db.commit()
    card = page(outsider_client.get("/saved?lang=en")).select_one(".saved-listing")
    assert card.select_one(".card-title a").get_text() == ENGLISH_TITLE
    assert card.select_one(".card-title a")["lang"] == "en"
    assert card.select_one(".translation-note .original-title").get_text() == ORIGINAL_TITLE


def test_a_proposed_translated_offer_reads_in_english_on_the_need_page(client: TestClient, db: Session) -> None:
    matchmaking.clear_cache()
    translated_offer(db, organization=make_org(db, name_vi="Viện Hóa học"))
    company = make_org(db, kind="enterprise", name_vi="HTX Dầu tràm Lộc Thủy")
    need = make_need(db, company)
    proposals.refresh_listing(db, need)
    log_in(client, make_user(db, company, role="enterprise"))
    card = page(client.get(f"/needs/{need.id}?lang=en")).select_one("#proposals .proposal")
    assert card.select_one(".card-title a").get_text() == ENGLISH_TITLE
    assert card.select_one(".card-title a")["lang"] == "en"
    assert card.select_one(".translation-note .original-title").get_text() == ORIGINAL_TITLE
