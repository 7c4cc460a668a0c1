"""Confirming an e-mail address: a new account gets a link by mail; until its owner opens it, the exchange
sends no other mail there (`mail.mail_user`), so an address typed by someone else is never written to again.

The link holds the account and the address, signed, and works for LINK_DAYS; the person may ask for it
again (REQUESTS_PER_HOUR at most). Accounts the operator makes, and the demo data's, are confirmed.
"""

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from marketplace import audit, mail, throttle
from marketplace.config import get_settings
from marketplace.errors import Invalid
from marketplace.i18n import N_, Msg
from marketplace.models import User
from marketplace.models._base import utcnow

LINK_DAYS = 7
REQUESTS_PER_HOUR = 3
PATH = "/account/confirm"
SENT_TOO_OFTEN = Msg(
    "The link was sent several times in the last hour. Please check your mailbox, spam folder included, or try again later."
)
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
    url = mail.absolute_url(f"{PATH}/{token}")
    mail.mail_user(session, user, subject=SUBJECT, body=BODY, unconfirmed_too=True, days=LINK_DAYS, url=url)


def send_again(session: Session, user: User) -> None:
    """Mail the link again, REQUESTS_PER_HOUR times an hour at most; commits."""
    if user.email_confirmed_at is not None:
        return
    throttle.take_hourly(session, f"confirm:{user.email}", REQUESTS_PER_HOUR, SENT_TOO_OFTEN)
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
    mark_confirmed(session, user, actor_id=user.id, action="confirm_email")
    session.commit()
    return user


def mark_confirmed(session: Session, user: User, *, actor_id: int | None, action: str) -> None:
    """Take `user`'s address as confirmed, once, with an audit entry `action` by `actor_id`; in the caller's unit of work."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        session.add(user)
        audit.record(session, actor_id=actor_id, action=action, entity="user", entity_id=user.id)
