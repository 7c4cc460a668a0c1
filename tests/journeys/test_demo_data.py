"""The journeys' public pages on the whole demo data set (read-only)."""

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, or_, select

from marketplace.models import Collaboration, Organization
from marketplace.profiles import TRACK_RECORD_STAGES
from tests.builders import page


def test_the_demo_experts_can_be_found_without_accents(seeded_client: TestClient) -> None:
    everyone = page(seeded_client.get("/experts")).select(".expert-card")
    found = [a.get_text() for a in page(seeded_client.get("/experts?q=duoc lieu")).select(".expert-card h2 a")]
    assert len(everyone) >= 20
    assert "PGS.TS. Trần Thị Minh Hạnh" in found and len(found) < len(everyone)


def test_demo_organizations_show_the_deals_that_reached_an_agreement(
    seeded_client: TestClient, seeded_engine: Engine
) -> None:
    with Session(seeded_engine) as session:
        org = session.exec(select(Organization).where(Organization.key == "hu-agri")).one()
        deals = session.exec(
            select(Collaboration).where(
                or_(Collaboration.provider_org_id == org.id, Collaboration.seeker_org_id == org.id)
            )
        ).all()
    signed = {d.title for d in deals if d.stage in TRACK_RECORD_STAGES}
    shown = page(seeded_client.get(f"/organizations/{org.id}")).select(".past-collaborations .row-title")
    assert signed and {s.get_text() for s in shown} == signed
