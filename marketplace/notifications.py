"""In-app notifications: a message id and its parameters, shown in the reader's language, with a link."""

from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from marketplace import mail
from marketplace.errors import NotFound
from marketplace.i18n import gettext
from marketplace.models import Notification, User
from marketplace.models._base import utcnow


def notify(session: Session, user_id: int, message: str, link: str | None = None, **params: Any) -> Notification:
    """Add a notice for one user in the caller's unit of work; `message` is a msgid marked with N_()."""
    notice = Notification(user_id=user_id, message=message, params=params, link=link)
    session.add(notice)
    return notice


# How the notices that matter reach a member by e-mail (`User.mail_notices`, chosen on the account page).
EACH, DAILY, NONE = "each", "daily", "none"
MAIL_CHOICES = (EACH, DAILY, NONE)


def tell(
    session: Session,
    user: User,
    *,
    notice: str,
    link: str | None = None,
    mail_subject: str | None = None,
    mail_body: str | None = None,
    mail_params: dict[str, Any] | None = None,
    always_mail: bool = False,
    **params: Any,
) -> None:
    """Notify `user` in the app and, when the event matters, by e-mail through the outbox, as they chose:
    a mail now ("each"), a line in tomorrow's digest ("daily", `send-digests`) or none.

    `params` fill the notice and the mail; `mail_params` only the mail (long texts, lazy `Msg`s).
    `always_mail`: the mail is about the account's security or access and goes at once whatever they chose.
    """
    assert user.id is not None
    added = notify(session, user.id, notice, link, **params)
    if not (mail_subject and mail_body):
        return
    if always_mail or user.mail_notices not in (DAILY, NONE):
        mail.mail_user(session, user, subject=mail_subject, body=mail_body, link=link, about_notices=not always_mail,
                       **(params | (mail_params or {})))  # fmt: skip
    elif user.mail_notices == DAILY:
        added.digest_pending = True


def text_of(notice: Notification) -> str:
    """The notice in the current reader's language (the bare message if its parameters no longer fit)."""
    try:
        return gettext(notice.message, **notice.params)
    except (KeyError, TypeError, ValueError):
        return gettext(notice.message)


def unread_count(session: Session, user_id: int) -> int:
    """How many notices the user has not read (one indexed count)."""
    query = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, col(Notification.read_at).is_(None))
    )
    return session.exec(query).one()


def newest_first(user_id: int) -> SelectOfScalar[Notification]:
    """The query of all the user's notices, unread ones first, then newest first."""
    return (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(col(Notification.read_at).is_not(None), col(Notification.at).desc(), col(Notification.id).desc())
    )


def mark_read(session: Session, *, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notices read (another user's is NotFound); commits."""
    notice = session.get(Notification, notification_id)
    if notice is None or notice.user_id != user.id:
        raise NotFound()
    if notice.read_at is None:
        notice.read_at = utcnow()
        session.add(notice)
        session.commit()
    return notice


def mark_all_read(session: Session, *, user: User) -> int:
    """Mark every unread notice of the user read; returns how many; commits."""
    statement = (
        update(Notification)
        .where(col(Notification.user_id) == user.id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    count = session.execute(statement).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(count or 0)


def mark_read_at(session: Session, *, user: User, link: str) -> int:
    """Mark the user's unread notices that lead to `link` read (the reader has opened it); returns how many.

    A notice whose link only adds a fragment or a query to `link` leads to the same page and counts too.
    Commits only when there was something to mark, so opening a page writes nothing in the usual case.
    """
    leads_here = or_(
        col(Notification.link) == link,
        col(Notification.link).startswith(link + "#", autoescape=True),
        col(Notification.link).startswith(link + "?", autoescape=True),
    )
    unread = select(Notification.id).where(
        Notification.user_id == user.id, col(Notification.read_at).is_(None), leads_here
    )
    ids = list(session.exec(unread).all())
    if not ids:
        return 0
    statement = (
        update(Notification)
        .where(col(Notification.id).in_(ids), col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.execute(statement)
    session.commit()
    return len(ids)
