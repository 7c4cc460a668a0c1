"""Membership of organizations: requests to join one, their approval or refusal, and who may decide them.

Joining an existing organization is a request; only its approval sets `User.organization_id`, the field every
permission check reads, so a person whose request waits has an account but no rights over the organization.
Department staff decide every request. A *manager* of an organization (an approved member marked so: whoever
registered the organization, or a member staff chose) decides the requests to join it, except for government
bodies such as the Department itself, whose requests only staff decide. See docs/MEMBERSHIP.md.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from marketplace import audit, validation
from marketplace.collaborations import staff_members
from marketplace.errors import Conflict, Forbidden
from marketplace.i18n import N_, Msg, current_locale
from marketplace.inquiries import org_name
from marketplace.models import Membership, MembershipStatus, Organization, OrgKind, User
from marketplace.models._base import ident, utcnow
from marketplace.notifications import tell

S = MembershipStatus
NEW_ORGANIZATION_KINDS = tuple(k.value for k in OrgKind if k is not OrgKind.GOVERNMENT)
QUEUE_PATH = "/memberships"
CHOOSE_ORGANIZATION = Msg("Please choose your organization, or register a new one.")
STILL_WAITING = Msg("Your earlier request is still waiting. Withdraw it first to ask for another organization.")

REQUEST_NOTICE = N_("%(name)s asks to join %(organization)s.")
REQUEST_SUBJECT = N_("%(name)s asks to join %(organization)s")
REQUEST_BODY = N_(
    "%(name)s (%(email)s) asks on the exchange to join %(organization)s. "
    "Approve the request only if you know this person works there; refuse it otherwise."
)

# Shown to the person (also the text of their notifications: one message id, one translation).
REFUSED = N_("Your request to join %(organization)s was refused.")
REMOVED = N_("You are no longer a member of %(organization)s.")


def is_government(organization: Organization) -> bool:
    return organization.kind == OrgKind.GOVERNMENT


def chosen_organization(
    session: Session, errors: validation.Errors, form: Mapping[str, Any]
) -> tuple[Organization | None, bool]:
    """The existing organization chosen in a form, or a new (unsaved, unverified) one described there; and
    whether it is new."""
    if validation.nfc(form.get("organization_mode")) == "new":
        name = validation.text(errors, form, "new_organization_name", max_len=200, min_len=3)
        kind = validation.choice(errors, form, "new_organization_kind", NEW_ORGANIZATION_KINDS)
        if name and "new_organization_name" not in errors:
            clash = session.exec(
                select(Organization.id).where(func.lower(Organization.name_vi) == name.lower())
            ).first()
            if clash is not None:
                errors["new_organization_name"] = Msg(
                    "This organization is already registered: choose it from the list."
                )
        return Organization(name_vi=name, name_en=name, kind=kind or OrgKind.ENTERPRISE.value, verified=False), True
    org_id = validation.integer(errors, form, "organization_id", low=1, high=2**31 - 1)
    organization = session.get(Organization, org_id) if org_id is not None else None
    if organization is None:
        errors["organization_id"] = CHOOSE_ORGANIZATION
    return organization, False


def join(session: Session, user: User, organization: Organization, *, new: bool) -> Membership:
    """Found a new organization (its registrant becomes a member and its manager) or ask to join an existing
    one, telling its managers (or, when it has none, Department staff); adds and flushes, the caller commits."""
    if new:
        session.add(organization)
        session.flush()
        user.organization_id = organization.id
        session.add(user)
        membership = Membership(
            user_id=ident(user), organization_id=ident(organization), status=S.APPROVED, manager=True,
            decided_at=utcnow(),
        )  # fmt: skip
        return _added(session, membership, user, "membership.found")
    membership = _added(session, Membership(user_id=ident(user), organization_id=ident(organization)), user,
                        "membership.request")  # fmt: skip
    managers = [] if is_government(organization) else managers_of(session, ident(organization))
    for manager in managers:
        tell(session, manager, notice=REQUEST_NOTICE, link=QUEUE_PATH, mail_subject=REQUEST_SUBJECT,
             mail_body=REQUEST_BODY, mail_params={"email": user.email}, name=user.full_name,
             organization=org_name(organization, manager.language))  # fmt: skip
    if not managers:  # staff answer it alone: tell them in the app, as the count in the header is easy to miss
        for officer in staff_members(session):
            tell(session, officer, notice=REQUEST_NOTICE, link=QUEUE_PATH, name=user.full_name,
                 organization=org_name(organization, officer.language))  # fmt: skip
    return membership


def _added(session: Session, membership: Membership, actor: User, action: str) -> Membership:
    session.add(membership)
    session.flush()
    audit.record(session, actor_id=actor.id, action=action, entity="membership", entity_id=membership.id,
                 user_id=membership.user_id, organization_id=membership.organization_id)  # fmt: skip
    return membership


def ask_to_join(session: Session, user: User, form: Mapping[str, Any]) -> Membership:
    """An account without an organization asks to join one, or registers a new one; commits."""
    if user.is_staff:
        raise Forbidden(Msg("Department staff accounts are linked to organizations from the command line."))
    if user.organization_id is not None:
        raise Forbidden(Msg("Your account already belongs to an organization."))
    if pending_request(session, user) is not None:
        raise Conflict(STILL_WAITING)
    errors: validation.Errors = {}
    organization, new = chosen_organization(session, errors, form)
    validation.raise_if(errors)
    assert organization is not None
    try:
        membership = join(session, user, organization, new=new)
        session.commit()
    except IntegrityError:  # the same form sent twice at once: one request waits per person
        session.rollback()
        raise Conflict(STILL_WAITING) from None
    return membership


def may_ask_to_join(session: Session, user: User | None) -> bool:
    """Whether the account may ask to join an organization now: not staff, in none, no request waiting."""
    return (
        user is not None
        and not user.is_staff
        and user.organization_id is None
        and pending_request(session, user) is None
    )


def pending_request(session: Session, user: User) -> Membership | None:
    query = select(Membership).where(Membership.user_id == user.id, Membership.status == S.PENDING)
    return session.exec(query).first()


def latest_answer(session: Session, user: User) -> Membership | None:
    """The user's newest request that was not approved (waiting, refused or withdrawn), if any."""
    query = (
        select(Membership)
        .where(Membership.user_id == user.id, col(Membership.status) != S.APPROVED)
        .order_by(col(Membership.created_at).desc(), col(Membership.id).desc())
    )
    return session.exec(query).first()


