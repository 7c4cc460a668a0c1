"""The audit log: who did what to which record, and the Department's view of it."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace.i18n import N_, gettext
from marketplace.models import AuditLog, User

PAGE_SIZE = 50
ACTION_LABELS = {
    "register": N_("registered"),
    "login": N_("logged in"),
    "change_password": N_("changed the password"),
    "request_password_reset": N_("asked for a password reset link"),
    "reset_password": N_("set a new password from a reset link"),
    "create_user": N_("account created from the command line"),
    "update_profile": N_("updated their profile"),
    "update_organization": N_("updated an organization's profile"),
    "verify_organization": N_("verified an organization"),
    "unverify_organization": N_("withdrew an organization's verification"),
    "send_inquiry": N_("sent an inquiry"),
    "accept_inquiry": N_("accepted an inquiry"),
    "decline_inquiry": N_("declined an inquiry"),
    "withdraw_inquiry": N_("withdrew an inquiry"),
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
    "collaboration.open": N_("opened a collaboration"),
    "collaboration.move": N_("moved a collaboration to another stage"),
    "collaboration.edit": N_("edited a collaboration"),
    "collaboration.note": N_("added a note to a collaboration"),
}
ENTITY_LABELS = {
    "offer": N_("Technology offer"),
    "need": N_("Technology need"),
    "organization": N_("Organization"),
    "collaboration": N_("Collaboration"),
    "inquiry": N_("Inquiry"),
    "matchproposal": N_("Match proposal"),
    "user": N_("Account"),
}
LINKS = {
    "offer": "/offers/{}",
    "need": "/needs/{}",
    "organization": "/organizations/{}",
    "collaboration": "/collaborations/{}",
}


def record(
    session: Session, *, actor_id: int | None, action: str, entity: str, entity_id: int | None = None, **detail: Any
) -> None:
    """Add an audit entry to the current unit of work (committed with it)."""
    session.add(AuditLog(actor_id=actor_id, action=action, entity=entity, entity_id=entity_id, detail=detail))


@dataclass(frozen=True)
class Entry:
    """An audit entry as the Department reads it."""

    log: AuditLog
    actor: User | None
    text: str
    link: str | None


def entity_label(entity: str) -> str:
    found = ENTITY_LABELS.get(entity)
    return gettext(found) if found else entity


def describe(action: str) -> str:
    """A readable, translated description of an action code (listing actions included)."""
    found = ACTION_LABELS.get(action)
    return gettext(found) if found else action


def entries(session: Session, *, entity: str | None = None, page: int = 1) -> tuple[list[Entry], int]:
    """One page of the log, newest first, and how many entries match."""
    query = select(AuditLog)
    if entity:
        query = query.where(AuditLog.entity == entity)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    actor_ids = {r.actor_id for r in rows if r.actor_id}
    actors = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(actor_ids))).all()} if actor_ids else {}
    found = [
        Entry(
            r,
            actors.get(r.actor_id),
            describe(r.action),
            LINKS[r.entity].format(r.entity_id) if r.entity in LINKS and r.entity_id else None,
        )
        for r in rows
    ]
    return found, total
