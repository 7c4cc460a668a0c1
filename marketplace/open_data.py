"""Published data for the city's other platforms: pages of offers, needs and organizations, and headline stats."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace import indicators, stats, stories, validation
from marketplace.errors import Invalid, NotFound
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
    where = _published_where(model, sector=sector, organization_id=organization_id)
    total = session.exec(select(func.count()).select_from(model).where(*where)).one()
    query = select(model).where(*where).order_by(col(model.published_at).desc(), col(model.id).desc())
    return total, list(session.exec(query.offset(offset).limit(limit)).all())


def published_all(session: Session, model: Any, *, sector: str | None) -> list[Any]:
    """Every published offer or need (optionally of one sector), newest first: the CSV download."""
    where = _published_where(model, sector=sector, organization_id=None)
    query = select(model).where(*where).order_by(col(model.published_at).desc(), col(model.id).desc())
    return list(session.exec(query).all())


def _published_where(model: Any, *, sector: str | None, organization_id: int | None) -> list[Any]:
    check_sector(sector)
    where = [model.status == ListingStatus.PUBLISHED]
    if sector:
        where.append(model.sector_code == sector)
    if organization_id:
        where.append(model.organization_id == organization_id)
    return where


def published_listing(session: Session, model: Any, listing_id: int) -> Any:
    """The offer or need if it is published; NotFound for drafts, submitted, rejected or archived ones alike."""
    listing = session.get(model, listing_id)
    if listing is None or listing.status != ListingStatus.PUBLISHED:
        raise NotFound()
    return listing


def organization(session: Session, organization_id: int) -> Organization:
    """One organization of the public directory, or NotFound."""
    found = session.get(Organization, organization_id)
    if found is None:
        raise NotFound()
    return found


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
    """What the exchange holds now: published offers and needs, organizations, published success stories."""

    def count(model: Any, *where: Any) -> int:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()

    return {
        "published_offers": count(Offer, Offer.status == ListingStatus.PUBLISHED),
        "published_needs": count(Need, Need.status == ListingStatus.PUBLISHED),
        "organizations": count(Organization),
        "published_stories": stories.count_published(session),
    }


@dataclass
class Overview:
    """The public headline figures of the open-data page."""

    stock: dict[str, int]
    by_sector: list[tuple[str, int, int]]
    by_kind: dict[str, int]
    pipeline: indicators.Indicators
    examples: dict[str, int | None]


def overview(session: Session, today: date) -> Overview:
    """Published offers and needs by sector, organizations by kind, and the pipeline of the last twelve months
    in aggregate (the figures /api/v1/stats gives by default; never one deal)."""
    gaps = indicators.supply_demand_gaps(session)
    kinds = stats.grouped(session, Organization.kind)
    return Overview(
        stock=stock(session),
        by_sector=[(code, offers, needs) for code, offers, needs, _unmatched in gaps if offers or needs],
        by_kind={k.value: kinds[k.value] for k in OrgKind if kinds.get(k.value)},
        pipeline=indicators.compute(session, indicators.default_period(today), indicators.Scope(), today),
        examples={"offer": _newest_id(session, Offer), "need": _newest_id(session, Need),
                  "organization": session.exec(select(func.min(Organization.id))).one()},
    )  # fmt: skip


def _newest_id(session: Session, model: Any) -> int | None:
    """The newest published record's id, for the page's example links."""
    rows = published_page(session, model, sector=None, organization_id=None, limit=1, offset=0)[1]
    return rows[0].id if rows else None
