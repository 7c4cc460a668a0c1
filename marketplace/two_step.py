"""Two-step verification (TOTP, RFC 6238): set it up, check a code at log-in, turn it off, recovery codes,
and an administrator's reset for someone who lost their phone.

The secret is kept in the `two_step` table as-is (base32), like the rest of the database it is protected
by who may read the database and its backups. While the user sets it up, the secret waits in that table
without `enabled_at` (never in a form field or the session cookie, which is signed, not encrypted). A code
is accepted for the current 30-second step and one step either side (a phone's clock drifts), and only for
a step later than the last one accepted, so a code seen over someone's shoulder cannot be used again.
Failed codes are counted like failed log-ins (`LOGIN_MAX_FAILURES` in `LOGIN_LOCKOUT_MINUTES`).
"""

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn

import pyotp
import segno
from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, col, select

from marketplace import accounts, audit, notifications, throttle
from marketplace.config import get_settings
from marketplace.errors import Forbidden, Invalid, NotFound, TooManyAttempts
from marketplace.i18n import N_, Msg
from marketplace.models import LoginAttempt, RecoveryCode, Role, TwoStep, User
from marketplace.models._base import ident, utcnow
from marketplace.security import hash_code, verify_code, verify_password

ISSUER = "Sàn Công nghệ Huế"
RECOVERY_COUNT = 10
FEW_LEFT = 3
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
WRONG_CODE = Msg("This code is not right or has expired. Type the newest code from your app.")


@dataclass(frozen=True)
class Accepted:
    """A code accepted: a recovery code when `recovery_left` is not None (how many remain)."""

    recovery_left: int | None = None


def enabled(session: Session, user: User) -> TwoStep | None:
    """The account's two-step verification when it is on."""
    row = session.get(TwoStep, user.id)
    return row if row is not None and row.enabled_at is not None else None


def needs_setup(session: Session, user: User) -> bool:
    """True when the settings require two-step verification of staff and this staff member has none."""
    return get_settings().REQUIRE_TWO_STEP_FOR_STAFF and user.is_staff and enabled(session, user) is None


def pending_setup(session: Session, user: User) -> TwoStep:
    """The secret being set up (made on first call, the same on every reload); commits a new one."""
    row = session.get(TwoStep, user.id)
    if row is not None and row.enabled_at is not None:
        raise Invalid({}, Msg("Two-step verification is already on."))
    if row is None:
        row = TwoStep(user_id=ident(user), secret=pyotp.random_base32())
        session.add(row)
        session.commit()
    return row


def authenticator_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as an inline SVG element (no script, no picture file)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, title=ISSUER, omitsize=True)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def turn_on(session: Session, user: User, form: Mapping[str, Any]) -> list[str]:
    """Confirm the set-up with a code from the app; returns the new recovery codes (shown once). Commits."""
    row = pending_setup(session, user)
    _throttle(session, user)
    if not _take_totp(session, row, str(form.get("code") or "")):
        _failed(session, user)
    row.enabled_at = utcnow()
    session.add(row)
    codes = _new_recovery_codes(session, user)
    audit.record(session, actor_id=user.id, action="two_step.on", entity="user", entity_id=user.id)
    _forget_failures(session, user)
    session.commit()
    return codes


def check_login(session: Session, user: User, form: Mapping[str, Any]) -> Accepted:
    """The second step of a log-in: a code from the app or a recovery code. On success the log-in is recorded
    (last log-in, audit) and committed; a wrong code is counted and refused with a generic message."""
    accepted = _check(session, user, str(form.get("code") or ""))
    accounts.record_login(session, user)
    session.commit()
    return accepted


def turn_off(session: Session, user: User, form: Mapping[str, Any]) -> None:
    """Turn two-step verification off with the password and a code; commits."""
    if not verify_password(user.password_hash, str(form.get("password") or "")[: accounts.PASSWORD_MAX]):
        raise Invalid({"password": Msg("The current password is incorrect.")})
    _check(session, user, str(form.get("code") or ""))
    _remove(session, user)
    audit.record(session, actor_id=user.id, action="two_step.off", entity="user", entity_id=user.id)
    session.commit()


def renew_recovery_codes(session: Session, user: User, form: Mapping[str, Any]) -> list[str]:
    """Replace every recovery code after checking a code; returns the new ones (shown once). Commits."""
    _check(session, user, str(form.get("code") or ""), recovery=False)
    codes = _new_recovery_codes(session, user)
    audit.record(session, actor_id=user.id, action="two_step.new_recovery_codes", entity="user", entity_id=user.id)
    session.commit()
    return codes


def recovery_left(session: Session, user: User) -> int:
    """How many unused recovery codes the account has."""
    query = select(func.count()).select_from(RecoveryCode)
    return session.exec(query.where(RecoveryCode.user_id == user.id, col(RecoveryCode.used_at).is_(None))).one()


