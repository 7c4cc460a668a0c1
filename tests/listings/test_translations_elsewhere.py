"""An owner's translation of a listing beyond its own page and cards: the staff review queue, a collaboration
named after the listing, inquiries and the Atom feeds show it to readers of its language, with the original."""

import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient
from sqlmodel import Session

from marketplace.collaborations import open_collaboration
from marketplace.models import Collaboration, Offer, Organization, User
from marketplace.models._base import utcnow
from tests.builders import make_org, page
from tests.listings.test_listing_translations import (
    ENGLISH_SUMMARY,
    ENGLISH_TITLE,
    ORIGINAL_TITLE,
    inquiry_about,
    translated_offer,
)

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def waiting_for_review(db: Session) -> Offer:
    return translated_offer(db, status="submitted", published_at=None, submitted_at=utcnow())


def collaboration_on(db: Session, offer: Offer, staff: User, title: str) -> Collaboration:
    seeker = make_org(db, kind="enterprise", name_vi="Hợp tác xã Dầu tràm Lộc Thủy")
    collab = open_collaboration(
        db, provider_org_id=offer.organization_id, seeker_org_id=seeker.id, title=title, stage="contacted",
        actor_id=staff.id, offer_id=offer.id,
    )  # fmt: skip
    db.commit()
    return collab


