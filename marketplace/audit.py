"""The audit log: who did what to which record, and the Department's view of it."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace import validation
from marketplace.db import paginate
from marketplace.i18n import N_, TIMEZONE, Msg, current_locale, gettext
from marketplace.models import (
    AuditLog,
    Collaboration,
    ExpertiseProfile,
    Inquiry,
    MatchProposal,
    Membership,
    Need,
    Offer,
    Organization,
    User,
)

PAGE_SIZE = 50
ACTION_LABELS = {
    "register": N_("registered"),
    "login": N_("logged in"),
    "change_password": N_("changed the password"),
    "request_password_reset": N_("asked for a password reset link"),
    "reset_password": N_("set a new password from a reset link"),
    "create_user": N_("account created from the command line"),
    "user.role": N_("changed an account's role"),
    "user.deactivate": N_("deactivated an account"),
    "user.reactivate": N_("reactivated an account"),
    "user.delete": N_("deleted their account"),
    "confirm_email": N_("confirmed their e-mail address"),
    "user.confirm_email": N_("took an account's e-mail address as confirmed"),
    "two_step.on": N_("turned on two-step verification"),
    "two_step.off": N_("turned off two-step verification"),
    "two_step.recovery_code": N_("logged in with a two-step recovery code"),
    "two_step.new_recovery_codes": N_("made new two-step recovery codes"),
    "two_step.reset": N_("reset an account's two-step verification"),
    "update_profile": N_("updated their profile"),
    "update_organization": N_("updated an organization's profile"),
    "verify_organization": N_("verified an organization"),
    "membership.request": N_("asked to join an organization"),
    "membership.found": N_("registered a new organization, which they manage"),
    "membership.approve": N_("approved a request to join an organization"),
    "membership.refuse": N_("refused a request to join an organization"),
    "membership.withdraw": N_("withdrew a request to join an organization"),
    "membership.manager": N_("let a member answer requests to join their organization"),
    "membership.not_manager": N_("stopped a member answering requests to join their organization"),
    "membership.remove": N_("removed a member from an organization"),
    "unverify_organization": N_("withdrew an organization's verification"),
    "send_inquiry": N_("sent an inquiry"),
    "accept_inquiry": N_("accepted an inquiry"),
    "decline_inquiry": N_("declined an inquiry"),
    "withdraw_inquiry": N_("withdrew an inquiry"),
    "inquiry.message": N_("wrote a message on an inquiry"),
    "accept_proposal": N_("accepted a match proposal"),
    "dismiss_proposal": N_("dismissed a match proposal"),
    "listing.created": N_("created a listing"),
    "listing.edit": N_("edited a listing"),
    "listing.submit": N_("sent a listing for review"),
    "listing.publish": N_("approved and published a listing"),
    "listing.rejected": N_("sent a listing back to its owner"),
    "listing.archived": N_("archived a listing"),
    "listing.confirm": N_("confirmed a listing is still current"),
    "listing.expired": N_("a listing expired"),
    "listing.revise": N_("sent changes to a published listing for review"),
    "listing.publish_revision": N_("approved and published changes to a listing"),
    "listing.reject_revision": N_("sent changes to a listing back to its owner"),
    "listing.attach": N_("attached a file to a listing"),
    "listing.detach": N_("took a file off a listing"),
    "listing.import": N_("imported listings from a spreadsheet"),
    "attachment.approve": N_("approved a file of a listing"),
    "organization.logo": N_("changed an organization's logo"),
    "organization.logo_removed": N_("removed an organization's logo"),
    "collaboration.open": N_("opened a collaboration"),
    "collaboration.move": N_("moved a collaboration to another stage"),
    "collaboration.edit": N_("edited a collaboration"),
    "collaboration.note": N_("added a note to a collaboration"),
    "collaboration.document_add": N_("added a document to a collaboration"),
    "collaboration.document_remove": N_("removed a document from a collaboration"),
    "collaboration.story_write": N_("wrote the success story of a collaboration"),
    "collaboration.story_edit": N_("edited the success story of a collaboration"),
    "collaboration.story_ask": N_("asked the parties to consent to a success story"),
    "collaboration.story_consent": N_("consented to a success story for their organization"),
    "collaboration.story_refuse": N_("refused a success story for their organization"),
    "collaboration.story_publish": N_("a success story was published with both parties' consent"),
    "collaboration.story_withdraw": N_("withdrew a success story"),
    "collaboration.meeting_schedule": N_("scheduled a meeting of a collaboration"),
    "collaboration.meeting_edit": N_("changed a meeting of a collaboration"),
    "collaboration.meeting_held": N_("recorded the outcome of a meeting of a collaboration"),
    "collaboration.meeting_cancel": N_("cancelled a meeting of a collaboration"),
    "glossary.add": N_("added a term to the glossary"),
    "glossary.remove": N_("took a term out of the glossary"),
    "glossary.import": N_("imported glossary terms from a file"),
    "proposals.recalculate": N_("recalculated every partner proposal"),
    "event.create": N_("created an event"),
    "event.edit": N_("edited an event"),
    "event.publish": N_("published an event"),
    "event.cancel": N_("cancelled an event"),
    "event.exhibit_add": N_("added an exhibit to an event"),
    "event.exhibit_remove": N_("removed an exhibit from an event"),
    "event.meeting_request": N_("asked for a meeting at an event"),
    "event.meeting_accept": N_("accepted a meeting at an event"),
    "event.meeting_decline": N_("declined a meeting at an event"),
    "event.meeting_cancel": N_("withdrew a meeting request at an event"),
}
ENTITY_LABELS = {
    "offer": N_("Technology offer"),
    "need": N_("Technology need"),
    "organization": N_("Organization"),
    "membership": N_("Membership"),
    "collaboration": N_("Collaboration"),
    "inquiry": N_("Inquiry"),
    "matchproposal": N_("Match proposal"),
    "user": N_("Account"),
    "glossary": N_("Glossary"),
    "event": N_("Event"),
    "recalculation": N_("Recalculation of partner proposals"),
}
MODELS: dict[str, Any] = {
    "offer": Offer,
    "need": Need,
    "organization": Organization,
    "membership": Membership,
    "collaboration": Collaboration,
    "inquiry": Inquiry,
    "matchproposal": MatchProposal,
    "user": User,
}
ENTITIES = tuple(ENTITY_LABELS)
SYSTEM = "system"  # the actor filter's value for entries no person made (expiry, command line)
MAX_ID = 2_147_483_647
EXPORT_LIMIT = 100_000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")  # what a date input sends, and what a reader types without one


def record(
    session: Session, *, actor_id: int | None, action: str, entity: str, entity_id: int | None = None, **detail: Any
) -> None:
    """Add an audit entry to the current unit of work (committed with it)."""
    session.add(AuditLog(actor_id=actor_id, action=action, entity=entity, entity_id=entity_id, detail=detail))


@dataclass(frozen=True)
class LogFilters:
    """Which entries the Department wants to read."""

    entity: str | None = None
    record: int | None = None
    actor: str | None = None  # a user id, or SYSTEM
    since: date | None = None
    until: date | None = None

    def params(self, **changes: Any) -> dict[str, str]:
        """The chosen filters as query parameters, for links that keep them."""
        values = asdict(self) | changes
        return {k: (v.isoformat() if isinstance(v, date) else str(v)) for k, v in values.items() if v is not None}


@dataclass(frozen=True)
class Subject:
    """The record an entry is about, as it is now: its name, the page that shows it, or that it is gone."""

    name: str = ""
    page: tuple[str, int] | None = None  # ("offer" | "need" | "organization" | "collaboration" | "expert", id)
    removed: bool = False


@dataclass(frozen=True)
class Entry:
    """An audit entry as the Department reads it."""

    log: AuditLog
    actor: User | None
    text: str
    subject: Subject


@dataclass(frozen=True)
class LogPage:
    """One page of matching entries, newest first."""

    entries: list[Entry]
    total: int
    page: int
    pages: int


def entity_label(entity: str) -> str:
    found = ENTITY_LABELS.get(entity)
    return gettext(found) if found else entity


def describe(action: str) -> str:
    """A readable, translated description of an action code (listing actions included)."""
    found = ACTION_LABELS.get(action)
    return gettext(found) if found else action


def actors(session: Session) -> list[User]:
    """Everyone who appears in the log, by name."""
    ids = select(AuditLog.actor_id).where(col(AuditLog.actor_id).is_not(None)).distinct()
    return list(session.exec(select(User).where(col(User.id).in_(ids)).order_by(col(User.full_name), col(User.id))))


def _in_log(session: Session, user_id: int) -> bool:
    """Whether the person appears in the log (one indexed look-up, not the list of everyone)."""
    return session.exec(select(AuditLog.id).where(AuditLog.actor_id == user_id).limit(1)).first() is not None


def parse_filters(session: Session, params: Mapping[str, Any]) -> tuple[LogFilters, validation.Errors]:
    """Filters from the query string; an unknown record type or person is ignored, bad dates are reported."""
    errors: validation.Errors = {}
    entity = params.get("entity")
    actor = str(params.get("actor") or "")
    known_actor = actor == SYSTEM or (actor.isdigit() and int(actor) <= MAX_ID and _in_log(session, int(actor)))
    since, until = _date(errors, params, "since"), _date(errors, params, "until")
    if since and until and since > until:
        errors["until"] = Msg("The end date is before the start date.")
        since = until = None
    filters = LogFilters(
        entity=entity if entity in ENTITIES else None,
        record=validation.integer(errors, params, "record", low=1, high=MAX_ID, required=False),
        actor=actor if known_actor else None,
        since=since,
        until=until,
    )
    return filters, errors


def _date(errors: validation.Errors, params: Mapping[str, Any], field: str) -> date | None:
    raw = validation.nfc(params.get(field))
    if not raw:
        return None
    for pattern in DATE_FORMATS:
        try:
            value = datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        if 1900 <= value.year <= 2999:  # beyond that the bounds of the day overflow
            return value
    errors[field] = Msg("Please enter a date such as 31/12/2026.")
    return None


def _query(filters: LogFilters) -> Any:
    query = select(AuditLog)
    if filters.entity:
        query = query.where(AuditLog.entity == filters.entity)
    if filters.record:
        query = query.where(AuditLog.entity_id == filters.record)
    if filters.actor == SYSTEM:
        query = query.where(col(AuditLog.actor_id).is_(None))
    elif filters.actor:
        query = query.where(AuditLog.actor_id == int(filters.actor))
    if filters.since:  # whole days in Huế's time
        query = query.where(col(AuditLog.at) >= _start_of(filters.since))
    if filters.until:
        query = query.where(col(AuditLog.at) < _start_of(filters.until + timedelta(days=1)))
    return query


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), TIMEZONE).astimezone(UTC)


def _newest_first(query: Any) -> Any:
    return query.order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())


def log_page(session: Session, filters: LogFilters, *, page: int = 1) -> LogPage:
    """One page of the matching entries, newest first; a page past the end shows the last one."""
    query = _query(filters)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    window = paginate(total, page, PAGE_SIZE)
    rows = session.exec(_newest_first(query).offset(window.offset).limit(PAGE_SIZE)).all()
    return LogPage(_read(session, list(rows)), total, window.number, window.pages)


def all_entries(session: Session, filters: LogFilters) -> list[Entry]:
    """Every matching entry (up to EXPORT_LIMIT), newest first, for an export."""
    return _read(session, list(session.exec(_newest_first(_query(filters)).limit(EXPORT_LIMIT)).all()))


def _read(session: Session, rows: list[AuditLog]) -> list[Entry]:
    people = _by_id(session, User, {r.actor_id for r in rows if r.actor_id})
    subjects = _subjects(session, rows)
    return [Entry(r, people.get(r.actor_id or 0), describe(r.action), _subject(r, subjects)) for r in rows]


def _subject(log: AuditLog, subjects: dict[tuple[str, int | None], Subject]) -> Subject:
    found = subjects.get((log.entity, log.entity_id), Subject())
    if found.removed and (log.detail or {}).get("title"):  # the name the entry kept, if its writer gave one
        return Subject(str(log.detail["title"]), None, True)
    return found


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {x.id: x for x in session.exec(select(model).where(col(model.id).in_(ids))).all()}


def _subjects(session: Session, rows: list[AuditLog]) -> dict[tuple[str, int | None], Subject]:
    """What each (entity, id) of the rows is now, loaded with one query per kind of record."""
    wanted: dict[str, set[int]] = {}
    for r in rows:
        if r.entity in MODELS and r.entity_id:
            wanted.setdefault(r.entity, set()).add(r.entity_id)
    found = {entity: _by_id(session, MODELS[entity], ids) for entity, ids in wanted.items()}
    named = _Names(session, found)
    subjects: dict[tuple[str, int | None], Subject] = {}
    for entity, ids in wanted.items():
        for entity_id in ids:
            current = found[entity].get(entity_id)
            subjects[(entity, entity_id)] = named.subject(entity, current) if current else Subject(removed=True)
    return subjects


class _Names:
    """Names and pages of records, with the listings, organizations and profiles they point to."""

    def __init__(self, session: Session, found: dict[str, dict[int, Any]]) -> None:
        inquiries = found.get("inquiry", {}).values()
        proposals = found.get("matchproposal", {}).values()
        users = found.get("user", {}) | _by_id(session, User, {m.user_id for m in found.get("membership", {}).values()})
        offer_ids = {i.listing_id for i in inquiries if i.listing_kind == "offer"} | {
            p.offer_id for p in proposals if p.offer_id
        }
        need_ids = {i.listing_id for i in inquiries if i.listing_kind == "need"} | {p.need_id for p in proposals}
        expert_ids = {i.listing_id for i in inquiries if i.listing_kind == "expert"} | {
            p.expert_id for p in proposals if p.expert_id
        }
        joining = found.get("membership", {}).values()
        self.organizations = found.get("organization", {}) | _by_id(
            session, Organization, {m.organization_id for m in joining}
        )
        self.offers = found.get("offer", {}) | _by_id(session, Offer, offer_ids)
        self.needs = found.get("need", {}) | _by_id(session, Need, need_ids)
        self.users = users | _by_id(session, User, expert_ids)
        profiles = select(ExpertiseProfile.user_id).where(col(ExpertiseProfile.user_id).in_(set(self.users)))
        self.experts = set(session.exec(profiles).all()) if self.users else set()
        self.language = current_locale.get()

    def subject(self, entity: str, record: Any) -> Subject:
        if entity in ("offer", "need", "collaboration"):
            return Subject(record.title, (entity, record.id))
        if entity == "organization":
            return Subject(self._organization_name(record), (entity, record.id))
        if entity == "membership":  # "person → organization", on the organization's page
            person, organization = self.users.get(record.user_id), self.organizations.get(record.organization_id)
            name = f"{person.full_name if person else '?'} → {self._organization_name(organization)}"
            return Subject(name, ("organization", record.organization_id) if organization else None)
        if entity == "user":
            return Subject(record.full_name, self._expert_page(record.id))
        if entity == "inquiry":
            about = self._listing(record.listing_kind, record.listing_id)
            return Subject(gettext("about “%(title)s”", title=about.name), about.page) if about.name else Subject()
        need, other = self._listing("need", record.need_id), self._listing("offer", record.offer_id)
        if record.expert_id:
            other = self._listing("expert", record.expert_id)
        return Subject(f"{other.name} ↔ {need.name}", need.page or other.page)

    def _organization_name(self, organization: Organization | None) -> str:
        if organization is None:
            return "?"
        return organization.name_en if self.language == "en" and organization.name_en else organization.name_vi

    def _listing(self, kind: str, listing_id: int | None) -> Subject:
        if kind == "expert":
            user = self.users.get(listing_id or 0)
            return Subject(user.full_name, self._expert_page(user.id)) if user else Subject()
        listing = (self.offers if kind == "offer" else self.needs).get(listing_id or 0)
        return Subject(listing.title, (kind, listing.id)) if listing else Subject()

    def _expert_page(self, user_id: int) -> tuple[str, int] | None:
        user = self.users.get(user_id)
        return ("expert", user_id) if user and user.is_active and user_id in self.experts else None
