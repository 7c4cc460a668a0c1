"""Recalculating every partner proposal in one batch: staff start it on /glossary (a glossary change otherwise
reaches only the listings published or edited afterwards), operators with the `match` command.

A run is a `RecalculationRun` row: `start` takes the one running slot (or refuses while another run holds
it), `run` does the work in its own session, writing how far it got every few listings (its heartbeat), and
keeps the outcome or the failure on the row. A run whose heartbeat stopped for `STALE_AFTER` (its process
was restarted or killed) counts as interrupted and no longer blocks the next one.
"""

import logging
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from marketplace import audit, proposals
from marketplace.db import session_scope
from marketplace.errors import Conflict, Forbidden
from marketplace.i18n import Msg
from marketplace.models import AuditLog, Need, Offer, RecalculationRun, User
from marketplace.models._base import aware, ident, utcnow

log = logging.getLogger("marketplace")

STALE_AFTER = timedelta(minutes=10)  # no sign of life for this long: the run's process is gone
PROGRESS_EVERY = 20  # listings between two writes of the progress (and heartbeat)
GLOSSARY_ACTIONS = ("glossary.add", "glossary.remove", "glossary.import")
ALREADY_RUNNING = Msg("Partner proposals are already being recalculated. This page shows how far that run has got.")

Progress = Callable[[Iterable[Any]], Iterable[Any]]


class _Superseded(Exception):
    """The run lost its slot (declared interrupted after a long silence, and another run started)."""


@dataclass(frozen=True)
class Overview:
    """What the glossary page says about recalculating: the newest run (if any) and the scale of the job."""

    last: RecalculationRun | None
    state: str | None  # "running", "done", "failed" or "interrupted"; None before the first run
    started_by: User | None
    listings: int  # how many listings a run goes through now
    minutes_left: int | None  # an estimate while running, once some listings are done
    minutes_taken: int | None  # how long the last run took, once it ended
    glossary_changed_since: bool  # staff changed the glossary after the last run started (or never ran one)


def is_stale(run: RecalculationRun, now: datetime | None = None) -> bool:
    """True when a run still marked running has given no sign of life for `STALE_AFTER`."""
    return bool(run.running) and (now or utcnow()) - aware(run.heartbeat_at) > STALE_AFTER


def state_of(run: RecalculationRun) -> str:
    if run.interrupted or is_stale(run):
        return "interrupted"
    if run.running:
        return "running"
    return "failed" if run.error else "done"


def start(session: Session, actor: User) -> RecalculationRun:
    """Open a run for a staff member (then hand its id to `run`); refused while another run is going."""
    if not actor.is_staff:
        raise Forbidden(Msg("Only Department staff can recalculate partner proposals."))
    return _open(session, actor_id=actor.id)


def start_from_command_line(session: Session) -> RecalculationRun:
    """Open a run for the `match` command (started by no one); refused while another run is going."""
    return _open(session, actor_id=None)


def _open(session: Session, *, actor_id: int | None) -> RecalculationRun:
    current = session.exec(select(RecalculationRun).where(col(RecalculationRun.running).is_(True))).first()
    if current is not None:
        if not is_stale(current):
            raise Conflict(ALREADY_RUNNING, current=current)
        # Its process is gone: free the slot, keeping when it was last seen working.
        current.running, current.interrupted, current.finished_at = None, True, current.heartbeat_at
        session.flush()
    created = RecalculationRun(started_by_id=actor_id, listings_total=_listing_count(session))
    session.add(created)
    try:
        session.flush()
    except IntegrityError:  # another run took the slot between our look and our write
        session.rollback()
        raise Conflict(ALREADY_RUNNING) from None
    audit.record(
        session,
        actor_id=actor_id,
        action="proposals.recalculate",
        entity="recalculation",
        entity_id=created.id,
        listings=created.listings_total,
    )
    session.commit()
    return created


def _listing_count(session: Session) -> int:
    """Every offer and need: `proposals.recompute_all` visits them all (an unpublished one withdraws its own)."""
    offers = session.exec(select(func.count()).select_from(Offer)).one()
    needs = session.exec(select(func.count()).select_from(Need)).one()
    return int(offers) + int(needs)