def _managing(organization_id: int) -> Any:
    """The query of the users who manage an organization: approved, marked manager, still its active members."""
    return (
        select(User)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(
            Membership.organization_id == organization_id,
            Membership.status == S.APPROVED,
            col(Membership.manager).is_(True),
            User.organization_id == organization_id,
            col(User.is_active).is_(True),
        )
    )


def managers_of(session: Session, organization_id: int) -> list[User]:
    return list(session.exec(_managing(organization_id).order_by(col(User.id))).all())


def is_manager(session: Session, user: User | None) -> bool:
    """Whether the user manages their own organization (and so decides requests to join it)."""
    if user is None or user.organization_id is None:
        return False
    found = _managing(user.organization_id).where(User.id == user.id)
    return session.exec(found).first() is not None


def can_decide(session: Session, user: User, organization: Organization) -> bool:
    """Staff decide every request; a manager decides those to join their organization, unless it is a
    government body."""
    if user.is_staff:
        return True
    return user.organization_id == organization.id and not is_government(organization) and is_manager(session, user)


def person_and_organization(session: Session, membership: Membership) -> dict[str, str]:
    """The person's name and the organization's (in the reader's language), to fill a message."""
    person = session.get_one(User, membership.user_id)
    organization = session.get_one(Organization, membership.organization_id)
    return {"name": person.full_name, "organization": org_name(organization, current_locale.get())}


def approvers_text(session: Session, organization: Organization) -> Msg:
    """Who will answer a request to join `organization`, for the person waiting."""
    if is_government(organization) or not managers_of(session, ident(organization)):
        return Msg(
            "Your request to join %(organization)s is waiting for approval by the staff of the Department of "
            "Science and Technology.",
            organization=org_name(organization, current_locale.get()),
        )
    return Msg(
        "Your request to join %(organization)s is waiting for approval by a manager of that organization or by "
        "the staff of the Department of Science and Technology.",
        organization=org_name(organization, current_locale.get()),
    )


@dataclass(frozen=True)
class Standing:
    """What an account without an organization is told on every page: its request waiting (and who answers
    it), its last request refused or its membership ended (with the reason), or that it has none."""

    status: str  # "pending", "refused", "removed" or "none"
    text: Msg
    reason: str | None = None
    membership_id: int | None = None


def standing_of(session: Session, user: User | None) -> Standing | None:
    """None for visitors, staff and members of an organization (who need no such notice)."""
    if user is None or user.is_staff or user.organization_id is not None:
        return None
    last = latest_answer(session, user)
    organization = session.get(Organization, last.organization_id) if last is not None else None
    if last is None or organization is None or last.status == S.WITHDRAWN:
        return Standing("none", Msg("Your account is not linked to an organization yet, so it cannot publish "
                                    "listings or send inquiries."))  # fmt: skip
    name = org_name(organization, current_locale.get())
    if last.status == S.PENDING:
        return Standing("pending", approvers_text(session, organization), membership_id=last.id)
    message = REFUSED if last.status == S.REFUSED else REMOVED
    return Standing(last.status, Msg(message, organization=name), last.reason, last.id)
