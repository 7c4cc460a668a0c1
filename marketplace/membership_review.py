"""Answering requests to join an organization: the queue, approval, refusal and withdrawal; staff also choose
an organization's managers and remove members. Who may decide is `memberships.can_decide`."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from marketplace import audit, memberships, validation
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.i18n import N_, Msg
from marketplace.inquiries import org_name
from marketplace.memberships import can_decide, is_government, is_manager
from marketplace.models import Membership, MembershipStatus, Organization, OrgKind, User
from marketplace.models._base import ident, utcnow
from marketplace.notifications import tell

S = MembershipStatus
REASON_MAX = 1000
HOME_PATH = "/me"
NOT_YOURS = Msg("Only Department staff and the managers of an organization answer requests to join it.")
ALREADY_ANSWERED = Msg("This request has already been answered.")

APPROVED_NOTICE = N_("You are now a member of %(organization)s.")
APPROVED_SUBJECT = N_("Your request to join %(organization)s is approved")
APPROVED_BODY = N_(
    "Your request to join %(organization)s is approved. You can now publish listings, answer inquiries "
    "and follow collaborations for it."
)
REFUSED_NOTICE = memberships.REFUSED
REFUSED_SUBJECT = N_("Your request to join %(organization)s was refused")
REFUSED_BODY = N_(
    "Your request to join %(organization)s was refused. Reason: %(reason)s\n\n"
    "You may ask to join another organization, or register your own, from your account page."
)
REMOVED_NOTICE = memberships.REMOVED
REMOVED_SUBJECT = N_("You are no longer a member of %(organization)s")
REMOVED_BODY = N_(
    "The Department of Science and Technology removed your account from %(organization)s. Reason: %(reason)s"
)
NO_REASON = N_("none given")


@dataclass(frozen=True)
class Waiting:
    """A request in a queue: the membership, who asks, and which organization they ask to join."""

    membership: Membership
    user: User
    organization: Organization


def _waiting_query(session: Session, user: User) -> Any:
    """The requests `user` decides: every one for staff, those to their organization for its managers."""
    query = (
        select(Membership, User, Organization)
        .join(User, col(User.id) == Membership.user_id)
        .join(Organization, col(Organization.id) == Membership.organization_id)
        .where(Membership.status == S.PENDING)
    )
    if user.is_staff:
        return query
    if not is_manager(session, user):
        raise Forbidden(NOT_YOURS)
    return query.where(
        Membership.organization_id == user.organization_id, col(Organization.kind) != OrgKind.GOVERNMENT.value
    )


def queue(session: Session, user: User) -> list[Waiting]:
    """The requests this user decides, the longest-waiting first."""
    query = _waiting_query(session, user).order_by(col(Membership.created_at), col(Membership.id))
    return [Waiting(m, u, o) for m, u, o in session.exec(query).all()]


def waiting_count(session: Session, user: User | None) -> int | None:
    """How many requests wait for this user; None when they decide none (not staff, not a manager)."""
    if user is None or not (user.is_staff or is_manager(session, user)):
        return None
    return session.exec(select(func.count()).select_from(_waiting_query(session, user).subquery())).one()


def _decidable(session: Session, actor: User, membership_id: int) -> Waiting:
    membership = session.get(Membership, membership_id)
    if membership is None:
        raise NotFound()
    user = session.get_one(User, membership.user_id)
    organization = session.get_one(Organization, membership.organization_id)
    if not can_decide(session, actor, organization):
        raise Forbidden(NOT_YOURS)
    if membership.status != S.PENDING:
        raise Conflict(ALREADY_ANSWERED, current=membership)
    return Waiting(membership, user, organization)


def _close(session: Session, membership: Membership, status: str, actor: User, **values: Any) -> None:
    """Answer a waiting request once: of two answers sent at the same time, the second finds it answered."""
    statement = (
        update(Membership)
        .where(col(Membership.id) == membership.id, col(Membership.status) == S.PENDING)
        .values(status=status, decided_by_id=actor.id, decided_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if session.execute(statement).rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise Conflict(ALREADY_ANSWERED, current=session.get(Membership, membership.id))
    session.refresh(membership)


def _record(session: Session, actor: User | None, action: str, membership: Membership, **detail: Any) -> None:
    audit.record(session, actor_id=actor.id if actor else None, action=action, entity="membership",
                 entity_id=membership.id, user_id=membership.user_id, organization_id=membership.organization_id,
                 **detail)  # fmt: skip


def approve(session: Session, actor: User, membership_id: int, *, manager: bool = False) -> Membership:
    """Make the person a member of the organization (and, when staff say so, one of its managers); commits."""
    found = _decidable(session, actor, membership_id)
    if found.user.organization_id is not None:
        raise Conflict(Msg("This person already belongs to an organization."), current=found.membership)
    manager = manager and actor.is_staff and not is_government(found.organization)
    _close(session, found.membership, S.APPROVED, actor, manager=manager)
    found.user.organization_id = found.organization.id
    session.add(found.user)
    _record(session, actor, "membership.approve", found.membership, manager=manager)
    tell(session, found.user, notice=APPROVED_NOTICE, link=HOME_PATH, mail_subject=APPROVED_SUBJECT,
         mail_body=APPROVED_BODY, organization=org_name(found.organization, found.user.language))  # fmt: skip
    session.commit()
    return found.membership


def refuse(session: Session, actor: User, membership_id: int, *, reason: str = "") -> Membership:
    """Refuse a request, with an optional reason the person sees; they stay without an organization; commits."""
    errors: validation.Errors = {}
    reason = validation.text(errors, {"reason": reason}, "reason", max_len=REASON_MAX, required=False)
    validation.raise_if(errors)
    found = _decidable(session, actor, membership_id)
    _close(session, found.membership, S.REFUSED, actor, reason=reason or None)
    _record(session, actor, "membership.refuse", found.membership, reason=reason)
    with_reason = {"reason": reason} if reason else {"reason": Msg(NO_REASON)}
    tell(session, found.user, notice=REFUSED_NOTICE, link=HOME_PATH, mail_subject=REFUSED_SUBJECT,
         mail_body=REFUSED_BODY, mail_params=with_reason,
         organization=org_name(found.organization, found.user.language))  # fmt: skip
    session.commit()
    return found.membership


def withdraw(session: Session, user: User, membership_id: int) -> Membership:
    """The person who asked takes back their waiting request; commits."""
    membership = session.get(Membership, membership_id)
    if membership is None or membership.user_id != user.id:
        raise NotFound()
    if membership.status != S.PENDING:
        raise Conflict(ALREADY_ANSWERED, current=membership)
    _close(session, membership, S.WITHDRAWN, user)
    _record(session, user, "membership.withdraw", membership)
    session.commit()
    return membership


def people_of(session: Session, organization_id: int) -> list[tuple[User, bool]]:
    """The organization's members, by name, each with whether they manage it."""
    members = session.exec(
        select(User).where(User.organization_id == organization_id).order_by(col(User.full_name), col(User.id))
    ).all()
    managers = {
        m.user_id
        for m in session.exec(
            select(Membership).where(
                Membership.organization_id == organization_id,
                Membership.status == S.APPROVED,
                col(Membership.manager).is_(True),
            )
        )
    }
    return [(u, u.id in managers) for u in members]


