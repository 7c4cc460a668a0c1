"""How the notices that matter reach a member by e-mail: each at once, in one digest a day, or not at all.

A member chooses on their account page (`User.mail_notices`, see `notifications.tell`). A notice that would have
been mailed to someone on "daily" is marked `digest_pending`; the `send-digests` command (run it once a day)
sends each of them one mail listing those notices, in their language, and clears the marks. Mails about the
account's security or access (password reset, e-mail confirmation, a two-step reset) go at once whatever they
chose. A notice the member has already read in the app is left out of the digest.
"""

import argparse
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from marketplace import audit, mail, validation
from marketplace.cli import command
from marketplace.i18n import N_, gettext, ngettext
from marketplace.models import Notification, User
from marketplace.models._base import ident
from marketplace.notifications import DAILY, EACH, MAIL_CHOICES, NONE, text_of

# (value, label, hint) of the account page's three choices.
CHOICES = (
    (EACH, N_("Each time"), N_("A mail as soon as something happens that concerns you.")),
    (DAILY, N_("One mail a day"), N_("A single mail each morning listing the notices of the past day.")),
    (NONE, N_("No mail, only on the exchange"), N_("You read your notices on the “My exchange” page.")),
)
IN_DIGEST = 30  # notices listed in one mail; the rest are counted, and all are on the "My exchange" page
NOTICES_PATH = "/me#notifications"


def choose(session: Session, user: User, form: Mapping[str, Any]) -> User:
    """Save how the member's notices reach them by mail; commits. With "none", the notices waiting for a digest
    are not mailed either (a notice waiting is still mailed in the next digest when they move to "each")."""
    errors: validation.Errors = {}
    value = validation.choice(errors, form, "mail_notices", MAIL_CHOICES)
    validation.raise_if(errors)
    assert value is not None
    if value != user.mail_notices:
        audit.record(session, actor_id=user.id, action="update_mail_notices", entity="user", entity_id=user.id,
                     before=user.mail_notices, after=value)  # fmt: skip
        user.mail_notices = value
        session.add(user)
        if value == NONE:
            session.execute(
                update(Notification)
                .where(col(Notification.user_id) == user.id, col(Notification.digest_pending).is_(True))
                .values(digest_pending=False)
                .execution_options(synchronize_session=False)
            )
        session.commit()
    return user


@dataclass
class DigestReport:
    """What one run of `send-digests` did: members mailed and notices listed."""

    users: int = 0
    notices: int = 0


def send_digests(session: Session) -> DigestReport:
    """Mail every member who has notices waiting for a digest one mail listing them; idempotent.

    One member at a time, each in its own commit, and only the notices still marked when the mail is written are
    taken (a conditional update), so a crash part-way or two runs at once never list a notice twice.
    """
    report = DigestReport()
    waiting = (
        select(Notification)
        .where(col(Notification.digest_pending).is_(True))
        .order_by(col(Notification.user_id), col(Notification.id))
    )
    by_user: dict[int, list[int]] = {}
    for notice in session.exec(waiting).all():
        by_user.setdefault(notice.user_id, []).append(ident(notice))
    for user_id, ids in by_user.items():
        listed = _digest_one(session, user_id, ids)
        if listed:
            report.users += 1
            report.notices += listed
    return report


def _digest_one(session: Session, user_id: int, ids: list[int]) -> int:
    """Clear the marks of `ids` and, if there is something new to tell, queue the digest; returns how many it
    lists. Commits."""
    taken = session.execute(
        update(Notification)
        .where(col(Notification.id).in_(ids), col(Notification.digest_pending).is_(True))
        .values(digest_pending=False)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != len(ids):  # type: ignore[attr-defined]  # another run is sending these
        session.rollback()
        return 0
    user = session.get(User, user_id)
    notices = list(
        session.exec(
            select(Notification)
            .where(col(Notification.id).in_(ids), col(Notification.read_at).is_(None))
            .order_by(col(Notification.at), col(Notification.id))
        ).all()
    )
    listed = 0
    if user is not None and notices and user.mail_notices != NONE and mail.can_mail(user):
        _queue_digest(session, user, notices)
        listed = len(notices)
    session.commit()
    return listed


def _queue_digest(session: Session, user: User, notices: list[Notification]) -> None:
    """The digest mail, in the member's language: a line per notice with its address."""
    with mail.in_language(user.language):
        subject = ngettext("%(num)d new notice on the exchange", "%(num)d new notices on the exchange", len(notices))
        lines = [gettext("Here are the notices of the past day that you asked to receive in one mail:"), ""]
        for notice in notices[:IN_DIGEST]:
            lines.append(f"• {text_of(notice)}")
            if notice.link:
                lines.append(f"  {mail.absolute_url(notice.link)}")
        if len(notices) > IN_DIGEST:
            lines.append(gettext("… and %(num)s more.", num=len(notices) - IN_DIGEST))
        lines += ["", gettext("All your notices: %(url)s", url=mail.absolute_url(NOTICES_PATH))]
        mail.queue_letter(session, user, subject, "\n".join(lines), about_notices=True)


@command(
    "send-digests",
    "mail each member who chose one mail a day the notices of the past day (run it daily, e.g. at 7:00)",
)
def send_digests_command(args: argparse.Namespace) -> int:
    from marketplace.db import session_scope

    with session_scope() as session:
        report = send_digests(session)
    print(json.dumps({"users": report.users, "notices": report.notices}))
    return 0