def run(run_id: int, *, engine: Engine | None = None, progress: Progress = lambda items: items) -> RecalculationRun:
    """Recalculate every proposal for an opened run, in a session of its own (a background task or a
    command); the outcome, a failure or an interruption is kept on the run, never raised (but Ctrl-C is)."""
    with session_scope(engine) as session:
        found = session.get(RecalculationRun, run_id)
        if found is None or not found.running:
            raise ValueError(f"recalculation run {run_id} is not open")
        tracker = _Tracker(session, ident(found))
        try:
            changes = proposals.recompute_all(session, progress=lambda items: tracker.follow(items, progress))
        except _Superseded:
            session.rollback()
            log.warning("recalculation run %s was superseded by a newer run; stopped", run_id)
            return _reloaded(session, found)
        except Exception as exc:
            session.rollback()
            log.exception("recalculation run %s failed", run_id)
            return _finish(session, found, error=f"{type(exc).__name__}: {exc}"[:1000])
        except BaseException:  # Ctrl-C at the command line, the process told to stop
            session.rollback()
            _finish(session, found, interrupted=True)
            raise
        return _finish(session, found, changes=changes)


class _Tracker:
    """Writes how far a run got every `PROGRESS_EVERY` listings, while the run still holds its slot."""

    def __init__(self, session: Session, run_id: int) -> None:
        self.session, self.run_id, self.done = session, run_id, 0

    def follow(self, items: Iterable[Any], progress: Progress) -> Iterator[Any]:
        listed = list(items)
        self._write(listings_total=len(listed))
        for item in progress(listed):
            yield item  # the listing is recalculated (and committed) before we come back here
            self.done += 1
            if self.done % PROGRESS_EVERY == 0:
                self._write()
        self._write()

    def _write(self, **values: Any) -> None:
        claim = (
            update(RecalculationRun)
            .where(col(RecalculationRun.id) == self.run_id, col(RecalculationRun.running).is_(True))
            .values(listings_done=self.done, heartbeat_at=utcnow(), **values)
        )
        written = self.session.execute(claim).rowcount  # type: ignore[attr-defined]
        self.session.commit()
        if not written:
            raise _Superseded()


def _reloaded(session: Session, found: RecalculationRun) -> RecalculationRun:
    session.refresh(found)
    return found


def _finish(
    session: Session,
    found: RecalculationRun,
    *,
    changes: proposals.Changes | None = None,
    error: str | None = None,
    interrupted: bool = False,
) -> RecalculationRun:
    _reloaded(session, found)
    found.running, found.finished_at, found.heartbeat_at = None, utcnow(), utcnow()
    found.error, found.interrupted = error, interrupted
    if changes is not None:
        found.listings_done = found.listings_total = changes.listings
        found.added, found.updated, found.removed, found.unchanged = (
            changes.added,
            changes.updated,
            changes.removed,
            changes.unchanged,
        )
    session.commit()
    return found


def latest(session: Session) -> RecalculationRun | None:
    """The newest run, whichever way it was started, as it is now (another session may be running it)."""
    order = (col(RecalculationRun.started_at).desc(), col(RecalculationRun.id).desc())
    newest = select(RecalculationRun).order_by(*order).execution_options(populate_existing=True)
    return session.exec(newest).first()


def overview(session: Session) -> Overview:
    """The newest run with what the page says about it, and how many listings a run would go through."""
    last = latest(session)
    changed = session.exec(select(func.max(AuditLog.at)).where(col(AuditLog.action).in_(GLOSSARY_ACTIONS))).one()
    if last is None:
        return Overview(None, None, None, _listing_count(session), None, None, changed is not None)
    state = state_of(last)
    return Overview(
        last=last,
        state=state,
        started_by=session.get(User, last.started_by_id) if last.started_by_id else None,
        listings=_listing_count(session),
        minutes_left=_minutes_left(last) if state == "running" else None,
        minutes_taken=_taken(last),
        glossary_changed_since=changed is not None and aware(changed) > aware(last.started_at),
    )


def _taken(found: RecalculationRun) -> int | None:
    """How long a finished run took, in minutes to the nearest (0: under half a minute)."""
    if found.finished_at is None:
        return None
    return round((aware(found.finished_at) - aware(found.started_at)).total_seconds() / 60)


def _minutes(span: timedelta) -> int:
    """Whole minutes, rounded up (0: under a second)."""
    return math.ceil(span.total_seconds() / 60)


def _minutes_left(found: RecalculationRun) -> int | None:
    """The time the listings left will take at the pace so far."""
    if not found.listings_done or found.listings_total <= found.listings_done:
        return None
    per_listing = (aware(found.heartbeat_at) - aware(found.started_at)) / found.listings_done
    return max(1, _minutes(per_listing * (found.listings_total - found.listings_done)))
