"""Open data: the published success stories of collaborations (`marketplace.stories`), never a draft, one waiting
for consent or a withdrawn one; the contract value only where both parties chose to show it."""

from datetime import date, datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from marketplace import open_data, stories
from marketplace.api.v1 import Limit, Offset, OrgId, Page, Sector
from marketplace.i18n import local_time
from marketplace.models import Organization
from marketplace.models._base import ident
from marketplace.web.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["open data"])


class PartyOut(BaseModel):
    id: int
    name_vi: str
    name_en: str
    url: str


class ResultOut(BaseModel):
    """A collaboration's success story, published with the consent of a manager of each of its two organizations."""

    id: int
    headline: str
    text: str = Field(description="What was transferred and what it changed.")
    provider: PartyOut | None = Field(description="The organization that provided the technology.")
    seeker: PartyOut | None = Field(description="The organization that took it up.")
    sector: str | None
    stage: str = Field(description="The stage the collaboration reached: `agreement_signed`, `implementing` or "
                       "`commercialized`.")  # fmt: skip
    signed_on: date | None = Field(description="When the agreement was signed.")
    contract_value_vnd: int | None = Field(description="Null unless both parties chose to publish it.")
    published_at: datetime | None
    url: str


@router.get("/results", response_model=Page[ResultOut], summary="Published success stories of collaborations")
def list_results(request: Request, session: SessionDep, limit: Limit = 20, offset: Offset = 0, sector: Sector = None,
                 organization_id: OrgId = None) -> Page[ResultOut]:  # fmt: skip
    """Newest first; filter by sector or by one of the two organizations."""
    open_data.check_sector(sector)
    total = stories.count_published(session, sector=sector, organization_id=organization_id)
    shown = stories.published(session, sector=sector, organization_id=organization_id, limit=limit, offset=offset)
    return Page(total=total, limit=limit, offset=offset, items=[_out(request, s) for s in shown])


def _party(request: Request, org: Organization | None) -> PartyOut | None:
    if org is None:
        return None
    return PartyOut(id=ident(org), name_vi=org.name_vi, name_en=org.name_en or "",
                    url=str(request.url_for("organization_detail", organization_id=org.id)))  # fmt: skip


def _out(request: Request, s: stories.Shown) -> ResultOut:
    c = s.collaboration
    return ResultOut(
        id=s.story.id or 0, headline=s.story.headline, text=s.story.text, provider=_party(request, s.provider),
        seeker=_party(request, s.seeker), sector=c.sector_code, stage=c.stage,
        signed_on=local_time(c.signed_at).date() if c.signed_at else None, contract_value_vnd=stories.shown_value(s),
        published_at=s.story.published_at, url=str(request.url_for("result_detail", story_id=s.story.id)),
    )  # fmt: skip
