"""E-mail through an outbox: queued in the same transaction as the change, sent later over SMTP.

Nothing is lost when the mail server is down: a mail leaves the outbox only once the server has
accepted it; every failed try is counted on the mail with the error, and the next run tries again.
"""

import argparse
import json
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace.cli import command
from marketplace.config import Settings, get_settings
from marketplace.i18n import DEFAULT_LOCALE, LOCALES, current_locale, gettext
from marketplace.models import OutboxMail, User
from marketplace.models._base import utcnow

SMTP_TIMEOUT_SECONDS = 20
BATCH_SIZE = 200
SUBJECT_MAX = 300
ACCOUNT_PATH = "/account"  # where a member chooses how notices reach them by mail


def queue_mail(session: Session, to: str, subject: str, body: str) -> OutboxMail:
    """Add a mail to the outbox in the caller's unit of work; `send-mail` delivers it after the commit."""
    mail = OutboxMail(to=to.strip(), subject=" ".join(subject.split())[:SUBJECT_MAX], body=body)
    session.add(mail)
    return mail


@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Translate in `language` (the recipient's, not the current reader's) inside the block."""
    token = current_locale.set(language if language in LOCALES else DEFAULT_LOCALE)
    try:
        yield
    finally:
        current_locale.reset(token)


def mail_user(
    session: Session,
    user: User,
    *,
    subject: str,
    body: str,
    link: str | None = None,
    unconfirmed_too: bool = False,
    about_notices: bool = False,
    **params: Any,
) -> OutboxMail | None:
    """Queue a mail to `user` in their language; `subject` and `body` are message ids filled with `params`.
    Nothing goes to an address its owner has not confirmed (`email_confirmation`), but for a mail whose link
    itself proves the address is theirs (`unconfirmed_too`: a password reset). A mail that reports a notice
    (`about_notices`) ends by saying where its reader chooses how the exchange mails them."""
    if not can_mail(user, unconfirmed_too=unconfirmed_too):
        return None
    with in_language(user.language):
        return queue_letter(session, user, gettext(subject, **params), gettext(body, **params), link, about_notices)


def can_mail(user: User, *, unconfirmed_too: bool = False) -> bool:
    """Whether mail may go to `user`: an active account with an address its owner confirmed."""
    return bool(user.is_active and user.email and (user.email_confirmed_at is not None or unconfirmed_too))


def queue_letter(
    session: Session, user: User, subject: str, text: str, link: str | None = None, about_notices: bool = False
) -> OutboxMail:
    """Queue already translated `subject` and `text` to `user` with the greeting, the link and the signature;
    call it inside `in_language(user.language)`."""
    lines = [gettext("Dear %(name)s,", name=user.full_name), "", text]
    if link:
        lines += ["", gettext("Open it on the exchange: %(url)s", url=absolute_url(link))]
    if about_notices:
        lines += ["", gettext("You can choose how the exchange e-mails you on your account page: %(url)s",
                              url=absolute_url(ACCOUNT_PATH))]  # fmt: skip
    lines += ["", "-- ", gettext("Hue Innovation Exchange — Department of Science and Technology of Huế City")]
    return queue_mail(session, user.email, subject, "\n".join(lines))


def absolute_url(path: str) -> str:
    """A link for outside the site (e-mails, feeds, link previews): the site's public address followed by `path`."""
    return get_settings().PUBLIC_BASE_URL.rstrip("/") + path


@dataclass
class SendReport:
    """What one run of the sender did."""

    sent: int = 0
    failed: int = 0
    waiting: int = 0


def pending(session: Session, limit: int = BATCH_SIZE) -> list[OutboxMail]:
    """Mail not yet accepted by the server, oldest first."""
    query = select(OutboxMail).where(col(OutboxMail.sent_at).is_(None)).order_by(col(OutboxMail.id)).limit(limit)
    return list(session.exec(query).all())


def waiting_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(OutboxMail).where(col(OutboxMail.sent_at).is_(None))).one()


def send_pending(session: Session, settings: Settings, limit: int = BATCH_SIZE) -> SendReport:
    """Send waiting mail over SMTP; a mail the server refuses, or cannot take, stays queued with the error."""
    report = SendReport()
    batch = pending(session, limit)
    if batch:
        try:
            server = connect(settings)
        except (OSError, smtplib.SMTPException) as exc:  # server down or refusing us: keep everything
            for mail in batch:
                _record_failure(mail, exc)
            report.failed = len(batch)
            session.commit()
        else:
            with server:
                for mail in batch:
                    _send_one(session, server, mail, settings, report)
    report.waiting = waiting_count(session)
    return report


def connect(settings: Settings) -> smtplib.SMTP:
    """An SMTP connection, with STARTTLS and log-in when configured."""
    if not settings.SMTP_HOST:
        raise smtplib.SMTPException("SMTP_HOST is not set")
    server = smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if settings.SMTP_STARTTLS:
            server.starttls()
        if settings.SMTP_USERNAME:
            server.login(settings.SMTP_USERNAME, settings.SMTP_PASSWORD or "")
    except (OSError, smtplib.SMTPException):
        server.close()
        raise
    return server


def _send_one(session: Session, server: smtplib.SMTP, mail: OutboxMail, settings: Settings, report: SendReport) -> None:
    mail.attempts += 1
    try:
        server.send_message(message_of(mail, settings))
    except (OSError, smtplib.SMTPException) as exc:
        _record_failure(mail, exc, counted=True)
        report.failed += 1
    else:
        mail.sent_at, mail.last_error = utcnow(), None
        report.sent += 1
    session.add(mail)
    session.commit()  # one mail at a time: a mail the server took is never sent again after a crash


def _record_failure(mail: OutboxMail, exc: Exception, counted: bool = False) -> None:
    if not counted:
        mail.attempts += 1
    mail.last_error = f"{type(exc).__name__}: {exc}"[:1000]


def message_of(mail: OutboxMail, settings: Settings) -> EmailMessage:
    """The outbox row as a plain-text UTF-8 e-mail."""
    message = EmailMessage()
    message["From"] = settings.MAIL_FROM
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(
        idstring=f"outbox-{mail.id}", domain=settings.MAIL_FROM.rpartition("@")[2] or None
    )
    message.set_content(mail.body)
    return message


def _send_mail_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, default=BATCH_SIZE, help="at most this many mails in one run")


@command(
    "send-mail", "send the e-mails waiting in the outbox over SMTP (run it every minute or so)", _send_mail_arguments
)
def send_mail_command(args: argparse.Namespace) -> int:
    from marketplace.db import session_scope

    settings = get_settings()
    with session_scope() as session:
        if not settings.SMTP_HOST:
            print(json.dumps({"error": "SMTP_HOST is not set", "waiting": waiting_count(session)}))
            return 2
        report = send_pending(session, settings, limit=max(1, args.limit))
    print(json.dumps(asdict(report)))
    return 1 if report.failed else 0
