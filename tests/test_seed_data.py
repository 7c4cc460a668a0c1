"""The demo data is realistic and consistent: what the demo and the matcher's judged set rely on."""

import json
import re
import unicodedata
from collections import Counter

import pytest

from marketplace.models import CollaborationType, IPStatus, ListingStatus, OrgKind, Role, Stage
from marketplace.seed import read_all, read_json
from tests.conftest import SEED_DIR

VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưàáạảãằắặẳẵầấậẩẫèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ]", re.IGNORECASE)


@pytest.fixture(scope="module")
def data() -> dict[str, list[dict]]:
    return {
        "organizations": read_json(SEED_DIR / "organizations.json"),
        "users": read_json(SEED_DIR / "users.json"),
        "offers": read_all(SEED_DIR / "offers"),
        "needs": read_all(SEED_DIR / "needs"),
        "collaborations": read_json(SEED_DIR / "collaborations.json"),
        "sectors": read_json(SEED_DIR / "sectors.json"),
    }


def judged() -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for path in sorted((SEED_DIR / "judged_matches").glob("*.json")):
        merged |= json.loads(path.read_text(encoding="utf-8"))
    return merged


def test_there_is_enough_of_everything(data: dict[str, list[dict]]) -> None:
    assert len(data["organizations"]) >= 40
    assert len(data["offers"]) >= 150 and len(data["needs"]) >= 100
    assert len(data["collaborations"]) >= 30 and len(data["users"]) >= 20
    assert {u["role"] for u in data["users"]} == {r.value for r in Role}
    assert {c["stage"] for c in data["collaborations"]} == {s.value for s in Stage}
    assert sum(1 for n in data["needs"] if n.get("commissioned")) >= 3


def test_most_listings_are_vietnamese_with_diacritics_and_some_english(data: dict[str, list[dict]]) -> None:
    listings = data["offers"] + data["needs"]
    vietnamese = [x for x in listings if x["language"] == "vi" and VIETNAMESE_LETTERS.search(x["title"])]
    assert len(vietnamese) >= 0.7 * len(listings)
    assert sum(1 for x in listings if x["language"] == "en") >= 10


def test_texts_are_nfc_normalised(data: dict[str, list[dict]]) -> None:
    for listing in data["offers"] + data["needs"]:
        for value in listing.values():
            if isinstance(value, str):
                assert unicodedata.normalize("NFC", value) == value, listing["key"]


def test_keys_are_unique_and_every_reference_resolves(data: dict[str, list[dict]]) -> None:
    orgs = {o["key"] for o in data["organizations"]}
    emails = {u["email"] for u in data["users"]}
    sectors = {s["code"] for s in data["sectors"]}
    for kind in ("offers", "needs", "collaborations", "organizations"):
        keys = Counter(x["key"] for x in data[kind])
        assert [k for k, n in keys.items() if n > 1] == [], kind
    assert {o["parent"] for o in data["organizations"] if o.get("parent")} <= orgs
    assert {u["organization"] for u in data["users"] if u.get("organization")} <= orgs
    # a waiting request to join is made by someone in no organization yet; managers belong to one
    assert all(u["requests"] in orgs and not u.get("organization") for u in data["users"] if u.get("requests"))
    assert all(u.get("organization") for u in data["users"] if u.get("manager"))
    for listing in data["offers"] + data["needs"]:
        assert listing["org"] in orgs and listing["sector"] in sectors, listing["key"]
        assert listing.get("owner") is None or listing["owner"] in emails, listing["key"]
    offers, needs = {o["key"] for o in data["offers"]}, {n["key"] for n in data["needs"]}
    for collab in data["collaborations"]:
        assert {collab["provider_org"], collab["seeker_org"]} <= orgs
        assert collab.get("offer") in offers | {None} and collab.get("need") in needs | {None}
        assert collab["broker"] in emails


def test_values_come_from_the_fixed_vocabularies(data: dict[str, list[dict]]) -> None:
    assert {o["kind"] for o in data["organizations"]} <= {k.value for k in OrgKind}
    statuses, types = {s.value for s in ListingStatus}, {t.value for t in CollaborationType}
    for offer in data["offers"]:
        assert 1 <= offer["trl"] <= 9 and offer["ip_status"] in {s.value for s in IPStatus}, offer["key"]
        assert offer["status"] in statuses and set(offer["collaboration_types"]) <= types, offer["key"]
    for need in data["needs"]:
        assert need["status"] in statuses and set(need["collaboration_types"]) <= types, need["key"]
        low, high = need.get("budget_min_vnd"), need.get("budget_max_vnd")
        assert low is None or high is None or 0 < low <= high, need["key"]


def test_collaboration_histories_are_believable(data: dict[str, list[dict]]) -> None:
    for collab in data["collaborations"]:
        history = collab["history"]
        assert history[0]["to_stage"] == "proposed" and history[-1]["to_stage"] == collab["stage"], collab["key"]
        days = [h["days_ago"] for h in history]
        assert days == sorted(days, reverse=True), collab["key"]
        if collab["stage"] == "closed":
            assert collab.get("closed_reason"), collab["key"]


def test_every_published_need_has_one_to_three_judged_offers(data: dict[str, list[dict]]) -> None:
    offers = {o["key"]: o for o in data["offers"]}
    needs = {n["key"]: n for n in data["needs"]}
    answers = judged()
    assert len(answers) >= 80
    for need_key, offer_keys in answers.items():
        assert needs[need_key]["status"] == "published", need_key
        assert 1 <= len(offer_keys) <= 3, need_key
        assert all(offers[k]["status"] == "published" for k in offer_keys), need_key


def test_demo_inquiries_are_about_published_listings_of_other_organizations(data: dict[str, list[dict]]) -> None:
    users = {u["email"]: u for u in data["users"]}
    listings = {("offer", o["key"]): o for o in data["offers"]} | {("need", n["key"]): n for n in data["needs"]}
    inquiries = read_json(SEED_DIR / "inquiries.json")
    assert {i["status"] for i in inquiries} == {"pending", "accepted", "declined"}
    for inquiry in inquiries:
        listing = listings[(inquiry["kind"], inquiry["listing"])]
        assert listing["status"] == "published"
        assert users[inquiry["sender"]]["organization"] != listing["org"]
        if inquiry["status"] == "declined":
            assert inquiry["decline_reason"] and inquiry["decline_note"]


def test_demo_threads_are_on_waiting_inquiries_written_by_their_sides_or_the_department(
    data: dict[str, list[dict]],
) -> None:
    users = {u["email"]: u for u in data["users"]}
    listings = {("offer", o["key"]): o for o in data["offers"]} | {("need", n["key"]): n for n in data["needs"]}
    threads = [i for i in read_json(SEED_DIR / "inquiries.json") if i.get("thread")]
    assert threads
    for inquiry in threads:
        assert inquiry["status"] == "pending"
        sides = {users[inquiry["sender"]]["organization"], listings[(inquiry["kind"], inquiry["listing"])]["org"]}
        ages = [m["days_ago"] for m in inquiry["thread"]]
        assert ages == sorted(ages, reverse=True) and ages[0] < inquiry["days_ago"]
        for message in inquiry["thread"]:
            author = users[message["by"]]
            assert author["organization"] in sides or author["role"] == "staff"
            assert VIETNAMESE_LETTERS.search(message["body"]) and len(message["body"]) <= 2000
