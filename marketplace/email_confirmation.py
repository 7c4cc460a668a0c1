"""Confirming an e-mail address: a new account gets a link by mail; until its owner opens it, the exchange
sends no other mail there (`mail.mail_user`), so an address typed by someone else is never written to again.

The link holds the account and the address, signed, and works for LINK_DAYS; the person may ask for it
again (REQUESTS_PER_HOUR at most). Accounts the operator makes, and the demo data's, are confirmed.
"""

from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func
from sqlmodel import Session, select

from marketplace import audit, mail
from marketplace.config import get_settings
from marketplace.errors import Invalid, TooManyAttempts
from marketplace.i18n import N_, Msg, gettext
from marketplace.models import LoginAttempt, User
from marketplace.models._base import utcnow

LINK_DAYS = 7
REQUESTS_PER_HOUR = 3
PATH = "/account/confirm"
INVALID_LINK = Msg("This confirmation link is invalid or has expired. Log in and ask for a new one.")
SUBJECT = N_("Confirm your e-mail address on the Hue Innovation Exchange")
BODY = N_(
    "Welcome to the Hue Innovation Exchange. Open the link below within %(days)s days to confirm that this "
    "address is yours; until then the exchange sends you no other e-mail (answers to your inquiries, news "
    "of your saved searches). If you did not register, ignore this e-mail.\n\n%(url)s"
)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().SECRET_KEY, salt="email-confirmation")


def send_link(session: Session, user: User) -> None:
    """Queue the confirmation mail for `user` in the caller's unit of work, in their language."""
    token = _serializer().dumps({"uid": user.id, "email": user.email})
    with mail.in_language(user.language):
        lines = [
            gettext("Dear %(name)s,", name=user.full_name),
            "",
            gettext(BODY, days=LINK_DAYS, url=mail.absolute_url(f"{PATH}/{token}")),
            "",
            "-- ",
            gettext("Hue Innovation Exchange — Department of Science and Technology of Huế City"),
        ]
        mail.queue_mail(session, user.email, gettext(SUBJECT), "\n".join(lines))


def send_again(session: Session, user: User) -> None:
    """Mail the link again, REQUESTS_PER_HOUR times an hour at most; commits."""
    if user.email_confirmed_at is not None:
        return
    key = f"confirm:{user.email}"
    since = utcnow() - timedelta(hours=1)
    asked = session.exec(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.key == key, LoginAttempt.at >= since)
    ).one()
    if asked >= REQUESTS_PER_HOUR:
        raise TooManyAttempts(
            Msg(
                "The link was sent several times in the last hour. Please check your mailbox, spam folder included, or try again later."
            )
        )
    session.add(LoginAttempt(key=key))
    send_link(session, user)
    session.commit()


def confirm(session: Session, token: str) -> User:
    """The account whose address the link confirms, marked confirmed (once); commits."""
    try:
        data = _serializer().loads(token, max_age=LINK_DAYS * 86400)
    except (SignatureExpired, BadSignature):
        raise Invalid({}, INVALID_LINK) from None
    user = session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or not user.is_active or user.email != data.get("email"):
        raise Invalid({}, INVALID_LINK)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        session.add(user)
        audit.record(session, actor_id=user.id, action="confirm_email", entity="user", entity_id=user.id)
        session.commit()
    return user
