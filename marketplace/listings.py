"""Offers and needs: who may see them, and the queries pages are built from."""

from typing import TypeVar, cast

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace.db import Paging, paginate
from marketplace.errors import NotFound
from marketplace.models import ListingStatus, Need, Offer, Organization, User

Listing = TypeVar("Listing", Offer, Need)
MODELS: dict[str, type[Offer] | type[Need]] = {"offer": Offer, "need": Need}


def can_manage(user: User | None, listing: Offer | Need) -> bool:
    """Staff, and members of the owning organization, manage a listing."""
    return user is not None and (user.is_staff or user.organization_id == listing.organization_id)


def can_view(user: User | None, listing: Offer | Need) -> bool:
    """Published listings are public; the rest only to those who manage them."""
    return listing.status == ListingStatus.PUBLISHED or can_manage(user, listing)


def get_visible(session: Session, model: type[Listing], listing_id: int, user: User | None) -> Listing:
    """The listing if this reader may see it, else NotFound (its existence is not revealed)."""
    listing = session.get(model, listing_id)
    if listing is None or not can_view(user, listing):
        raise NotFound()
    return listing


def latest_published(session: Session, model: type[Listing], limit: int = 6) -> list[Listing]:
    """The most recently published listings of one kind."""
    query = (
        select(model)
        .where(model.status == ListingStatus.PUBLISHED)
        .order_by(col(model.published_at).desc(), col(model.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def commissioned_problems(session: Session, limit: int = 4) -> list[Need]:
    """The Department's published commissioned problems (đặt hàng), newest first."""
    query = (
        select(Need)
        .where(Need.status == ListingStatus.PUBLISHED, col(Need.commissioned).is_(True))
        .order_by(col(Need.published_at).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def published_of(session: Session, model: type[Listing], organization_id: int) -> list[Listing]:
    """An organization's published listings of one kind."""
    query = (
        select(model)
        .where(model.organization_id == organization_id, model.status == ListingStatus.PUBLISHED)
        .order_by(col(model.published_at).desc())
    )
    return list(session.exec(query).all())


def published_by_organization(
    session: Session, model: type[Offer] | type[Need]
) -> list[tuple[Organization, list[Offer | Need]]]:
    """Every published listing of one kind, grouped by organization (by name), newest first in each group."""
    query = (
        select(model, Organization)
        .join(Organization, col(Organization.id) == model.organization_id)
        .where(model.status == ListingStatus.PUBLISHED)
        .order_by(col(Organization.name_vi), col(Organization.id), col(model.published_at).desc(), col(model.id))
    )
    groups: dict[int | None, tuple[Organization, list[Offer | Need]]] = {}
    for listing, organization in session.exec(query).all():
        groups.setdefault(organization.id, (organization, []))[1].append(cast(Offer | Need, listing))
    return list(groups.values())


def count_published(session: Session, model: type[Offer] | type[Need]) -> int:
    return session.exec(select(func.count()).select_from(model).where(model.status == ListingStatus.PUBLISHED)).one()


def organizations_by_id(session: Session, ids: set[int]) -> dict[int, Organization]:
    """Organizations keyed by id, for showing who owns a list of listings."""
    if not ids:
        return {}
    return {o.id: o for o in session.exec(select(Organization).where(col(Organization.id).in_(ids))).all() if o.id}


def published_page(
    session: Session, model: type[Offer] | type[Need], *, sector: str | None, page: int, per_page: int = 20
) -> tuple[list[Offer | Need], int, Paging]:
    """One page of published listings (optionally of one sector), newest first, how many there are in all,
    and where the page lies (a page past the end shows the last one)."""
    where = [model.status == ListingStatus.PUBLISHED] + ([model.sector_code == sector] if sector else [])
    total = session.exec(select(func.count()).select_from(model).where(*where)).one()
    window = paginate(total, page, per_page)
    query = (
        select(model)
        .where(*where)
        .order_by(col(model.published_at).desc(), col(model.id).desc())
        .offset(window.offset)
        .limit(per_page)
    )
    return cast(list[Offer | Need], list(session.exec(query).all())), total, window
