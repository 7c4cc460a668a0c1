"""Forgotten passwords: a time-limited, single-use link sent by e-mail, then a new password."""

import hashlib
from collections.abc import Mapping
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, select

from marketplace import accounts, audit, mail, throttle, validation
from marketplace.config import get_settings
from marketplace.errors import Invalid
from marketplace.i18n import N_, Msg
from marketplace.models import User
from marketplace.models._base import utcnow

LINK_MINUTES = 60
REQUESTS_PER_HOUR = 3
INVALID_LINK = Msg("This link is invalid or has expired. Please ask for a new one.")
SUBJECT = N_("Reset your password on the Hue Innovation Exchange")
BODY = N_(
    "Someone (hopefully you) asked to reset your password. Open the link below within %(minutes)s minutes to "
    "choose a new one. If it was not you, ignore this e-mail: your password stays as it is."
)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().SECRET_KEY, salt="password-reset")


def _fingerprint(user: User) -> str:
    """Changes whenever the password does, so a used link stops working."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def request_reset(session: Session, email: str) -> None:
    """Mail a reset link if the address belongs to an active account; the caller never learns which."""
    address = validation.nfc(email).lower()[:254]
    throttle.take_hourly(session, f"reset:{address}", REQUESTS_PER_HOUR)
    user = session.exec(select(User).where(User.email == address)).first() if address else None
    if user is not None and user.is_active:
        mail.mail_user(
            session,
            user,
            subject=SUBJECT,
            body=BODY,
            link=f"/password/reset/{make_token(user)}",
            minutes=LINK_MINUTES,
            unconfirmed_too=True,
        )
        audit.record(session, actor_id=user.id, action="request_password_reset", entity="user", entity_id=user.id)
    session.commit()


def user_for_token(session: Session, token: str) -> User:
    """The account a valid, unused, unexpired link belongs to."""
    try:
        data = _serializer().loads(token, max_age=LINK_MINUTES * 60)
    except (SignatureExpired, BadSignature):
        raise Invalid({}, INVALID_LINK) from None
    user = session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or not user.is_active or data.get("fp") != _fingerprint(user):
        raise Invalid({}, INVALID_LINK)
    return user


def reset_password(session: Session, token: str, form: Mapping[str, Any]) -> User:
    """Set a new password from a reset link; every existing session of the account ends."""
    user = user_for_token(session, token)
    errors: validation.Errors = {}
    password = accounts.new_password(errors, form, "new_password", "new_password_confirm")
    validation.raise_if(errors)
    user.email_confirmed_at = user.email_confirmed_at or utcnow()  # the link reached them: the address is theirs
    return accounts.set_password(session, user, password, action="reset_password")
