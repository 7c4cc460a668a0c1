"""Accounts: registration, log-in with throttling, password change, profiles, operator-made users."""

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from marketplace import audit, email_confirmation, memberships, throttle, validation
from marketplace.config import get_settings
from marketplace.errors import Invalid, TooManyAttempts
from marketplace.i18n import Msg
from marketplace.models import (
    ExpertiseProfile,
    LoginAttempt,
    Membership,
    MembershipStatus,
    Organization,
    Role,
    TwoStep,
    User,
)
from marketplace.models._base import ident, utcnow
from marketplace.security import hash_password, needs_rehash, verify_password

SELF_SERVICE_ROLES = (Role.RESEARCHER.value, Role.ENTERPRISE.value)
SELF_SERVICE_ORG_KINDS = memberships.NEW_ORGANIZATION_KINDS
PASSWORD_MIN, PASSWORD_MAX = 8, 128
WRONG_CREDENTIALS = Msg("The e-mail or password is incorrect.")
PHONE_RE = re.compile(r"^[0-9+() .-]{6,30}$")


def register(session: Session, form: Mapping[str, Any]) -> User:
    """Create a researcher or enterprise account that registers a new organization (and manages it) or asks to
    join an existing one: until that request is approved the account has no rights over the organization."""
    errors: validation.Errors = {}
    email = validation.email(errors, form)
    full_name = validation.text(errors, form, "full_name", max_len=120, min_len=2)
    role = validation.choice(errors, form, "role", SELF_SERVICE_ROLES)
    password = new_password(errors, form, "password", "password_confirm")
    language = validation.choice(errors, form, "language", ("vi", "en"), required=False) or "vi"
    organization, new = memberships.chosen_organization(session, errors, form)
    if email and "email" not in errors and _email_taken(session, email):
        errors["email"] = Msg("An account with this e-mail already exists. Log in or use another e-mail.")
    validation.raise_if(errors)
    assert role is not None and organization is not None
    user = User(email=email, full_name=full_name, role=role, password_hash=hash_password(password), language=language)
    session.add(user)
    session.flush()
    audit.record(session, actor_id=user.id, action="register", entity="user", entity_id=user.id)
    memberships.join(session, user, organization, new=new)
    email_confirmation.send_link(session, user)
    session.commit()
    return user


def authenticate(session: Session, *, email: str, password: str, client: str) -> User:
    """The active user with these credentials; the same message for every kind of failure."""
    settings = get_settings()
    email = validation.nfc(email).lower()[:254]
    keys = (f"email:{email}", f"client:{client}")
    since = utcnow() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    if throttle.attempts_since(session, keys[0], since) >= settings.LOGIN_MAX_FAILURES:
        raise TooManyAttempts()
    user = session.exec(select(User).where(User.email == email)).first() if email else None
    ok = verify_password(user.password_hash if user else None, password[:PASSWORD_MAX])
    if not (ok and user and user.is_active):
        session.add_all(LoginAttempt(key=k) for k in keys)
        session.commit()
        raise Invalid({}, WRONG_CREDENTIALS)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.exec(delete(LoginAttempt).where(col(LoginAttempt.key) == keys[0]))  # type: ignore[call-overload]
    if not _two_step_on(session, user):  # with two-step on, the log-in is recorded once the code is right
        record_login(session, user)
    session.commit()
    return user


def record_login(session: Session, user: User) -> None:
    """Note a completed log-in (last log-in, audit) in the caller's unit of work."""
    user.last_login_at = utcnow()
    session.add(user)
    audit.record(session, actor_id=user.id, action="login", entity="user", entity_id=user.id)


def _two_step_on(session: Session, user: User) -> bool:
    row = session.get(TwoStep, user.id)
    return row is not None and row.enabled_at is not None


def change_password(session: Session, user: User, form: Mapping[str, Any]) -> User:
    """Set a new password after checking the current one; other sessions of the user end."""
    errors: validation.Errors = {}
    if not verify_password(user.password_hash, str(form.get("current_password") or "")[:PASSWORD_MAX]):
        errors["current_password"] = Msg("The current password is incorrect.")
    password = new_password(errors, form, "new_password", "new_password_confirm")
    validation.raise_if(errors)
    return set_password(session, user, password, action="change_password")


def set_password(session: Session, user: User, password: str, *, action: str) -> User:
    """Store a new password hash and end every other session of the account; commits."""
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    session.add(user)
    audit.record(session, actor_id=user.id, action=action, entity="user", entity_id=user.id)
    session.commit()
    return user


