"""Organizations' logos: uploaded by those who edit the organization's profile, shown on its page and in the
directory.

An upload is read as a picture from its bytes (PNG, JPEG or WebP, up to MAX_BYTES), turned upright, shrunk
to fit SIZE × SIZE pixels and saved again as PNG, so that whatever was sent, what is served is a small
picture without metadata. Its address carries the time of the last change (`version`), so browsers may keep
it for a year and still see a new logo at once.
"""

import io
from datetime import datetime

import filetype
from sqlmodel import Session, col, select

from marketplace import attachments, audit, organizations
from marketplace.errors import Invalid, NotFound
from marketplace.i18n import Msg
from marketplace.models import Organization, OrganizationLogo, User
from marketplace.models._base import aware, ident, utcnow

MAX_BYTES = 2_000_000
SIZE = 256
TYPES = ("image/png", "image/jpeg", "image/webp")


def prepared(content: bytes) -> bytes:
    """The logo as it will be served (PNG, at most SIZE × SIZE), or Invalid under "logo"."""
    if not content:
        raise Invalid({"logo": Msg("Please choose a picture of the logo.")})
    if len(content) > MAX_BYTES:
        limit, size = attachments.human_size(MAX_BYTES), attachments.human_size(len(content))
        raise Invalid({"logo": Msg("This picture is %(size)s; a logo may be at most %(max)s.", size=size, max=limit)})
    media_type = filetype.guess_mime(content)
    if media_type not in TYPES:
        raise Invalid({"logo": Msg("A logo must be a PNG, JPEG or WebP picture.")})
    image = attachments.upright_image(content, media_type, field="logo").convert("RGBA")
    image.thumbnail((SIZE, SIZE))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def set_logo(session: Session, user: User, organization: Organization, content: bytes) -> OrganizationLogo:
    """Give the organization a new logo (those who edit its profile)."""
    organizations.require_editor(session, user, organization)
    picture = prepared(content)
    logo = session.get(OrganizationLogo, organization.id)
    if logo is None:
        logo = OrganizationLogo(organization_id=ident(organization), content=picture, updated_by_id=user.id)
    else:
        logo.content, logo.updated_at, logo.updated_by_id = picture, utcnow(), user.id
    session.add(logo)
    audit.record(
        session, actor_id=user.id, action="organization.logo", entity="organization", entity_id=organization.id
    )
    session.commit()
    return logo


def remove_logo(session: Session, user: User, organization: Organization) -> None:
    organizations.require_editor(session, user, organization)
    logo = session.get(OrganizationLogo, organization.id)
    if logo is not None:
        session.delete(logo)
        audit.record(
            session,
            actor_id=user.id,
            action="organization.logo_removed",
            entity="organization",
            entity_id=organization.id,
        )
        session.commit()


def get(session: Session, organization_id: int) -> OrganizationLogo:
    logo = session.get(OrganizationLogo, organization_id)
    if logo is None:
        raise NotFound()
    return logo


def versions(session: Session, organization_ids: set[int]) -> dict[int, str]:
    """For each of these organizations that has a logo, the version its address carries."""
    if not organization_ids:
        return {}
    found = session.exec(
        select(OrganizationLogo.organization_id, OrganizationLogo.updated_at).where(
            col(OrganizationLogo.organization_id).in_(organization_ids)
        )
    ).all()
    return {org_id: version(moment) for org_id, moment in found}


def version(moment: datetime) -> str:
    return str(int(aware(moment).timestamp() * 1_000_000))  # two uploads in one second still differ
