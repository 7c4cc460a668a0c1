"""Commissioned problems (đặt hàng): needs the Department publishes itself, with a funding note and S&T task."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlmodel import Session, select

from marketplace import listing_forms, publishing, validation
from marketplace.errors import Forbidden, Invalid
from marketplace.i18n import Msg
from marketplace.models import ListingStatus, Need, Organization, User
from marketplace.models._base import utcnow

DEPARTMENT_KEY = "dost"


def department(session: Session, actor: User) -> Organization:
    """The Department of Science and Technology's organization (the actor's own if it is not listed)."""
    found = session.exec(select(Organization).where(Organization.key == DEPARTMENT_KEY)).first()
    found = found or (session.get(Organization, actor.organization_id) if actor.organization_id else None)
    if found is None:
        raise Invalid({}, Msg("The Department's organization is missing; ask an administrator to add it."))
    return found


def post_commissioned(session: Session, *, actor: User, data: Mapping[str, Any], today: date) -> Need:
    """Publish a commissioned problem owned by the Department; staff only, a funding note is required."""
    if not actor.is_staff:
        raise Forbidden(Msg("This page is for Department staff."))
    errors: validation.Errors = {}
    values: dict[str, Any] = {}
    try:
        values = listing_forms.parse("need", {**data, "commissioned": "1"}, strict=True, today=today, staff=True)
    except Invalid as exc:
        errors |= exc.errors
    validation.text(errors, data, "funding_note", max_len=1000, min_len=10)
    validation.raise_if(errors)
    now = utcnow()
    owner = department(session, actor)
    need = Need(**values, organization_id=owner.id or 0, owner_id=actor.id)
    need.commissioned, need.status = True, ListingStatus.PUBLISHED.value
    need.submitted_at = need.published_at = need.confirmed_at = now
    session.add(need)
    session.flush()
    publishing.record_change(session, actor, need, "created", None, ListingStatus.DRAFT.value)
    publishing.record_change(session, actor, need, "publish", ListingStatus.DRAFT.value, ListingStatus.PUBLISHED.value)
    session.commit()
    publishing.after_listing_change(session, "need", need.id)  # type: ignore[arg-type]
    return need
