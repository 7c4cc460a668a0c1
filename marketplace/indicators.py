"""The figures the Department reports for a period, sector and organization (PII-style counts and the pipeline)."""

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from typing import Any

from sqlmodel import Session, col, func, or_, select

from marketplace import validation
from marketplace.collaborations import FINISHED_STAGES, STAGES, VERSION_MAX, staff_members
from marketplace.i18n import TIMEZONE, Msg, local_time, sort_key
from marketplace.inquiries import org_name
from marketplace.labels import sector_options
from marketplace.models import (
    Collaboration,
    CollaborationMeeting,
    Inquiry,
    InquiryStatus,
    MatchProposal,
    MeetingStatus,
    Need,
    Offer,
    Organization,
    StageChange,
)
from marketplace.models._base import aware

FUNNEL = ("proposed", "contacted", "negotiating", "agreement_signed")
RANK = {stage: i for i, stage in enumerate(STAGES[:-1])}  # "closed" is not a step forward
EARLIEST = date(2000, 1, 1)
MAX_SPAN_DAYS = 366 * 10
STALE_DAYS = 30


@dataclass
class Period:
    """Whole days from `start` to `end` inclusive, in Huế time."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time(), TIMEZONE).astimezone(UTC)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), TIMEZONE).astimezone(UTC)

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.since <= aware(moment) < self.until

    def months(self) -> list[str]:
        """Every month the period touches, as YYYY-MM."""
        found, day = [], self.start.replace(day=1)
        while day <= self.end:
            found.append(day.strftime("%Y-%m"))
            day = (day + timedelta(days=32)).replace(day=1)
        return found


@dataclass
class Scope:
    """Which listings and collaborations count: all, one sector, one organization."""

    sector: str | None = None
    organization: int | None = None


def default_period(today: date) -> Period:
    """The last twelve months up to today."""
    return Period(today - timedelta(days=364), today)


def parse_period(params: Mapping[str, Any], today: date) -> tuple[Period, validation.Errors]:
    """The period asked for (`from`, `to` as YYYY-MM-DD); the default twelve months where it makes no sense."""
    errors: validation.Errors = {}
    fallback = default_period(today)
    start = _day(errors, params, "from") or fallback.start
    end = _day(errors, params, "to") or (fallback.end if start <= fallback.end else start)
    if not errors and start > end:
        errors["to"] = Msg("The end of the period must come after its start.")
    elif not errors and (end - start).days > MAX_SPAN_DAYS:
        errors["from"] = Msg("Please choose a period of at most ten years.")
    elif not errors and end > today + timedelta(days=366):
        errors["to"] = Msg("This date is too far in the future.")
    return (fallback if errors else Period(start, end)), errors


def _day(errors: validation.Errors, params: Mapping[str, Any], name: str) -> date | None:
    raw = validation.nfc(params.get(name))
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw) if "-" in raw else datetime.strptime(raw, "%d/%m/%Y").date()
    except ValueError:
        errors[name] = Msg("Please enter a date such as 31/12/2026.")
        return None
    if value < EARLIEST:
        errors[name] = Msg("Please choose a date from 2000 onwards.")
        return None
    return value


def parse_scope(session: Session, params: Mapping[str, Any]) -> tuple[Scope, validation.Errors]:
    """The sector and organization asked for; unknown values are dropped and reported."""
    errors: validation.Errors = {}
    sector = validation.choice(errors, params, "sector", [c for c, _n in sector_options()], required=False)
    org = validation.integer(errors, params, "organization", low=1, high=VERSION_MAX, required=False)
    if org is not None and session.get(Organization, org) is None:
        errors["organization"] = Msg("Please choose one of the options offered.")
        org = None
    return Scope(sector, org), errors


@dataclass
class Indicators:
    """Everything the dashboard shows for one period and scope."""

    period: Period
    scope: Scope
    offers_published: int = 0
    needs_published: int = 0
    proposals: int = 0
    inquiries: int = 0
    inquiries_answered: int = 0
    inquiries_accepted: int = 0
    median_reply_hours: float | None = None
    meetings_held: int = 0
    agreements_signed: int = 0
    contract_value_vnd: int = 0
    commercialized: int = 0
    by_stage: list[tuple[str, int]] = field(default_factory=list)
    funnel: list[tuple[str, int]] = field(default_factory=list)
    by_sector: list[tuple[str, int, int]] = field(default_factory=list)
    by_month: list[tuple[str, int, int]] = field(default_factory=list)
    gaps: list[tuple[str, int, int, int]] = field(default_factory=list)
    brokers: list[tuple[str, int, int, int, int]] = field(default_factory=list)

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted share of the inquiries that were answered (None when none were)."""
        return self.inquiries_accepted / self.inquiries_answered if self.inquiries_answered else None

    def funnel_rate(self, count: int) -> float:
        first = self.funnel[0][1] if self.funnel else 0
        return count / first if first else 0.0