def people_shown_to(session: Session, viewer: User | None, organization_id: int) -> list[tuple[User, bool]] | None:
    """The organization's members for staff and for its own members; None for anyone else."""
    if viewer is None or not (viewer.is_staff or viewer.organization_id == organization_id):
        return None
    return people_of(session, organization_id)


def _member(session: Session, staff: User, member_id: int) -> tuple[User, Organization, Membership]:
    """A member, their organization and their approved membership (made for members from before requests)."""
    if not staff.is_staff:
        raise Forbidden()
    member = session.get(User, member_id)
    if member is None or member.organization_id is None:
        raise NotFound()
    organization = session.get_one(Organization, member.organization_id)
    query = select(Membership).where(
        Membership.user_id == member.id,
        Membership.organization_id == organization.id,
        Membership.status == S.APPROVED,
    )
    membership = session.exec(query.order_by(col(Membership.id).desc())).first()
    if membership is None:
        membership = Membership(user_id=ident(member), organization_id=ident(organization), status=S.APPROVED,
                                decided_by_id=staff.id, decided_at=utcnow())  # fmt: skip
        session.add(membership)
        session.flush()
    return member, organization, membership


def set_manager(session: Session, staff: User, member_id: int, *, manager: bool) -> Membership:
    """Staff let a member answer requests to join their organization, or stop them; commits."""
    member, organization, membership = _member(session, staff, member_id)
    if manager and is_government(organization):
        raise Forbidden(Msg("Only Department staff answer requests to join a government body."))
    membership.manager = manager
    session.add(membership)
    _record(session, staff, "membership.manager" if manager else "membership.not_manager", membership)
    session.commit()
    return membership


def remove_member(session: Session, staff: User, member_id: int, *, reason: str = "") -> Membership:
    """Staff take a person out of their organization: they keep their account but lose every right over it."""
    errors: validation.Errors = {}
    reason = validation.text(errors, {"reason": reason}, "reason", max_len=REASON_MAX, required=False)
    validation.raise_if(errors)
    member, organization, membership = _member(session, staff, member_id)
    membership.status, membership.manager, membership.reason = S.REMOVED, False, reason or None
    membership.decided_by_id, membership.decided_at = staff.id, utcnow()
    member.organization_id = None
    session.add_all([membership, member])
    _record(session, staff, "membership.remove", membership, reason=reason)
    tell(session, member, notice=REMOVED_NOTICE, link=HOME_PATH, mail_subject=REMOVED_SUBJECT, mail_body=REMOVED_BODY,
         mail_params={"reason": reason or Msg(NO_REASON)}, organization=org_name(organization, member.language))  # fmt: skip
    session.commit()
    return membership
