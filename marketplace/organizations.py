"""Organizations: the directory, one organization's page, the register form's choices."""

from sqlmodel import Session, col, select

from marketplace.errors import NotFound
from marketplace.models import Organization


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
