"""The rules of saved listings, below the pages: one row per member and listing, whatever the timing."""

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from marketplace import saved_listings
from marketplace.errors import NotFound
from marketplace.models import SavedListing
from tests.builders import make_need, make_offer, make_user


def test_two_saves_at_the_same_moment_keep_one(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    offer = make_offer(db)
    user = make_user(db)
    first, created = saved_listings.save(db, user, "offer", offer.id)
    assert created
    # the second request looked before the first one wrote: it found nothing and inserts too
    looked = saved_listings.saved_row
    calls = iter([None])
    monkeypatch.setattr(saved_listings, "saved_row", lambda *args: next(calls, None) or looked(*args))
    second, created = saved_listings.save(db, user, "offer", offer.id)
    assert not created and second.id == first.id
    assert len(db.exec(select(SavedListing).where(SavedListing.user_id == user.id)).all()) == 1


def test_the_database_keeps_one_row_per_member_and_listing(db: Session) -> None:
    need = make_need(db)
    user = make_user(db)
    db.add(SavedListing(user_id=user.id, listing_kind="need", listing_id=need.id))
    db.commit()
    db.add(SavedListing(user_id=user.id, listing_kind="need", listing_id=need.id, note="lần hai"))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()
    db.add(SavedListing(user_id=user.id, listing_kind="offer", listing_id=need.id))  # another kind, same number
    db.commit()


def test_unsaving_what_is_not_saved_changes_nothing_but_an_unseen_listing_is_not_found(db: Session) -> None:
    offer = make_offer(db)
    draft = make_offer(db, status="draft", published_at=None)
    user = make_user(db)
    assert saved_listings.unsave(db, user, "offer", offer.id) == offer
    with pytest.raises(NotFound):
        saved_listings.unsave(db, user, "offer", draft.id)
    with pytest.raises(NotFound):
        saved_listings.save(db, user, "collaboration", offer.id)


def test_a_listing_counts_everyone_who_keeps_it(db: Session) -> None:
    offer, need, unsaved = make_offer(db), make_need(db), make_need(db)
    for _ in range(3):
        saved_listings.save(db, make_user(db), "offer", offer.id)
    saved_listings.save(db, make_user(db), "need", need.id)
    assert saved_listings.count_for(db, "offer", offer.id) == 3
    assert saved_listings.count_for(db, "need", need.id) == 1
    assert saved_listings.count_for(db, "need", unsaved.id) == 0
