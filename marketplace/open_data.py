"""Published data for the city's other platforms: pages of offers, needs and organizations, and headline stats."""

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace import validation
from marketplace.errors import Invalid
from marketplace.i18n import Msg
from marketplace.labels import sector_options
from marketplace.models import ListingStatus, Need, Offer, Organization, OrgKind


def check_sector(sector: str | None) -> None:
    """Refuse a sector code that is not in the taxonomy."""
    if sector and sector not in {code for code, _name in sector_options()}:
        raise Invalid({"sector": Msg("Please choose one of the options offered.")})


def published_page(session: Session, model: Any, *, sector: str | None, organization_id: int | None,
                   limit: int, offset: int) -> tuple[int, list[Any]]:  # fmt: skip
    """(total, one page) of published offers or needs, newest first."""
    check_sector(sector)
    where = [model.status == ListingStatus.PUBLISHED]
    if sector:
        where.append(model.sector_code == sector)
    if organization_id:
        where.append(model.organization_id == organization_id)
    total = session.exec(select(func.count()).select_from(model).where(*where)).one()
    query = select(model).where(*where).order_by(col(model.published_at).desc(), col(model.id).desc())
    return total, list(session.exec(query.offset(offset).limit(limit)).all())


def organizations_page(
    session: Session, *, kind: str | None, limit: int, offset: int
) -> tuple[int, list[Organization]]:
    """(total, one page) of organizations by name."""
    errors: validation.Errors = {}
    validation.choice(errors, {"kind": kind or ""}, "kind", [k.value for k in OrgKind], required=False)
    validation.raise_if(errors)
    where = [Organization.kind == kind] if kind else []
    total = session.exec(select(func.count()).select_from(Organization).where(*where)).one()
    query = select(Organization).where(*where).order_by(col(Organization.name_vi), col(Organization.id))
    return total, list(session.exec(query.offset(offset).limit(limit)).all())


def published_counts(session: Session, model: Any, organization_ids: list[int]) -> dict[int, int]:
    """Published listings of one kind per organization."""
    if not organization_ids:
        return {}
    rows = session.exec(
        select(model.organization_id, func.count())
        .where(model.status == ListingStatus.PUBLISHED, col(model.organization_id).in_(organization_ids))
        .group_by(model.organization_id)
    ).all()
    return dict(rows)


def names(session: Session, ids: set[int]) -> dict[int, str]:
    """Organization names (Vietnamese) by id."""
    if not ids:
        return {}
    return {o.id: o.name_vi for o in session.exec(select(Organization).where(col(Organization.id).in_(ids))) if o.id}


def stock(session: Session) -> dict[str, int]:
    """What the exchange holds now: published offers and needs, organizations."""

    def count(model: Any, *where: Any) -> int:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()

    return {
        "published_offers": count(Offer, Offer.status == ListingStatus.PUBLISHED),
        "published_needs": count(Need, Need.status == ListingStatus.PUBLISHED),
        "organizations": count(Organization),
    }