def compute(session: Session, period: Period, scope: Scope, today: date) -> Indicators:
    """The indicators for `period` and `scope`."""
    result = Indicators(period, scope)
    _listings(session, result)
    _proposals(session, result)
    _inquiries(session, result)
    _meetings(session, result)
    _pipeline(session, result)
    result.gaps = supply_demand_gaps(session)
    result.brokers = broker_workload(session, scope, period, today)
    return result


def _listed(session: Session, model: type[Offer] | type[Need], scope: Scope, period: Period) -> list[Any]:
    query = select(model.sector_code, model.published_at).where(
        col(model.published_at) >= period.since, col(model.published_at) < period.until
    )
    if scope.sector:
        query = query.where(model.sector_code == scope.sector)
    if scope.organization:
        query = query.where(model.organization_id == scope.organization)
    return list(session.exec(query).all())


def _listings(session: Session, result: Indicators) -> None:
    offers = _listed(session, Offer, result.scope, result.period)
    needs = _listed(session, Need, result.scope, result.period)
    result.offers_published, result.needs_published = len(offers), len(needs)
    o_sector, n_sector = Counter(s for s, _at in offers), Counter(s for s, _at in needs)
    result.by_sector = [(c, o_sector[c], n_sector[c]) for c, _n in sector_options() if o_sector[c] or n_sector[c]]
    o_month = Counter(local_time(at).strftime("%Y-%m") for _s, at in offers)
    n_month = Counter(local_time(at).strftime("%Y-%m") for _s, at in needs)
    result.by_month = [(m, o_month[m], n_month[m]) for m in result.period.months()]


def _listing_facts(session: Session) -> dict[tuple[str, int], tuple[str, int]]:
    """(kind, id) → (sector, organization id) of every offer and need."""
    facts = {
        ("offer", i): (s, o) for i, s, o in session.exec(select(Offer.id, Offer.sector_code, Offer.organization_id))
    }
    facts |= {("need", i): (s, o) for i, s, o in session.exec(select(Need.id, Need.sector_code, Need.organization_id))}
    return facts  # type: ignore[return-value]


def _proposals(session: Session, result: Indicators) -> None:
    period, scope = result.period, result.scope
    rows = session.exec(
        select(MatchProposal.need_id, MatchProposal.offer_id).where(
            col(MatchProposal.created_at) >= period.since, col(MatchProposal.created_at) < period.until
        )
    ).all()
    facts = _listing_facts(session)

    def counts(need_id: int, offer_id: int | None) -> bool:
        sector, need_org = facts.get(("need", need_id), ("", 0))
        offer_org = facts.get(("offer", offer_id or 0), ("", 0))[1]
        return (not scope.sector or sector == scope.sector) and (
            not scope.organization or scope.organization in (need_org, offer_org)
        )

    result.proposals = sum(1 for need_id, offer_id in rows if counts(need_id, offer_id))


def _inquiries(session: Session, result: Indicators) -> None:
    period, scope = result.period, result.scope
    rows = session.exec(
        select(Inquiry).where(col(Inquiry.created_at) >= period.since, col(Inquiry.created_at) < period.until)
    ).all()
    facts = _listing_facts(session)
    kept = [
        i for i in rows
        if (not scope.sector or facts.get((i.listing_kind, i.listing_id), ("", 0))[0] == scope.sector)
        and (not scope.organization or scope.organization in (i.sender_org_id, i.recipient_org_id))
    ]  # fmt: skip
    answered = [i for i in kept if i.answered_at and i.status in (InquiryStatus.ACCEPTED, InquiryStatus.DECLINED)]
    result.inquiries, result.inquiries_answered = len(kept), len(answered)
    result.inquiries_accepted = sum(1 for i in answered if i.status == InquiryStatus.ACCEPTED)
    waits = [(aware(i.answered_at) - aware(i.created_at)).total_seconds() / 3600 for i in answered if i.answered_at]
    result.median_reply_hours = median(waits) if waits else None


def _meetings(session: Session, result: Indicators) -> None:
    """Meetings held (marked so by their broker or a party) that started in the period, of the collaborations in
    scope (`marketplace.meetings`)."""
    period, scope = result.period, result.scope
    query = (
        select(func.count())
        .select_from(CollaborationMeeting)
        .join(Collaboration, col(Collaboration.id) == CollaborationMeeting.collaboration_id)
        .where(
            CollaborationMeeting.status == MeetingStatus.HELD,
            col(CollaborationMeeting.starts_at) >= period.since,
            col(CollaborationMeeting.starts_at) < period.until,
        )
    )
    if scope.sector:
        query = query.where(Collaboration.sector_code == scope.sector)
    if scope.organization:
        org = scope.organization
        query = query.where(or_(Collaboration.provider_org_id == org, Collaboration.seeker_org_id == org))
    result.meetings_held = session.exec(query).one()


