"""Collaborations in the pipeline: opening, moving through stages, editing, notes, and who sees them."""

from sqlmodel import Session

from marketplace import audit
from marketplace.models import Collaboration, Stage, StageChange
from marketplace.models._base import utcnow

STAGES: tuple[str, ...] = tuple(s.value for s in Stage)


def open_collaboration(
    session: Session,
    *,
    provider_org_id: int,
    seeker_org_id: int,
    title: str,
    stage: str,
    actor_id: int | None,
    offer_id: int | None = None,
    need_id: int | None = None,
    inquiry_id: int | None = None,
    broker_id: int | None = None,
    sector_code: str | None = None,
    note: str | None = None,
) -> Collaboration:
    """Add a collaboration with its first stage change (its note is the history entry's); flushes, the caller commits."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    now = utcnow()
    collab = Collaboration(
        title=title[:200],
        provider_org_id=provider_org_id,
        seeker_org_id=seeker_org_id,
        offer_id=offer_id,
        need_id=need_id,
        inquiry_id=inquiry_id,
        broker_id=broker_id,
        sector_code=sector_code,
        stage=stage,
        stage_entered_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(collab)
    session.flush()
    assert collab.id is not None
    session.add(
        StageChange(collaboration_id=collab.id, actor_id=actor_id, at=now, from_stage=None, to_stage=stage, note=note)
    )
    audit.record(
        session,
        actor_id=actor_id,
        action="collaboration.open",
        entity="collaboration",
        entity_id=collab.id,
        stage=stage,
    )
    session.flush()
    return collab
