"""What the pipeline pages show: filtered cards by stage, a sortable list, one collaboration's timeline."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, or_, select

from marketplace import inquiry_messages, validation
from marketplace.collaborations import FINISHED_STAGES, STAGES, VERSION_MAX, staff_members
from marketplace.i18n import Msg, local_time, sort_key
from marketplace.inquiries import org_name
from marketplace.labels import sector_options
from marketplace.models import (
    AuditLog,
    Collaboration,
    CollaborationNote,
    Inquiry,
    Need,
    Offer,
    Organization,
    StageChange,
    User,
)
from marketplace.models._base import utcnow
from matching.text import fold, normalize

AGE_CHOICES = (7, 14, 30, 60, 90)
SORTS = ("age", "due", "title", "stage", "value", "updated")
VIEWS = ("board", "list")
STALE_DAYS = 30
UNASSIGNED = "none"  # the broker filter's value for collaborations nobody at the Department has taken on


@dataclass
class BoardFilters:
    """The reader's choice of collaborations and how to show them."""

    sector: str | None = None
    broker: str | None = None  # a staff member's id, or UNASSIGNED
    organization: int | None = None
    age: int | None = None
    overdue: bool = False
    view: str = "board"
    sort: str = "age"
    order: str = "desc"

    def params(self, **changes: Any) -> dict[str, str]:
        """Non-default values as query parameters, for links that keep the filters."""
        values = asdict(self) | changes
        defaults = asdict(BoardFilters())
        return {k: ("1" if v is True else str(v)) for k, v in values.items() if v not in (None, False, defaults[k])}


@dataclass
class Card:
    """One collaboration as the board shows it."""

    collab: Collaboration
    provider: Organization | None
    seeker: Organization | None
    broker: User | None
    days_in_stage: int
    overdue: bool
    stale: bool = field(default=False)


def parse_filters(session: Session, params: Mapping[str, Any]) -> tuple[BoardFilters, validation.Errors]:
    """Filters from the query string; values that are not offered are dropped and reported."""
    errors: validation.Errors = {}
    sectors = [code for code, _name in sector_options()]
    brokers = [str(u.id) for u in staff_members(session)]
    filters = BoardFilters(
        sector=validation.choice(errors, params, "sector", sectors, required=False),
        broker=validation.choice(errors, params, "broker", [UNASSIGNED, *brokers], required=False),
        organization=_organization(session, errors, params),
        age=_as_int(validation.choice(errors, params, "age", [str(a) for a in AGE_CHOICES], required=False)),
        overdue=validation.nfc(params.get("overdue")) in ("1", "on", "true"),
        view=validation.choice(errors, params, "view", VIEWS, required=False) or "board",
        sort=validation.choice(errors, params, "sort", SORTS, required=False) or "age",
        order=validation.choice(errors, params, "order", ("asc", "desc"), required=False) or "desc",
    )
    return filters, errors


def _as_int(value: str | None) -> int | None:
    return int(value) if value else None


def _organization(session: Session, errors: validation.Errors, params: Mapping[str, Any]) -> int | None:
    value = validation.integer(errors, params, "organization", low=1, high=VERSION_MAX, required=False)
    if value is not None and session.get(Organization, value) is None:
        errors["organization"] = Msg("Please choose one of the options offered.")
        return None
    return value


def cards(session: Session, filters: BoardFilters, today: date, now: datetime | None = None) -> list[Card]:
    """The collaborations the filters select, with their parties and broker."""
    now = now or utcnow()
    query = select(Collaboration)
    if filters.sector:
        query = query.where(Collaboration.sector_code == filters.sector)
    if filters.broker == UNASSIGNED:
        query = query.where(col(Collaboration.broker_id).is_(None))
    elif filters.broker:
        query = query.where(Collaboration.broker_id == int(filters.broker))
    if filters.organization:
        org = filters.organization
        query = query.where(or_(Collaboration.provider_org_id == org, Collaboration.seeker_org_id == org))
    if filters.age:
        query = query.where(col(Collaboration.stage_entered_at) <= now - timedelta(days=filters.age))
    if filters.overdue:
        query = query.where(
            col(Collaboration.next_action_due) < today, col(Collaboration.stage).not_in(FINISHED_STAGES)
        )
    collabs = list(session.exec(query.order_by(col(Collaboration.stage_entered_at))).all())
    return make_cards(session, collabs, today, now)