def _scoped_collaborations(session: Session, scope: Scope) -> list[Collaboration]:
    query = select(Collaboration)
    if scope.sector:
        query = query.where(Collaboration.sector_code == scope.sector)
    if scope.organization:
        org = scope.organization
        query = query.where(or_(Collaboration.provider_org_id == org, Collaboration.seeker_org_id == org))
    return list(session.exec(query).all())


def _histories(session: Session, ids: list[int]) -> dict[int, list[StageChange]]:
    histories: dict[int, list[StageChange]] = defaultdict(list)
    if ids:
        query = select(StageChange).where(col(StageChange.collaboration_id).in_(ids))
        for change in session.exec(query).all():
            histories[change.collaboration_id].append(change)
    for changes in histories.values():
        changes.sort(key=lambda c: aware(c.at))
    return histories


def _stage_at(changes: list[StageChange], moment: datetime) -> str | None:
    before = [c for c in changes if aware(c.at) < moment]
    return before[-1].to_stage if before else None


def pipeline_in(session: Session, period: Period, scope: Scope) -> list[tuple[Collaboration, list[StageChange]]]:
    """Collaborations in the pipeline during the period (opened by its end, not finished before it), with history."""
    collabs = _scoped_collaborations(session, scope)
    histories = _histories(session, [c.id for c in collabs if c.id])
    found = []
    for c in collabs:
        changes = histories.get(c.id or 0, [])
        if _stage_at(changes, period.until) and _stage_at(changes, period.since) not in FINISHED_STAGES:
            found.append((c, changes))
    return found


def _pipeline(session: Session, result: Indicators) -> None:
    period = result.period
    at_end: Counter[str] = Counter()
    reached: Counter[str] = Counter()
    for c, changes in pipeline_in(session, period, result.scope):
        at_end[_stage_at(changes, period.until) or c.stage] += 1
        if period.holds(c.created_at):
            best = max((RANK.get(ch.to_stage, -1) for ch in changes), default=-1)
            reached.update(s for s in FUNNEL if RANK[s] <= best)
        if period.holds(c.signed_at):
            result.agreements_signed += 1
            result.contract_value_vnd += c.contract_value_vnd or 0
        if any(ch.to_stage == "commercialized" and period.holds(ch.at) for ch in changes):
            result.commercialized += 1
    result.by_stage = [(s, at_end[s]) for s in STAGES]
    result.funnel = [(s, reached[s]) for s in FUNNEL]


def supply_demand_gaps(session: Session) -> list[tuple[str, int, int, int]]:
    """(sector, published offers, published needs, needs without any proposal) for every sector."""
    offers = Counter(session.exec(select(Offer.sector_code).where(Offer.status == "published")).all())
    needs = session.exec(select(Need.id, Need.sector_code).where(Need.status == "published")).all()
    proposed = set(session.exec(select(MatchProposal.need_id)).all())
    need_count = Counter(s for _i, s in needs)
    unmatched = Counter(s for i, s in needs if i not in proposed)
    return [(c, offers[c], need_count[c], unmatched[c]) for c, _n in sector_options()]


def broker_workload(
    session: Session, scope: Scope, period: Period, today: date
) -> list[tuple[str, int, int, int, int]]:
    """(broker name, active, overdue, 30+ days in stage, moves made in the period) per staff member."""
    collabs = [c for c in _scoped_collaborations(session, scope) if c.stage not in FINISHED_STAGES]
    moves = Counter(
        actor for actor, at in session.exec(select(StageChange.actor_id, StageChange.at)).all() if period.holds(at)
    )
    now = datetime.now(UTC)
    rows = []
    for user in staff_members(session):
        mine = [c for c in collabs if c.broker_id == user.id]
        overdue = sum(1 for c in mine if c.next_action_due and c.next_action_due < today)
        stale = sum(1 for c in mine if (now - aware(c.stage_entered_at)).days >= STALE_DAYS)
        if mine or moves[user.id]:
            rows.append((user.full_name, len(mine), overdue, stale, moves[user.id]))
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def organization_choices(session: Session, language: str) -> list[tuple[int, str]]:
    """Every organization, for the dashboard's filter: named and sorted in `language`."""
    named = [(o.id or 0, org_name(o, language)) for o in session.exec(select(Organization))]
    return sorted(named, key=lambda choice: sort_key(choice[1]))
