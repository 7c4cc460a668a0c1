"""Administrators manage accounts: find one, appoint Department staff, deactivate an account that is
misused and reactivate it; every change is in the audit log.

A deactivated account cannot log in (the log-in answer stays the generic one), its open sessions end
at once, its expert profile leaves search, and it gets no more mail; its organization's listings stay.
An administrator cannot change their own role or deactivate themselves, so the Department always keeps
one administrator.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from marketplace import audit, email_confirmation, validation
from marketplace.db import Paging, paginate
from marketplace.errors import Forbidden, Invalid, NotFound
from marketplace.i18n import Msg, sort_key
from marketplace.models import Organization, Role, TwoStep, User
from matching.text import TOKEN_PATTERN, begins_words, folded_words

PAGE_SIZE = 50
STATES = ("active", "inactive", "unconfirmed")
QUERY_MAX = 120
REASON_MAX = 300


@dataclass(frozen=True)
class UserFilters:
    """What the list of accounts is narrowed to: words of a name or e-mail, a role, active or not."""

    q: str = ""
    role: str = ""
    state: str = ""

    def params(self) -> dict[str, str]:
        """The query parameters that reproduce these filters (the empty ones left out)."""
        return {k: v for k, v in {"q": self.q, "role": self.role, "state": self.state}.items() if v}


@dataclass(frozen=True)
class AccountRow:
    user: User
    organization: Organization | None
    two_step: bool = False


@dataclass(frozen=True)
class AccountPage:
    rows: list[AccountRow]
    total: int
    paging: Paging


def read_filters(params: Mapping[str, str]) -> tuple[UserFilters, dict[str, Msg]]:
    """The filters asked for; a value that cannot be used is left out, with a message."""
    errors: dict[str, Msg] = {}
    q = validation.text(errors, params, "q", max_len=QUERY_MAX, required=False, single_line=True)
    role = validation.choice(errors, params, "role", [r.value for r in Role], required=False)
    state = validation.choice(errors, params, "state", STATES, required=False)
    return UserFilters(q="" if "q" in errors else q, role=role or "", state=state or ""), errors


def accounts(session: Session, filters: UserFilters, page: int = 1) -> AccountPage:
    """One page of the accounts that pass `filters`, by name (Vietnamese order); the words of `q` are looked
    for at the start of the words of the name and the e-mail, with or without accents ("hanh" finds Hạnh)."""
    query = select(User)
    if filters.role:
        query = query.where(User.role == filters.role)
    if filters.state == "unconfirmed":
        query = query.where(col(User.email_confirmed_at).is_(None))
    elif filters.state:
        query = query.where(User.is_active == (filters.state == "active"))
    found = list(session.exec(query).all())
    if filters.q:
        words = TOKEN_PATTERN.findall(folded_words(filters.q))
        found = [u for u in found if begins_words(folded_words(f"{u.full_name} {u.email}"), words)]
    found.sort(key=lambda u: (sort_key(u.full_name), u.id or 0))
    paging = paginate(len(found), page, PAGE_SIZE)
    shown = found[paging.offset : paging.offset + PAGE_SIZE]
    org_ids = {u.organization_id for u in shown if u.organization_id}
    orgs = {o.id: o for o in session.exec(select(Organization).where(col(Organization.id).in_(org_ids))).all()}
    user_ids = [u.id for u in shown]
    enabled = select(TwoStep.user_id).where(col(TwoStep.user_id).in_(user_ids), col(TwoStep.enabled_at).is_not(None))
    two_step = set(session.exec(enabled).all())
    rows = [AccountRow(u, orgs.get(u.organization_id) if u.organization_id else None, u.id in two_step) for u in shown]
    return AccountPage(rows, len(found), paging)


def _account(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(Msg("This account does not exist."))
    return user


def _other_account(session: Session, admin: User, user_id: int, own: Msg) -> User:
    """The account `user_id`, which must not be the administrator's own."""
    user = _account(session, user_id)
    if user.id == admin.id:
        raise Forbidden(own)
    return user


def set_role(session: Session, admin: User, user_id: int, data: Mapping[str, Any]) -> User:
    """Give an account another role (staff and administrators see and change everything); commits."""
    user = _other_account(session, admin, user_id, Msg("You cannot change your own role; ask another administrator."))
    errors: dict[str, Msg] = {}
    role = validation.choice(errors, data, "role", [r.value for r in Role])
    validation.raise_if(errors)
    if role != user.role:
        audit.record(session, actor_id=admin.id, action="user.role", entity="user", entity_id=user.id,
                     from_role=user.role, to_role=role)  # fmt: skip
        user.role = str(role)
        session.add(user)
        session.commit()
    return user


def deactivate(session: Session, admin: User, user_id: int, data: Mapping[str, Any]) -> User:
    """Stop an account: no log-in, every session ended, out of search, no mail; commits. A reason is required."""
    user = _other_account(session, admin, user_id, Msg("You cannot deactivate your own account."))
    errors: dict[str, Msg] = {}
    reason = validation.text(errors, data, "reason", max_len=REASON_MAX, min_len=3, single_line=True)
    if errors:
        raise Invalid(errors, errors["reason"])
    if user.is_active:
        user.is_active = False
        user.session_epoch += 1  # logged out everywhere at their next request
        session.add(user)
        audit.record(session, actor_id=admin.id, action="user.deactivate", entity="user", entity_id=user.id,
                     reason=reason)  # fmt: skip
        session.commit()
    return user


def reactivate(session: Session, admin: User, user_id: int) -> User:
    """Let a deactivated account log in again; commits."""
    user = _other_account(session, admin, user_id, Msg("You cannot deactivate your own account."))
    if not user.is_active:
        user.is_active = True
        session.add(user)
        audit.record(session, actor_id=admin.id, action="user.reactivate", entity="user", entity_id=user.id)
        session.commit()
    return user


def confirm_email(session: Session, admin: User, user_id: int) -> User:
    """Take an account's e-mail address as confirmed (the administrator checked it otherwise, or the exchange
    sends no mail yet: without SMTP nobody receives the link); commits."""
    user = _account(session, user_id)
    email_confirmation.mark_confirmed(session, user, actor_id=admin.id, action="user.confirm_email")
    session.commit()
    return user
