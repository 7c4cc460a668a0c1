"""Builders and clients for the pipeline, dashboard, export and open-data tests."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from marketplace.collaborations import open_collaboration
from marketplace.models import Collaboration, Organization, User
from marketplace.models._base import utcnow
from tests.builders import log_in, make_org, make_user


def make_collab(session: Session, *, provider: Organization | None = None, seeker: Organization | None = None,
                broker: User | None = None, stage: str = "negotiating", days_in_stage: int = 3,
                **overrides: Any) -> Collaboration:  # fmt: skip
    """A collaboration opened `days_in_stage` days ago at `stage`, with overridable fields."""
    provider = provider or make_org(session)
    seeker = seeker or make_org(session, kind="enterprise", name_vi="Công ty CP Dược Medipharco-Tenamyd")
    collab = open_collaboration(
        session, provider_org_id=provider.id, seeker_org_id=seeker.id, stage=stage, actor_id=broker.id if broker else None,
        title=overrides.pop("title", "Chuyển giao quy trình chiết xuất tinh dầu tràm"),
        broker_id=broker.id if broker else None, sector_code=overrides.pop("sector_code", "medicinal"),
    )  # fmt: skip
    entered = utcnow() - timedelta(days=days_in_stage)
    collab.stage_entered_at = collab.created_at = entered
    for field, value in overrides.items():
        setattr(collab, field, value)
    session.add(collab)
    session.commit()
    return collab


@pytest.fixture
def staff(db: Session) -> User:
    return make_user(db, role="staff", email="can.bo@sokhcn.hue.gov.vn", full_name="Lê Thị Ngọc Ánh")


def client_for(app: FastAPI, user: User) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        assert log_in(client, user).status_code == 303
        yield client


@pytest.fixture
def staff_client(app: FastAPI, staff: User) -> Iterator[TestClient]:
    yield from client_for(app, staff)
