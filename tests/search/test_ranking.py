"""Ranking shortcuts must not change results: the same pages whether few or many candidates are ranked."""

from datetime import timedelta

import pytest
from sqlmodel import Session

from marketplace.models._base import utcnow
from marketplace.search import SearchQuery, find, sqlite_fts
from tests.builders import make_offer, make_org


def pages(db: Session, words: str, per_page: int) -> list[tuple[int, list[str]]]:
    out = []
    for number in (1, 2, 3):
        result = find(db, SearchQuery(text=words, page=number, per_page=per_page), None)
        out.append((result.total, [h.title.striptags() for h in result.hits]))
    return out


def test_ranking_few_candidates_gives_the_same_pages_as_ranking_all(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    org, now = make_org(db), utcnow()
    for n in range(16):
        stale = n % 5 == 0  # not confirmed for a year: counts half
        make_offer(
            db,
            org,
            title=f"Bẫy {'bẫy ' * (n % 6)}côn trùng{' loại' * n} mẫu {n}",
            summary="",
            description="",
            keywords=[],
            status="draft" if n == 7 else "published",
            confirmed_at=now - timedelta(days=400 if stale else n),
        )
    for n in range(30):  # other listings, so that the words searched for are rare enough to weigh
        make_offer(db, org, title=f"Máy sấy nông sản mẫu {n}", summary="", description="", keywords=[])
    everything = pages(db, "bay con trung ", per_page=4)
    monkeypatch.setattr(sqlite_fts, "CANDIDATES", 3)
    assert pages(db, "bay con trung ", per_page=4) == everything
    assert everything[0][0] == 15 and len(everything[2][1]) == 4
