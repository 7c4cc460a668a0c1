"""Collaborations in the pipeline: opening, moving through stages, editing, notes, and who sees them."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from marketplace import audit, validation
from marketplace.collaboration_notices import tell_broker_changed, tell_broker_cleared, tell_moved, tell_note
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.i18n import Msg
from marketplace.labels import sector_options
from marketplace.models import (
    Collaboration,
    CollaborationMeeting,
    CollaborationNote,
    CollaborationStory,
    CollaborationType,
    Event,
    Need,
    Offer,
    Organization,
    Stage,
    StageChange,
    TaskLevel,
    User,
)
from marketplace.models._base import utcnow

STAGES: tuple[str, ...] = tuple(s.value for s in Stage)
OPEN_STAGES = (Stage.PROPOSED.value, Stage.CONTACTED.value, Stage.NEGOTIATING.value)
FINISHED_STAGES = (Stage.COMMERCIALIZED.value, Stage.CLOSED.value)
CONTRACT_TYPES = tuple(t.value for t in CollaborationType)
TASK_LEVELS = tuple(t.value for t in TaskLevel)
# A thousand billion đồng is beyond any technology contract in Huế: larger figures are typing slips.
CONTRACT_VALUE_MAX = 1_000_000_000_000
VERSION_MAX = 2**31 - 1
STAFF_ONLY = Msg("Only Department staff can move or edit a collaboration.")
# Records edited under optimistic locking with `check_version` and `claim`
Versioned = Collaboration | CollaborationMeeting | CollaborationStory | Event


def open_collaboration(
    session: Session,
    *,
    provider_org_id: int,
    seeker_org_id: int,
    title: str,
    stage: str,
    actor_id: int | None,
    offer_id: int | None = None,
    need_id: int | None = None,
    inquiry_id: int | None = None,
    broker_id: int | None = None,
    sector_code: str | None = None,
    note: str | None = None,
) -> Collaboration:
    """Add a collaboration with its first stage change (carrying `note`); flushes, the caller commits."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    now = utcnow()
    collab = Collaboration(
        title=title[:200],
        provider_org_id=provider_org_id,
        seeker_org_id=seeker_org_id,
        offer_id=offer_id,
        need_id=need_id,
        inquiry_id=inquiry_id,
        broker_id=broker_id,
        sector_code=sector_code,
        stage=stage,
        stage_entered_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(collab)
    session.flush()
    assert collab.id is not None
    session.add(
        StageChange(collaboration_id=collab.id, actor_id=actor_id, at=now, from_stage=None, to_stage=stage, note=note)
    )
    audit.record(
        session,
        actor_id=actor_id,
        action="collaboration.open",
        entity="collaboration",
        entity_id=collab.id,
        stage=stage,
    )
    session.flush()
    return collab


def is_party(user: User | None, collab: Collaboration) -> bool:
    """Members of the provider or the seeker organization are the collaboration's parties."""
    return user is not None and user.organization_id in (collab.provider_org_id, collab.seeker_org_id)


def can_view(user: User | None, collab: Collaboration) -> bool:
    """Staff see every collaboration; the parties see their own."""
    return user is not None and (user.is_staff or is_party(user, collab))


def get_visible(session: Session, collab_id: int, user: User | None) -> Collaboration:
    """The collaboration if this reader may see it, else NotFound (its existence is not revealed)."""
    collab = session.get(Collaboration, collab_id)
    if collab is None or not can_view(user, collab):
        raise NotFound()
    return collab


def of_organization_query(organization_id: int) -> SelectOfScalar[Collaboration]:
    """An organization's collaborations (as provider or seeker), most recently changed first; paged by its callers."""
    return (
        select(Collaboration)
        .where(or_(Collaboration.provider_org_id == organization_id, Collaboration.seeker_org_id == organization_id))
        .order_by(col(Collaboration.updated_at).desc(), col(Collaboration.id).desc())
    )


def _require_staff(user: User) -> None:
    if not user.is_staff:
        raise Forbidden(STAFF_ONLY)


def check_version(errors: validation.Errors, data: Mapping[str, Any], collab: Versioned) -> int:
    """The version the form was made from; Conflict when the record (a collaboration, one of its meetings or
    stories, an event) has moved on since."""
    sent = validation.integer(errors, data, "version", low=1, high=VERSION_MAX)
    if sent is not None and sent != collab.version:
        raise Conflict(current=collab)
    return sent or 0


def claim(session: Session, collab: Versioned, version: int) -> None:
    """Bump the version of a `Versioned` record only if nobody else did in the meantime (safe across workers)."""
    model = type(collab)
    statement = (
        update(model)
        .where(col(model.id) == collab.id, col(model.version) == version)
        .values(version=version + 1)
        .execution_options(synchronize_session=False)
    )
    if session.execute(statement).rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        session.refresh(collab)
        raise Conflict(current=collab)
    collab.version = version + 1


def move_stage(session: Session, collab: Collaboration, *, actor: User, data: Mapping[str, Any]) -> StageChange:
    """Move to another stage, recording who, when, from, to and the note; closing needs a reason."""
    _require_staff(actor)
    errors: validation.Errors = {}
    version = check_version(errors, data, collab)
    to_stage = validation.choice(errors, data, "to_stage", STAGES)
    note = validation.text(errors, data, "note", max_len=2000, required=False)
    if to_stage == collab.stage:
        errors["to_stage"] = Msg("The collaboration is already at this stage.")
    extra = _stage_details(errors, data, to_stage)
    validation.raise_if(errors)
    assert to_stage is not None and collab.id is not None
    claim(session, collab, version)
    now = utcnow()
    change = StageChange(
        collaboration_id=collab.id, actor_id=actor.id, at=now, from_stage=collab.stage, to_stage=to_stage, note=note
    )
    if collab.stage == Stage.CLOSED:
        collab.closed_reason = None
    for field, value in extra.items():
        setattr(collab, field, value)
    collab.stage, collab.stage_entered_at, collab.updated_at = to_stage, now, now
    session.add_all([collab, change])
    audit.record(
        session, actor_id=actor.id, action="collaboration.move", entity="collaboration", entity_id=collab.id,
        from_stage=change.from_stage, to_stage=to_stage,
    )  # fmt: skip
    tell_moved(session, collab, actor=actor)
    session.commit()
    return change


def _stage_details(errors: validation.Errors, data: Mapping[str, Any], to_stage: str | None) -> dict[str, Any]:
    """What entering `to_stage` requires: a reason to close, the contract when an agreement is signed."""
    if to_stage == Stage.CLOSED:
        reason = validation.text(errors, data, "closed_reason", max_len=1000, min_len=5)
        return {"closed_reason": reason}
    if to_stage == Stage.AGREEMENT_SIGNED:
        contract_type = validation.choice(errors, data, "contract_type", CONTRACT_TYPES)
        value = validation.integer(errors, data, "contract_value_vnd", low=1, high=CONTRACT_VALUE_MAX)
        return {"contract_type": contract_type, "contract_value_vnd": value, "signed_at": utcnow()}
    return {}


def edit_details(session: Session, collab: Collaboration, *, actor: User, data: Mapping[str, Any],
                 today: date) -> Collaboration:  # fmt: skip
    """Change the next action and its due date, broker, contract and S&T task; staff only."""
    _require_staff(actor)
    errors: validation.Errors = {}
    version = check_version(errors, data, collab)
    values = {
        "title": validation.text(errors, data, "title", max_len=200, min_len=5),
        "next_action": validation.text(errors, data, "next_action", max_len=300, required=False) or None,
        "next_action_due": _due_date(errors, data, collab, today),
        "broker_id": _broker(session, errors, data),
        "contract_type": validation.choice(errors, data, "contract_type", CONTRACT_TYPES, required=False),
        "contract_value_vnd": validation.integer(
            errors, data, "contract_value_vnd", low=1, high=CONTRACT_VALUE_MAX, required=False
        ),
        "st_task_code": validation.text(errors, data, "st_task_code", max_len=60, required=False) or None,
        "st_task_level": validation.choice(errors, data, "st_task_level", TASK_LEVELS, required=False),
    }
    if values["st_task_level"] and not values["st_task_code"]:
        errors["st_task_code"] = Msg("Give the S&T task's code as well as its level.")
    validation.raise_if(errors)
    claim(session, collab, version)
    previous_broker_id = collab.broker_id
    changed = {field: value for field, value in values.items() if getattr(collab, field) != value}
    for field, value in changed.items():
        setattr(collab, field, value)
    collab.updated_at = utcnow()
    session.add(collab)
    audit.record(
        session, actor_id=actor.id, action="collaboration.edit", entity="collaboration", entity_id=collab.id,
        fields=sorted(changed),
    )  # fmt: skip
    if "broker_id" in changed:
        tell_broker_changed(session, collab, actor=actor, previous_id=previous_broker_id)
        if collab.broker_id is None:
            tell_broker_cleared(
                session, collab, actor=actor, previous_id=previous_broker_id, staff=staff_members(session)
            )
    session.commit()
    return collab


def _due_date(errors: validation.Errors, data: Mapping[str, Any], collab: Collaboration, today: date) -> date | None:
    """A due date that is today or later; an unchanged past date may stay (it shows as overdue)."""
    raw = validation.nfc(data.get("next_action_due"))
    if collab.next_action_due and raw == collab.next_action_due.isoformat():
        return collab.next_action_due
    return validation.future_date(errors, data, "next_action_due", today=today)


def _broker(session: Session, errors: validation.Errors, data: Mapping[str, Any], *,
            required: bool = False) -> int | None:  # fmt: skip
    """The id of a staff member chosen as broker, or None."""
    staff_ids = [str(u.id) for u in staff_members(session)]
    chosen = validation.choice(errors, data, "broker_id", staff_ids, required=required)
    return int(chosen) if chosen else None


def assign_broker(session: Session, collab: Collaboration, *, actor: User, data: Mapping[str, Any]) -> Collaboration:
    """Give the collaboration a broker (staff often take it on themselves); staff only; the new broker and the
    one taken off are told."""
    _require_staff(actor)
    errors: validation.Errors = {}
    version = check_version(errors, data, collab)
    broker_id = _broker(session, errors, data, required=True)
    validation.raise_if(errors)
    claim(session, collab, version)
    previous_broker_id = collab.broker_id
    collab.broker_id, collab.updated_at = broker_id, utcnow()
    session.add(collab)
    audit.record(
        session, actor_id=actor.id, action="collaboration.edit", entity="collaboration", entity_id=collab.id,
        fields=["broker_id"],
    )  # fmt: skip
    tell_broker_changed(session, collab, actor=actor, previous_id=previous_broker_id)
    session.commit()
    return collab


def staff_members(session: Session) -> list[User]:
    """Active Department staff (possible brokers), by name."""
    query = select(User).where(col(User.role).in_(("staff", "admin")), col(User.is_active).is_(True))
    return list(session.exec(query.order_by(col(User.full_name))).all())


def add_note(session: Session, collab: Collaboration, *, author: User, data: Mapping[str, Any]) -> CollaborationNote:
    """A note by staff or one of the parties."""
    if not can_view(author, collab):
        raise NotFound()
    errors: validation.Errors = {}
    text = validation.text(errors, data, "text", max_len=2000, min_len=2)
    validation.raise_if(errors)
    assert collab.id is not None
    note = CollaborationNote(collaboration_id=collab.id, author_id=author.id, text=text)
    collab.updated_at = note.at
    session.add_all([note, collab])
    audit.record(session, actor_id=author.id, action="collaboration.note", entity="collaboration", entity_id=collab.id)
    tell_note(session, collab, author=author)
    session.commit()
    return note


def open_by_hand(session: Session, *, actor: User, data: Mapping[str, Any], today: date) -> Collaboration:
    """A collaboration staff met at an event or fair, opened without an inquiry."""
    _require_staff(actor)
    errors: validation.Errors = {}
    title = validation.text(errors, data, "title", max_len=200, min_len=5)
    provider = _organization(session, errors, data, "provider_org_id")
    seeker = _organization(session, errors, data, "seeker_org_id")
    if provider and seeker and provider == seeker:
        errors["seeker_org_id"] = Msg("The seeker must be a different organization from the provider.")
    stage = validation.choice(errors, data, "stage", OPEN_STAGES)
    broker_id = _broker(session, errors, data) or actor.id
    offer_id = _listing(session, errors, data, "offer_id", Offer)
    need_id = _listing(session, errors, data, "need_id", Need)
    sectors = [code for code, _name in sector_options()]
    sector = validation.choice(errors, data, "sector_code", sectors, required=False)
    note = validation.text(errors, data, "note", max_len=2000, required=False) or None
    next_action = validation.text(errors, data, "next_action", max_len=300, required=False) or None
    due = validation.future_date(errors, data, "next_action_due", today=today)
    validation.raise_if(errors)
    assert provider is not None and seeker is not None and stage is not None
    collab = open_collaboration(
        session, provider_org_id=provider, seeker_org_id=seeker, title=title, stage=stage, actor_id=actor.id,
        offer_id=offer_id, need_id=need_id, broker_id=broker_id, sector_code=sector, note=note,
    )  # fmt: skip
    collab.next_action, collab.next_action_due = next_action, due
    session.commit()
    return collab


def _organization(session: Session, errors: validation.Errors, data: Mapping[str, Any], field: str) -> int | None:
    """The id of an existing organization chosen in `field`."""
    raw = validation.integer(errors, data, field, low=1, high=VERSION_MAX)
    if raw is not None and session.get(Organization, raw) is None:
        errors[field] = Msg("Please choose one of the options offered.")
        return None
    return raw


def _listing(
    session: Session, errors: validation.Errors, data: Mapping[str, Any], field: str, model: type[Offer] | type[Need]
) -> int | None:
    """The id of an existing offer or need, when one is given."""
    raw = validation.integer(errors, data, field, low=1, high=VERSION_MAX, required=False)
    if raw is not None and session.get(model, raw) is None:
        errors[field] = Msg("There is no listing with this number.")
        return None
    return raw