def feed_entry(client: TestClient, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")  # noqa: S314 (our own response)
    assert entry is not None
    return entry


def test_staff_reading_in_english_see_a_waiting_listing_by_its_english_title_with_the_original(
    staff_client: TestClient, db: Session
) -> None:
    waiting_for_review(db)
    item = page(staff_client.get("/review?lang=en")).select_one(".review-item")
    assert (item.select_one(".card-title").get_text(strip=True), item.select_one(".card-title")["lang"]) == (
        ENGLISH_TITLE,
        "en",
    )
    assert item.select_one(".card-summary").get_text() == ENGLISH_SUMMARY
    assert item.select_one(".translation-note .original-title").get_text() == ORIGINAL_TITLE


def test_staff_reading_in_vietnamese_see_a_waiting_listing_by_its_original_title(
    staff_client: TestClient, db: Session
) -> None:
    waiting_for_review(db)
    item = page(staff_client.get("/review?lang=vi")).select_one(".review-item")
    assert (item.select_one(".card-title").get_text(strip=True), item.select_one(".card-title")["lang"]) == (
        ORIGINAL_TITLE,
        "vi",
    )
    assert item.select_one(".translation-note") is None


def test_a_collaboration_named_after_its_offer_is_headed_by_the_english_title_for_an_english_reader(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    collab = collaboration_on(db, translated_offer(db), staff, ORIGINAL_TITLE)
    html = page(staff_client.get(f"/collaborations/{collab.id}?lang=en"))
    assert (html.select_one("h1").get_text(), html.select_one("h1")["lang"]) == (ENGLISH_TITLE, "en")
    assert html.select_one(".collab-head .translation-note .original-title").get_text() == ORIGINAL_TITLE
    assert html.select_one("title").get_text().startswith(ENGLISH_TITLE)


def test_a_collaboration_named_after_its_offer_is_headed_by_the_original_for_a_vietnamese_reader(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    collab = collaboration_on(db, translated_offer(db), staff, ORIGINAL_TITLE)
    html = page(staff_client.get(f"/collaborations/{collab.id}?lang=vi"))
    assert (html.select_one("h1").get_text(), html.select_one("h1")["lang"]) == (ORIGINAL_TITLE, "vi")
    assert html.select_one(".translation-note") is None


def test_a_collaboration_staff_named_otherwise_keeps_its_own_name_for_an_english_reader(
    staff_client: TestClient, db: Session, staff: User
) -> None:
    collab = collaboration_on(db, translated_offer(db), staff, "Chuyển giao quy trình chưng cất cho HTX Lộc Thủy")
    html = page(staff_client.get(f"/collaborations/{collab.id}?lang=en"))
    assert html.select_one("h1").get_text() == "Chuyển giao quy trình chưng cất cho HTX Lộc Thủy"
    assert html.select_one(".collab-head .translation-note") is None


def test_an_inquiry_page_is_headed_by_the_english_title_for_an_english_reader(
    outsider_client: TestClient, db: Session, institute: Organization, outsider: User
) -> None:
    inquiry = inquiry_about(db, translated_offer(db, organization=institute), outsider)
    html = page(outsider_client.get(f"/inquiries/{inquiry.id}?lang=en"))
    shown = html.select_one("h1 span")
    assert (shown.get_text(), shown["lang"]) == (ENGLISH_TITLE, "en")
    assert html.select_one("h1").get_text() == f"Inquiry about “{ENGLISH_TITLE}”"
    assert html.select_one(".inquiry .translation-note .original-title").get_text() == ORIGINAL_TITLE


def test_an_inquiry_page_is_headed_by_the_original_title_for_a_vietnamese_reader(
    outsider_client: TestClient, db: Session, institute: Organization, outsider: User
) -> None:
    inquiry = inquiry_about(db, translated_offer(db, organization=institute), outsider)
    html = page(outsider_client.get(f"/inquiries/{inquiry.id}?lang=vi"))
    shown = html.select_one("h1 span")
    assert (shown.get_text(), shown["lang"]) == (ORIGINAL_TITLE, "vi")
    assert html.select_one(".translation-note") is None


def test_the_page_to_ask_about_a_translated_offer_is_headed_by_its_english_title_for_an_english_reader(
    outsider_client: TestClient, db: Session
) -> None:
    offer = translated_offer(db)
    html = page(outsider_client.get(f"/inquiries/new?listing_kind=offer&listing_id={offer.id}&lang=en"))
    assert (html.select_one("h1 span").get_text(), html.select_one("h1 span")["lang"]) == (ENGLISH_TITLE, "en")
    assert html.select_one(".translation-note .original-title").get_text() == ORIGINAL_TITLE


def test_the_staff_list_of_inquiries_in_english_names_a_translated_offer_by_its_english_title(
    staff_client: TestClient, db: Session, institute: Organization, outsider: User
) -> None:
    inquiry_about(db, translated_offer(db, organization=institute), outsider)
    about = page(staff_client.get("/inquiries?lang=en")).select_one(".inquiry-about")
    assert (about.a.get_text(), about.a["lang"]) == (ENGLISH_TITLE, "en")
    assert about.select_one(".translation-note .original-title").get_text() == ORIGINAL_TITLE


def test_the_staff_list_of_inquiries_in_vietnamese_names_a_translated_offer_by_its_original_title(
    staff_client: TestClient, db: Session, institute: Organization, outsider: User
) -> None:
    inquiry_about(db, translated_offer(db, organization=institute), outsider)
    about = page(staff_client.get("/inquiries?lang=vi")).select_one(".inquiry-about")
    assert (about.a.get_text(), about.a["lang"]) == (ORIGINAL_TITLE, "vi")
    assert about.select_one(".translation-note") is None


def test_the_english_offer_feed_gives_a_translated_offer_in_english(client: TestClient, db: Session) -> None:
    translated_offer(db)
    entry = feed_entry(client, "/offers.atom?lang=en")
    title, summary = entry.find(f"{ATOM}title"), entry.find(f"{ATOM}summary")
    assert (title.text, title.get(XML_LANG)) == (ENGLISH_TITLE, "en")
    assert (summary.text, summary.get(XML_LANG)) == (ENGLISH_SUMMARY, "en")


def test_the_vietnamese_offer_feed_gives_a_translated_offer_in_the_original(client: TestClient, db: Session) -> None:
    offer = translated_offer(db)
    entry = feed_entry(client, "/offers.atom?lang=vi")
    title, summary = entry.find(f"{ATOM}title"), entry.find(f"{ATOM}summary")
    assert (title.text, title.get(XML_LANG)) == (ORIGINAL_TITLE, "vi")
    assert (summary.text, summary.get(XML_LANG)) == (offer.summary, "vi")


def test_the_english_feed_marks_an_untranslated_summary_beside_a_translated_title_vietnamese(
    client: TestClient, db: Session
) -> None:
    offer = translated_offer(db, translated_summary=None)
    entry = feed_entry(client, "/offers.atom?lang=en")
    title, summary = entry.find(f"{ATOM}title"), entry.find(f"{ATOM}summary")
    assert (title.text, title.get(XML_LANG)) == (ENGLISH_TITLE, "en")
    assert (summary.text, summary.get(XML_LANG)) == (offer.summary, "vi")