def make_cards(session: Session, collabs: list[Collaboration], today: date, now: datetime) -> list[Card]:
    """Cards for `collabs`, loading their organizations and brokers in two queries."""
    orgs = _by_id(session, Organization, {c.provider_org_id for c in collabs} | {c.seeker_org_id for c in collabs})
    users = _by_id(session, User, {c.broker_id for c in collabs if c.broker_id})
    result = []
    for c in collabs:
        days = days_between(c.stage_entered_at, now)
        active = c.stage not in FINISHED_STAGES
        result.append(
            Card(c, orgs.get(c.provider_org_id), orgs.get(c.seeker_org_id), users.get(c.broker_id or 0), days,
                 overdue=active and c.next_action_due is not None and c.next_action_due < today,
                 stale=active and days >= STALE_DAYS)
        )  # fmt: skip
    return result


def days_between(start: datetime, end: datetime) -> int:
    """Whole days from `start` to `end` (naive values are UTC, as SQLite returns them)."""
    return max(0, (local_time(end).date() - local_time(start).date()).days)


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in session.exec(select(model).where(col(model.id).in_(ids))).all()}


def columns(all_cards: list[Card]) -> list[tuple[str, list[Card]]]:
    """The cards in one column per stage, longest in stage first."""
    by_stage: dict[str, list[Card]] = {stage: [] for stage in STAGES}
    for card in sorted(all_cards, key=lambda c: -c.days_in_stage):
        by_stage.setdefault(card.collab.stage, []).append(card)
    return list(by_stage.items())


def sorted_rows(all_cards: list[Card], sort: str, order: str) -> list[Card]:
    """The cards for the list view, sorted by one column (missing values last)."""
    keys = {
        "age": lambda c: c.days_in_stage,
        "due": lambda c: c.collab.next_action_due or date.max,
        "title": lambda c: (fold(normalize(c.collab.title)), c.collab.title),
        "stage": lambda c: STAGES.index(c.collab.stage) if c.collab.stage in STAGES else len(STAGES),
        "value": lambda c: c.collab.contract_value_vnd or 0,
        "updated": lambda c: local_time(c.collab.updated_at),
    }
    return sorted(all_cards, key=keys.get(sort, keys["age"]), reverse=order == "desc")


@dataclass
class Entry:
    """One line of a collaboration's timeline: the inquiry that opened it, a stage change or a note."""

    at: datetime
    kind: str
    author: str
    text: str | None
    from_stage: str | None = None
    to_stage: str | None = None
    organization: str | None = None
    document_kind: str | None = None  # for "document_add" and "document_remove": the kind of document
    meeting_at: datetime | None = None  # for the "meeting_…" kinds: when the meeting starts


# what happened first when two share a moment
STORY_KINDS = ("story_write", "story_edit", "story_ask", "story_consent", "story_refuse", "story_publish",
               "story_withdraw")  # fmt: skip
ENTRY_ORDER = {"inquiry": 0, "stage": 1, "note": 2, "document_add": 3, "document_remove": 3, "meeting_schedule": 4,
               "meeting_edit": 4, "meeting_held": 4, "meeting_cancel": 4} | {kind: 5 for kind in STORY_KINDS}  # fmt: skip
DOCUMENT_ACTIONS = {  # audit actions shown in the timeline, and their entries' kind
    "collaboration.document_add": "document_add",
    "collaboration.document_remove": "document_remove",
}
MEETING_ACTIONS = {  # `marketplace.meetings`: scheduled, changed, held, cancelled
    f"collaboration.{kind}": kind for kind in ("meeting_schedule", "meeting_edit", "meeting_held", "meeting_cancel")
}
STORY_ACTIONS = {f"collaboration.{kind}": kind for kind in STORY_KINDS}  # `marketplace.stories`: each step


def opening_inquiry(session: Session, collab: Collaboration, reader: User | None, language: str) -> Entry | None:
    """The inquiry the collaboration came from, as the first timeline entry; its message only for those who may read it."""
    inquiry = session.get(Inquiry, collab.inquiry_id) if collab.inquiry_id else None
    if inquiry is None:
        return None
    sender = session.get(User, inquiry.sender_id)
    org = session.get(Organization, inquiry.sender_org_id) if inquiry.sender_org_id else None
    text = inquiry.message if inquiry_messages.may_read(reader, inquiry) else None
    return Entry(inquiry.created_at, "inquiry", sender.full_name if sender else "", text,
                 organization=org_name(org, language) or None)  # fmt: skip


