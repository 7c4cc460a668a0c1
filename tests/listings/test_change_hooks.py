"""Search and matching are told after every committed change of a listing, and cannot undo it."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace import publishing
from marketplace.models import Offer
from tests.listings.conftest import new_offer_form


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, int, bool]]:
    """Every call of the search and matching hooks: (hook, kind, id, was the change committed)."""
    calls: list[tuple[str, str, int, bool]] = []

    def spy(name: str):  # type: ignore[no-untyped-def]
        def hook(session: Session, kind: str, listing_id: int) -> None:
            committed = not session.new and not session.dirty
            calls.append((name, kind, listing_id, committed))

        return hook

    monkeypatch.setattr(publishing, "_update_search", spy("search"))
    monkeypatch.setattr(publishing, "_update_matching", spy("matching"))
    return calls


def test_creating_a_listing_tells_search_and_matching_after_the_commit(
    researcher_client: TestClient, db: Session, told: list[tuple[str, str, int, bool]]
) -> None:
    researcher_client.post("/offers/new", data=new_offer_form(researcher_client, intent="submit"))
    offer_id = db.exec(select(Offer.id)).one()
    assert told == [("search", "offer", offer_id, True), ("matching", "offer", offer_id, True)]


def test_a_failing_hook_does_not_undo_the_change(
    researcher_client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(session: Session, kind: str, listing_id: int) -> None:
        raise ConnectionError("Meilisearch is down")

    monkeypatch.setattr(publishing, "_update_search", broken)
    response = researcher_client.post("/offers/new", data=new_offer_form(researcher_client, intent="draft"))
    assert response.status_code == 200
    assert db.exec(select(Offer.title)).one() == new_offer_form(researcher_client)["title"]
