"""Counting attempts by key (failed log-ins, links asked for by e-mail) to throttle guessing and mail floods.

Each attempt is a `LoginAttempt` row whose key names what is counted: "email:…", "client:…", "reset:…",
"confirm:…"."""

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from marketplace.errors import TooManyAttempts
from marketplace.i18n import Msg
from marketplace.models import LoginAttempt
from marketplace.models._base import utcnow


def attempts_since(session: Session, key: str, since: datetime) -> int:
    """How many attempts of `key` were recorded from `since` on."""
    query = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.key == key, LoginAttempt.at >= since)
    return session.exec(query).one()


def take_hourly(session: Session, key: str, per_hour: int, refused: Msg | None = None) -> None:
    """Record one more attempt of `key` in the caller's unit of work, or refuse it (TooManyAttempts, with
    `refused` as its message) when `per_hour` were made in the last hour."""
    if attempts_since(session, key, utcnow() - timedelta(hours=1)) >= per_hour:
        raise TooManyAttempts(refused)
    session.add(LoginAttempt(key=key))