def create_user(
    session: Session, *, email: str, password: str, full_name: str, role: str, organization_key: str | None = None
) -> User:
    """An account of any role, for operators (staff and admin accounts are made only this way)."""
    errors: validation.Errors = {}
    form = {"email": email, "full_name": full_name, "password": password, "password_confirm": password, "role": role}
    email = validation.email(errors, form)
    full_name = validation.text(errors, form, "full_name", max_len=120, min_len=2)
    validation.choice(errors, form, "role", [r.value for r in Role])
    new_password(errors, form, "password", "password_confirm")
    organization = None
    if organization_key:
        organization = session.exec(select(Organization).where(Organization.key == organization_key)).first()
        if organization is None:
            errors["organization"] = Msg("No organization has this key.")
    if email and "email" not in errors and _email_taken(session, email):
        errors["email"] = Msg("An account with this e-mail already exists. Log in or use another e-mail.")
    validation.raise_if(errors)
    user = User(
        email=email,
        full_name=full_name,
        role=role,
        password_hash=hash_password(password),
        organization_id=organization.id if organization else None,
        email_confirmed_at=utcnow(),  # the operator vouches for the address
    )
    session.add(user)
    session.flush()
    audit.record(session, actor_id=None, action="create_user", entity="user", entity_id=user.id, role=role)
    if organization is not None:  # the operator vouches for the account
        session.add(Membership(user_id=ident(user), organization_id=ident(organization),
                               status=MembershipStatus.APPROVED, decided_at=utcnow()))  # fmt: skip
    session.commit()
    return user


def new_password(errors: validation.Errors, form: Mapping[str, Any], field: str, confirm: str) -> str:
    """A new password and its repetition, each flagged at once when wrong (not one after the other)."""
    password, repeated = str(form.get(field) or ""), str(form.get(confirm) or "")
    if len(password) < PASSWORD_MIN:
        errors[field] = Msg("The password needs at least %(min)d characters.", min=PASSWORD_MIN)
    elif len(password) > PASSWORD_MAX:
        errors[field] = Msg("The password must be at most %(max)d characters.", max=PASSWORD_MAX)
    if not repeated:
        errors[confirm] = Msg("Please type the password again.")
    elif password and repeated != password:
        errors[confirm] = Msg("The two passwords do not match.")
    return password


def _email_taken(session: Session, email: str) -> bool:
    return session.exec(select(User.id).where(User.email == email)).first() is not None


def update_profile(session: Session, user: User, form: Mapping[str, Any]) -> User:
    """Change one's own name, phone, language and, for researchers, expertise profile."""
    errors: validation.Errors = {}
    full_name = validation.text(errors, form, "full_name", max_len=120, min_len=2)
    phone = validation.text(errors, form, "phone", max_len=30, required=False)
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = Msg("Please enter a phone number of digits, spaces and + ( ) - only.")
    language = validation.choice(errors, form, "language", ("vi", "en")) or user.language
    expertise = _expertise_from(errors, form) if user.role == Role.RESEARCHER else None
    validation.raise_if(errors)
    user.full_name, user.phone, user.language = full_name, phone or None, language
    session.add(user)
    if expertise is not None:
        profile = session.exec(select(ExpertiseProfile).where(ExpertiseProfile.user_id == user.id)).first()
        profile = profile or ExpertiseProfile(user_id=ident(user))
        profile.summary, profile.keywords = expertise["summary"], expertise["keywords"]
        profile.publications, profile.projects = expertise["publications"], expertise["projects"]
        profile.updated_at = utcnow()
        session.add(profile)
    audit.record(session, actor_id=user.id, action="update_profile", entity="user", entity_id=user.id)
    session.commit()
    return user


def _expertise_from(errors: validation.Errors, form: Mapping[str, Any]) -> dict[str, Any]:
    """The expertise fields: a summary, keywords, and one publication or project per line."""
    lines = {}
    for field, limit in (("publications", 30), ("projects", 20)):
        text = validation.text(errors, form, field, max_len=8000, required=False)
        lines[field] = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines[field]) > limit:
            errors[field] = Msg("Please list at most %(max)d, one per line.", max=limit)
        elif any(len(line) > 400 for line in lines[field]):
            errors[field] = Msg("Each line must be under %(max)d characters.", max=400)
    return {
        "summary": validation.text(errors, form, "summary", max_len=2000, required=False),
        "keywords": validation.keywords(errors, form, "keywords", max_count=25),
        **lines,
    }


def expertise_of(session: Session, user: User) -> ExpertiseProfile | None:
    return session.exec(select(ExpertiseProfile).where(ExpertiseProfile.user_id == user.id)).first()
