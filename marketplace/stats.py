"""Counts of what the exchange holds, for operators (`python -m marketplace stats`)."""

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from marketplace.models import Collaboration, Need, Offer, Organization, Stage, User


def grouped(session: Session, column: Any) -> dict[str, int]:
    """How many rows hold each value of `column`."""
    rows = session.exec(select(column, func.count()).group_by(column)).all()
    return {str(value): count for value, count in sorted(rows)}


def counts(session: Session) -> dict[str, Any]:
    """Organizations, users by role, offers and needs by status, collaborations by stage."""
    stages = grouped(session, Collaboration.stage)
    return {
        "organizations": session.exec(select(func.count()).select_from(Organization)).one(),
        "users": grouped(session, User.role),
        "offers": grouped(session, Offer.status),
        "needs": grouped(session, Need.status),
        "commissioned_needs": session.exec(select(func.count()).select_from(Need).where(Need.commissioned)).one(),  # type: ignore[arg-type]
        "collaborations": {stage.value: stages.get(stage.value, 0) for stage in Stage},
    }
