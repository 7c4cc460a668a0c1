"""The audit log: who did what to which record."""

from typing import Any

from sqlmodel import Session

from marketplace.models import AuditLog


def record(
    session: Session, *, actor_id: int | None, action: str, entity: str, entity_id: int | None = None, **detail: Any
) -> None:
    """Add an audit entry to the current unit of work (committed with it)."""
    session.add(AuditLog(actor_id=actor_id, action=action, entity=entity, entity_id=entity_id, detail=detail))
