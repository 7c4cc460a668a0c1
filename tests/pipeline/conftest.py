"""Builders and clients for the pipeline, dashboard, export and open-data tests."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from marketplace.collaborations import open_collaboration
from marketplace.inquiries import express_interest
from marketplace.inquiry_answers import accept_inquiry
from marketplace.models import Collaboration, ExpertiseProfile, Inquiry, Organization, User
from marketplace.models._base import utcnow
from tests.builders import log_in, make_offer, make_org, make_user

INQUIRY_MESSAGE = "Công ty cần quy trình chưng cất tinh dầu tràm ổn định cho lô xuất khẩu năm 2027."


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


def accepted_inquiry(session: Session, *, kind: str = "offer") -> tuple[Collaboration, Inquiry, User, User]:
    """An enterprise asks about an institute's offer (or its researcher as an expert) and the researcher accepts:
    the collaboration that opens, the inquiry, the asker and the researcher."""
    institute = make_org(session, name_vi="Viện Công nghệ Sinh học Huế")
    company = make_org(session, kind="enterprise", name_vi="Công ty CP Dược Huế Xanh")
    researcher = make_user(session, institute, full_name="TS. Nguyễn Thị Diệu Linh")
    asker = make_user(session, company, role="enterprise", full_name="Trần Văn Phước")
    target = make_offer(session, institute, owner_id=researcher.id).id
    if kind == "expert":
        session.add(ExpertiseProfile(user_id=researcher.id, keywords=["tinh dầu tràm"], summary="Hóa dược."))
        session.commit()
        target = researcher.id
    inquiry = express_interest(session, sender=asker, listing_kind=kind, listing_id=target, message=INQUIRY_MESSAGE)
    accept_inquiry(session, inquiry_id=inquiry.id, user=researcher)
    collab = session.exec(select(Collaboration).where(Collaboration.inquiry_id == inquiry.id)).one()
    return collab, inquiry, asker, researcher


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
