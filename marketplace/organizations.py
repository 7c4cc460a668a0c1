"""Organizations: the directory, one organization's page, its profile and verification."""

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace import audit, validation
from marketplace.config import get_settings
from marketplace.errors import Forbidden, NotFound
from marketplace.i18n import Msg
from marketplace.models import Organization, OrgKind, User


def get_organization(session: Session, organization_id: int) -> Organization:
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound()
    return organization


def directory(session: Session, kind: str | None = None) -> list[Organization]:
    """Every organization (optionally of one kind), by name."""
    query = select(Organization).order_by(col(Organization.name_vi))
    if kind:
        query = query.where(Organization.kind == kind)
    return list(session.exec(query).all())


def members_of(session: Session, parent_id: int) -> list[Organization]:
    """Member schools or institutes of a university or academy."""
    return list(
        session.exec(
            select(Organization).where(Organization.parent_id == parent_id).order_by(col(Organization.name_vi))
        ).all()
    )


def can_edit(user: User | None, organization: Organization) -> bool:
    """Members edit their organization's profile; staff edit every one."""
    return user is not None and (user.is_staff or user.organization_id == organization.id)


@lru_cache
def ward_names() -> tuple[str, ...]:
    """Huế's wards and communes (after 1/7/2025), for the ward field."""
    rows = json.loads((get_settings().SEED_DIR / "wards.json").read_text(encoding="utf-8"))
    return tuple(row["name"] for row in rows)


def update_profile(session: Session, user: User, organization: Organization, form: Mapping[str, Any]) -> Organization:
    """Change an organization's public profile; only staff change its kind."""
    if not can_edit(user, organization):
        raise Forbidden()
    errors: validation.Errors = {}
    name_vi = validation.text(errors, form, "name_vi", max_len=200, min_len=3)
    values: dict[str, str | None] = {
        "name_vi": name_vi,
        "name_en": validation.text(errors, form, "name_en", max_len=200, required=False),
        "ward": validation.choice(errors, form, "ward", ward_names(), required=False) or "",
        "website": _website(errors, form),
        "description_vi": validation.text(errors, form, "description_vi", max_len=4000, required=False),
        "description_en": validation.text(errors, form, "description_en", max_len=4000, required=False),
    }
    if user.is_staff:
        values["kind"] = validation.choice(errors, form, "kind", [k.value for k in OrgKind]) or organization.kind
    name_taken = session.exec(
        select(Organization.id).where(
            func.lower(Organization.name_vi) == name_vi.lower(), Organization.id != organization.id
        )
    ).first()
    if name_vi and name_taken is not None:
        errors["name_vi"] = Msg("This organization is already registered: choose it from the list.")
    validation.raise_if(errors)
    for field, value in values.items():
        setattr(organization, field, value)
    session.add(organization)
    audit.record(
        session, actor_id=user.id, action="update_organization", entity="organization", entity_id=organization.id
    )
    session.commit()
    return organization


def _website(errors: validation.Errors, form: Mapping[str, Any]) -> str | None:
    value = validation.text(errors, form, "website", max_len=200, required=False)
    bare = re.sub(r"^https?://", "", value, flags=re.IGNORECASE).rstrip("/")
    if bare and not re.fullmatch(r"[\w.-]+\.[a-z]{2,}(/[\w./%-]*)?", bare, flags=re.IGNORECASE):
        errors["website"] = Msg("Please enter a web address such as donvi.edu.vn.")
    return bare or None


def set_verified(session: Session, staff: User, organization: Organization, verified: bool) -> Organization:
    """Staff confirm (or withdraw) that an organization is who it says it is."""
    if not staff.is_staff:
        raise Forbidden()
    organization.verified = verified
    session.add(organization)
    audit.record(
        session,
        actor_id=staff.id,
        action="verify_organization" if verified else "unverify_organization",
        entity="organization",
        entity_id=organization.id,
    )
    session.commit()
    return organization
