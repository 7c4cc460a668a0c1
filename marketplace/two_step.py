"""Two-step verification (TOTP, RFC 6238): set it up, check a code at log-in, turn it off, recovery codes,
and an administrator's reset for someone who lost their phone.

The secret is kept in the `two_step` table encrypted (`marketplace.encryption`, keys in the environment), so a
copy of the database or a backup gives no codes. When no configured key decrypts it (a key lost, SECRET_KEY
changed), a code cannot be checked: the person is told so and to ask an administrator, whose reset still works,
and recovery codes (hashes, no key needed) still log in; `reencrypt-secrets` rewrites every secret under the first
key after a rotation. While the user sets it up, the secret waits in that table without `enabled_at` (never in a
form field or the session cookie, which is signed, not encrypted); a set-up whose secret cannot be read starts
again. A code is accepted for the current 30-second step and one step either side (a phone's clock drifts), and
only for a step later than the last one accepted, so a code seen over someone's shoulder cannot be used again.
Failed codes are counted like failed log-ins (`LOGIN_MAX_FAILURES` in `LOGIN_LOCKOUT_MINUTES`).
"""

import argparse
import hmac
import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn

import pyotp
import segno
from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, col, select

from marketplace import accounts, audit, encryption, notifications, throttle
from marketplace.cli import command
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
UNREADABLE = Msg(
    "Your two-step verification cannot be checked at the moment. Please contact an administrator of the exchange, "
    "who can reset it. A recovery code still lets you log in."
)
log = logging.getLogger("marketplace.two_step")


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
    if row is None or not encryption.readable(row.encrypted_secret):  # none yet, or the keys changed meanwhile
        row = row or TwoStep(user_id=ident(user), encrypted_secret="")
        row.encrypted_secret = encryption.encrypt(pyotp.random_base32())
        session.add(row)
        session.commit()
    return row


def pending_secret(session: Session, user: User) -> str:
    """The base32 secret being set up (`pending_setup`), for the QR code and the key typed by hand."""
    return secret_of(pending_setup(session, user))


def secret_of(row: TwoStep) -> str:
    """The account's base32 secret, decrypted; `encryption.Unreadable` when no configured key decrypts it."""
    return encryption.decrypt(row.encrypted_secret)


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
    try:
        took = _take_totp(session, row, typed)
    except encryption.Unreadable:  # not the person's mistake: no failure counted
        log.error(
            "two-step secret of user %s: no configured key decrypts it (DATA_ENCRYPTION_KEYS, SECRET_KEY)", user.id
        )
        raise Invalid({"code": UNREADABLE}, UNREADABLE) from None
    if took:
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
    totp = pyotp.TOTP(secret_of(row))
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


@dataclass(frozen=True)
class Reencrypted:
    """What `reencrypt_secrets` did: secrets rewritten under the first key, those already under it, and the accounts
    whose secret no configured key decrypts (left as they are: an administrator resets their two-step verification)."""

    rewritten: int
    unchanged: int
    unreadable: list[int]


def reencrypt_secrets(session: Session) -> Reencrypted:
    """Encrypt every two-step secret not yet under the first key of DATA_ENCRYPTION_KEYS again under it (after a
    rotation, before the old key is taken out of the list). Each row is rewritten only if it still holds the token
    read, so a set-up or a reset meanwhile is not undone. Commits."""
    rewritten, unchanged, unreadable = 0, 0, []
    stored = select(TwoStep.user_id, TwoStep.encrypted_secret).order_by(col(TwoStep.user_id))
    for user_id, token in session.exec(stored).all():
        if encryption.under_first_key(token):
            unchanged += 1
            continue
        try:
            fresh = encryption.reencrypt(token)
        except encryption.Unreadable:
            unreadable.append(user_id)
            continue
        same = (col(TwoStep.user_id) == user_id) & (col(TwoStep.encrypted_secret) == token)
        rewrite = update(TwoStep).where(same).values(encrypted_secret=fresh)
        rewritten += session.execute(rewrite).rowcount  # type: ignore[attr-defined]
    session.commit()
    return Reencrypted(rewritten=rewritten, unchanged=unchanged, unreadable=unreadable)


@command("reencrypt-secrets", "encrypt every two-step secret again under the first key of DATA_ENCRYPTION_KEYS")
def reencrypt_command(args: argparse.Namespace) -> int:
    from marketplace.db import session_scope

    with session_scope() as session:
        report = reencrypt_secrets(session)
    print(json.dumps({"rewritten": report.rewritten, "unchanged": report.unchanged, "unreadable": report.unreadable}))
    return 1 if report.unreadable else 0