def reset(session: Session, admin: User, user_id: int) -> User:
    """An administrator turns off someone's two-step verification (a lost phone); their sessions end and they
    are told in the app and by mail. Commits."""
    if admin.role != Role.ADMIN:
        raise Forbidden(Msg("This page is for the exchange's administrators."))
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(Msg("This account does not exist."))
    if user.id == admin.id:
        raise Forbidden(Msg("You cannot reset your own two-step verification; turn it off on your account page."))
    if enabled(session, user) is not None:
        _remove(session, user)
        user.session_epoch += 1
        session.add(user)
        audit.record(session, actor_id=admin.id, action="two_step.reset", entity="user", entity_id=user.id)
        notifications.tell(session, user, notice=RESET_NOTICE, link="/account/two-step",
                           mail_subject=RESET_SUBJECT, mail_body=RESET_BODY, always_mail=True)  # fmt: skip
        session.commit()
    return user


RESET_NOTICE = N_("An administrator turned off your two-step verification. Turn it on again with your new phone.")
RESET_SUBJECT = N_("Your two-step verification was turned off")
RESET_BODY = N_(
    "An administrator of the Hue Innovation Exchange turned off two-step verification on your account, as asked "
    "when a phone is lost. Log in with your password and turn it on again with your new phone. If you did not ask "
    "for this, tell the Department at once."
)


def _check(session: Session, user: User, typed: str, *, recovery: bool = True) -> Accepted:
    """Accept a code from the app or (when `recovery`) an unused recovery code, or count a failure and refuse."""
    row = enabled(session, user)
    if row is None:
        raise Invalid({}, Msg("Two-step verification is off."))
    _throttle(session, user)
    if _take_totp(session, row, typed):
        _forget_failures(session, user)
        return Accepted()
    if recovery and _take_recovery_code(session, user, typed):
        _forget_failures(session, user)
        audit.record(session, actor_id=user.id, action="two_step.recovery_code", entity="user", entity_id=user.id)
        return Accepted(recovery_left=recovery_left(session, user))
    _failed(session, user)


def _take_totp(session: Session, row: TwoStep, typed: str) -> bool:
    """Accept a six-digit code of the current step or one either side, later than the last accepted; the step
    is claimed with one conditional UPDATE, so two requests with the same code cannot both pass."""
    code = "".join(typed.split())
    if len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(row.secret)
    now_step = totp.timecode(utcnow())
    for step in (now_step, now_step - 1, now_step + 1):
        if (row.last_step is None or step > row.last_step) and hmac.compare_digest(totp.generate_otp(step), code):
            later = or_(col(TwoStep.last_step).is_(None), col(TwoStep.last_step) < step)
            claim = update(TwoStep).where(col(TwoStep.user_id) == row.user_id, later).values(last_step=step)
            if session.execute(claim).rowcount == 1:  # type: ignore[attr-defined]
                session.refresh(row)
                return True
    return False


def _take_recovery_code(session: Session, user: User, typed: str) -> bool:
    """Consume the unused recovery code `typed` is, if any (claimed with a conditional UPDATE)."""
    code = "".join(ch for ch in typed.lower() if ch.isalnum())
    if len(code) != 10:
        return False
    unused = select(RecoveryCode).where(RecoveryCode.user_id == user.id, col(RecoveryCode.used_at).is_(None))
    for stored in session.exec(unused).all():
        if verify_code(stored.code_hash, code):
            claim = update(RecoveryCode).where(col(RecoveryCode.id) == stored.id, col(RecoveryCode.used_at).is_(None))
            return bool(session.execute(claim.values(used_at=utcnow())).rowcount == 1)  # type: ignore[attr-defined]
    return False


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    """Ten new recovery codes ("abcde-fghjk") in place of the old ones; only their hashes are stored."""
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_COUNT)]
    session.add_all(RecoveryCode(user_id=ident(user), code_hash=hash_code(code)) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _remove(session: Session, user: User) -> None:
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    session.execute(delete(TwoStep).where(col(TwoStep.user_id) == user.id))


def _key(user: User) -> str:
    return f"two_step:{user.id}"


def _throttle(session: Session, user: User) -> None:
    settings = get_settings()
    since = utcnow() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    if throttle.attempts_since(session, _key(user), since) >= settings.LOGIN_MAX_FAILURES:
        raise TooManyAttempts()


def _failed(session: Session, user: User) -> NoReturn:
    """Count a wrong code (committed, whatever the caller does next) and refuse it."""
    session.rollback()
    session.add(LoginAttempt(key=_key(user)))
    session.commit()
    raise Invalid({"code": WRONG_CODE}, WRONG_CODE)


def _forget_failures(session: Session, user: User) -> None:
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.key) == _key(user)))