def timeline(session: Session, collab: Collaboration, reader: User | None = None, language: str = "vi") -> list[Entry]:
    """The opening inquiry, stage changes, notes, documents added or removed, meetings scheduled, changed, held
    or cancelled, and the steps of its success story, oldest first."""
    changes = session.exec(select(StageChange).where(StageChange.collaboration_id == collab.id)).all()
    notes = session.exec(select(CollaborationNote).where(CollaborationNote.collaboration_id == collab.id)).all()
    documents = _document_events(session, collab)
    actors = {x.actor_id for x in changes if x.actor_id} | {d.actor_id for d in documents if d.actor_id}
    users = _by_id(session, User, actors | {n.author_id for n in notes if n.author_id})

    def name(user_id: int | None) -> str:
        return users[user_id].full_name if user_id in users else ""

    entries = [Entry(s.at, "stage", name(s.actor_id), s.note, s.from_stage, s.to_stage) for s in changes]
    entries += [Entry(n.at, "note", name(n.author_id), n.text) for n in notes]
    entries += [
        Entry(d.at, DOCUMENT_ACTIONS[d.action], name(d.actor_id), d.detail.get("title") or d.detail.get("file"),
              document_kind=d.detail.get("kind"))
        for d in documents if d.action in DOCUMENT_ACTIONS
    ]  # fmt: skip
    entries += [
        Entry(d.at, MEETING_ACTIONS[d.action], name(d.actor_id), None, meeting_at=_moment(d.detail.get("starts_at")))
        for d in documents if d.action in MEETING_ACTIONS
    ]  # fmt: skip
    entries += [Entry(d.at, STORY_ACTIONS[d.action], name(d.actor_id), None) for d in documents
                if d.action in STORY_ACTIONS]  # fmt: skip
    opening = opening_inquiry(session, collab, reader, language)
    entries += [opening] if opening else []
    return sorted(entries, key=lambda e: (local_time(e.at), ENTRY_ORDER[e.kind]))


def _document_events(session: Session, collab: Collaboration) -> list[AuditLog]:
    """The documents added to and removed from `collab` (the audit log is their one record, as a removed
    document's row is gone), the changes of its meetings and the steps of its success story."""
    query = select(AuditLog).where(
        AuditLog.entity == "collaboration",
        AuditLog.entity_id == collab.id,
        col(AuditLog.action).in_(DOCUMENT_ACTIONS | MEETING_ACTIONS | STORY_ACTIONS),
    )
    return list(session.exec(query.order_by(col(AuditLog.id))).all())


def _moment(value: Any) -> datetime | None:
    """A moment the audit log's detail holds as ISO text."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def related(session: Session, collab: Collaboration) -> dict[str, Any]:
    """The parties, broker and the offer, need and inquiry the collaboration came from."""
    return {
        "provider": session.get(Organization, collab.provider_org_id),
        "seeker": session.get(Organization, collab.seeker_org_id),
        "broker": session.get(User, collab.broker_id) if collab.broker_id else None,
        "offer": session.get(Offer, collab.offer_id) if collab.offer_id else None,
        "need": session.get(Need, collab.need_id) if collab.need_id else None,
        "inquiry": session.get(Inquiry, collab.inquiry_id) if collab.inquiry_id else None,
    }


def last_change(session: Session, collab: Collaboration) -> tuple[StageChange | None, User | None]:
    """The most recent stage change and who made it, to explain a conflict."""
    change = session.exec(
        select(StageChange).where(StageChange.collaboration_id == collab.id).order_by(col(StageChange.at).desc())
    ).first()
    actor = session.get(User, change.actor_id) if change and change.actor_id else None
    return change, actor


def organizations_in_pipeline(session: Session, language: str) -> list[Organization]:
    """Organizations that take part in at least one collaboration, for the filter, sorted by their name in `language`."""
    ids = set(session.exec(select(Collaboration.provider_org_id)).all())
    ids |= set(session.exec(select(Collaboration.seeker_org_id)).all())
    return sorted(_by_id(session, Organization, ids).values(), key=lambda o: sort_key(org_name(o, language)))
