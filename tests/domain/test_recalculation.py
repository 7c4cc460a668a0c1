"""Recalculating every partner proposal in one batch: one run at a time, its progress and outcome kept."""

from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from marketplace import glossary, matchmaking, recalculation
from marketplace.errors import Conflict, Forbidden
from marketplace.models import AuditLog, MatchProposal, RecalculationRun, User
from marketplace.models._base import ident, utcnow
from tests.builders import make_need, make_offer, make_org, make_user
from tests.conftest import SEED_DIR


@pytest.fixture(autouse=True)
def fresh_matcher_cache() -> None:
    matchmaking.clear_cache()


@pytest.fixture
def staff(db: Session) -> User:
    return make_user(db, role="staff", email="tinh.lai@sokhcn.hue.gov.vn", full_name="Lê Văn Tâm")


def gotu_kola_pair(db: Session) -> tuple[Any, Any]:
    """An English offer and a Vietnamese need about the same herb, which only the glossary can pair."""
    offer = make_offer(
        db,
        make_org(db, name_vi="Viện Công nghệ Sinh học"),
        title="Gotu kola juice powder for instant drinks",
        summary="Fresh gotu kola leaves pressed and spray-dried into a green powder.",
        description="Pressing, spray drying at low temperature, nitrogen packing.",
        keywords=["gotu kola", "instant drink"],
        language="en",
    )
    need = make_need(
        db,
        title="Cần công nghệ làm bột rau má hòa tan",
        problem="Nông hộ trồng rau má ở Quảng Điền muốn bán bột thay vì bán lá tươi.",
        desired_outcome="Bột rau má giữ màu xanh, pha được ngay.",
        keywords=["rau má", "bột hòa tan"],
        min_trl=None,
    )
    return offer, need


def test_a_second_run_is_refused_while_one_is_in_progress(db: Session, staff: User) -> None:
    first = recalculation.start(db, staff)
    with pytest.raises(Conflict) as refused:
        recalculation.start(db, make_user(db, role="staff"))
    assert refused.value.current == first
    with pytest.raises(Conflict):
        recalculation.start_from_command_line(db)  # the command waits its turn like everyone
    assert len(db.exec(select(RecalculationRun)).all()) == 1


def test_a_run_silent_for_ten_minutes_counts_as_interrupted_and_no_longer_blocks(db: Session, staff: User) -> None:
    first = recalculation.start(db, staff)
    last_seen = utcnow() - timedelta(minutes=11)
    first.heartbeat_at = last_seen
    db.commit()
    assert recalculation.overview(db).state == "interrupted"

    second = recalculation.start(db, staff)
    db.refresh(first)
    assert (first.running, first.interrupted) == (None, True)
    assert recalculation.aware(first.finished_at) == last_seen  # type: ignore[arg-type]
    assert second.running is True and recalculation.overview(db).last == second


def test_only_staff_start_a_recalculation(db: Session) -> None:
    researcher = make_user(db, make_org(db), email="nghien.cuu.vien@hueuni.edu.vn")
    with pytest.raises(Forbidden):
        recalculation.start(db, researcher)
    assert db.exec(select(RecalculationRun)).all() == []


def test_a_run_records_its_progress_and_outcome(
    db: Session, engine: Engine, staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recalculation, "PROGRESS_EVERY", 2)
    institute = make_org(db, name_vi="Viện Hóa học")
    for n in range(3):
        make_offer(db, institute, title=f"Quy trình chưng cất tinh dầu tràm lô {n + 1}")
    make_need(db)
    opened = recalculation.start(db, staff)
    seen: list[int] = []

    def watch(items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            with Session(engine) as other:  # what the page would read meanwhile
                seen.append(other.get(RecalculationRun, opened.id).listings_done)  # type: ignore[union-attr]
            yield item

    done = recalculation.run(ident(opened), engine=engine, progress=watch)
    assert seen == [0, 0, 2, 2]  # written every second listing, before the third and fifth begin
    assert (done.listings_total, done.listings_done, done.running, done.error) == (4, 4, None, None)
    assert done.finished_at is not None and done.added == 3  # the need meets each of the three offers
    assert done.added == len(db.exec(select(MatchProposal)).all())
    overview = recalculation.overview(db)
    assert (overview.state, overview.started_by, overview.minutes_taken) == ("done", staff, 0)
    logged = db.exec(select(AuditLog).where(AuditLog.action == "proposals.recalculate")).one()
    assert (logged.actor_id, logged.entity, logged.entity_id) == (staff.id, "recalculation", opened.id)


def test_a_run_that_fails_keeps_the_failure_instead_of_raising(
    db: Session, engine: Engine, staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_need(db)

    def broken(*args: Any, **kwargs: Any) -> list[Any]:
        raise RuntimeError("matcher unavailable")

    monkeypatch.setattr(matchmaking, "rank", broken)
    opened = recalculation.start(db, staff)
    failed = recalculation.run(ident(opened), engine=engine)
    assert failed.error == "RuntimeError: matcher unavailable"
    assert failed.running is None and failed.finished_at is not None
    assert recalculation.overview(db).state == "failed"
    recalculation.start(db, staff)  # and it does not block the next run


def test_a_term_added_then_a_recalculation_brings_the_cross_language_proposal(
    db: Session, engine: Engine, staff: User
) -> None:
    offer, need = gotu_kola_pair(db)
    first = recalculation.run(ident(recalculation.start(db, staff)), engine=engine)
    assert first.added == 0  # "rau má" and "gotu kola" share no word yet

    glossary.add(db, staff, {"vi": "rau má", "en": "gotu kola"}, SEED_DIR)
    assert db.exec(select(MatchProposal)).all() == []  # the change alone does not reach existing listings
    assert recalculation.overview(db).glossary_changed_since

    second = recalculation.run(ident(recalculation.start(db, staff)), engine=engine)
    proposal = db.exec(select(MatchProposal)).one()
    assert (proposal.need_id, proposal.offer_id, second.added) == (need.id, offer.id, 1)
    assert not recalculation.overview(db).glossary_changed_since
