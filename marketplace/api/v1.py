"""Open data for the city's other platforms (Hue-S, open data portal): read-only, published records only."""

from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from marketplace import attachments, exports, indicators, listing_translations, open_data
from marketplace.errors import Invalid
from marketplace.i18n import TIMEZONE
from marketplace.models import Need, Offer, Organization
from marketplace.web.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["open data"])
Item = TypeVar("Item")
Limit = Annotated[int, Query(ge=1, le=100, description="How many records to return (1–100).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="How many records to skip.")]
Sector = Annotated[str | None, Query(max_length=30, description="Sector code, e.g. `medicinal`.")]
OrgId = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Only this organization's records.")]
# A record id in the path; one that cannot exist (0, junk, beyond 32 bits) answers 404 like an unknown one.
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The record's number.")]


class ErrorOut(BaseModel):
    """An error: a message, and one message per field for bad parameters."""

    detail: str
    errors: dict[str, str] | None = None


NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such record, or it is not published."}
}
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with a header row (the fields of the JSON items)."}
}


class Page(BaseModel, Generic[Item]):
    """One page of results and how many there are in all."""

    total: int = Field(description="Number of records matching the query.")
    limit: int
    offset: int
    items: list[Item]


class TranslationOut(BaseModel):
    """The owner's own translation of a listing's title and summary into the other language."""

    language: str = Field(
        description="The translation's language: `en` for a Vietnamese listing, `vi` for an English one."
    )
    title: str
    summary: str | None = Field(description="Null when only the title is translated.")


TRANSLATION = "The owner's translation into the other language than `language`; null when there is none."


class OfferOut(BaseModel):
    """A published technology offer (chào bán công nghệ)."""

    id: int
    title: str
    summary: str
    sector: str
    organization_id: int
    organization: str
    trl: int = Field(description="Technology readiness level, 1–9.")
    ip_status: str
    collaboration_types: list[str]
    keywords: list[str]
    language: str
    translation: TranslationOut | None = Field(description=TRANSLATION)
    published_at: datetime | None
    url: str


class NeedOut(BaseModel):
    """A published technology need or commissioned problem (nhu cầu / đặt hàng)."""

    id: int
    title: str
    problem: str
    sector: str
    organization_id: int
    organization: str
    min_trl: int | None
    budget_min_vnd: int | None
    budget_max_vnd: int | None
    deadline: date | None
    commissioned: bool
    funding_note: str | None
    st_task_code: str | None
    st_task_level: str | None
    keywords: list[str]
    language: str
    translation: TranslationOut | None = Field(description=TRANSLATION)
    published_at: datetime | None
    url: str


class AttachmentOut(BaseModel):
    """A file shown with a published listing: a technology profile, a test report, a picture."""

    title: str
    filename: str
    media_type: str
    size: int = Field(description="Bytes.")
    contacts_only: bool = Field(description="Opened only by organizations whose inquiry the owner accepted.")
    url: str | None = Field(description="Where to download it; null for a file kept for contacts.")


class OfferDetailOut(OfferOut):
    attachments: list[AttachmentOut]


class NeedDetailOut(NeedOut):
    attachments: list[AttachmentOut]


class OrganizationOut(BaseModel):
    """An organization of Huế's innovation ecosystem."""

    id: int
    name_vi: str
    name_en: str
    kind: str
    parent_id: int | None
    ward: str
    website: str | None
    verified: bool
    published_offers: int
    published_needs: int
    url: str


class StatsOut(BaseModel):
    """Headline indicators: the stock now and the flows of a period."""

    period_from: date
    period_to: date
    published_offers_now: int
    published_needs_now: int
    organizations: int
    offers_published: int = Field(description="Offers published during the period.")
    needs_published: int = Field(description="Needs published during the period.")
    proposals: int
    inquiries: int
    acceptance_rate: float | None = Field(description="Accepted share of answered inquiries, 0–1.")
    median_reply_hours: float | None
    meetings_held: int = Field(description="Meetings of collaborations held (started and marked held) in the period.")
    published_stories_now: int = Field(
        description="Success stories of collaborations public now (published with both parties' consent; "
        "`/api/v1/results` lists them)."
    )
    collaborations_by_stage: dict[str, int]
    agreements_signed: int
    total_contract_value_vnd: int
    commercialized: int


def _published(
    request: Request,
    session: Session,
    kind: str,
    out: Any,
    *,
    limit: int,
    offset: int,
    sector: str | None,
    organization_id: int | None,
) -> Any:
    """One page of published offers or needs, shaped as `out`, with their organization and page address."""
    model = Offer if kind == "offer" else Need
    total, rows = open_data.published_page(session, model, sector=sector, organization_id=organization_id,
                                           limit=limit, offset=offset)  # fmt: skip
    return Page(total=total, limit=limit, offset=offset, items=_listings_out(request, session, kind, out, rows))


def _listings_out(request: Request, session: Session, kind: str, out: Any, rows: list[Any]) -> list[Any]:
    """Published offers or needs shaped as `out`, with their organization's name and page address."""
    orgs = open_data.names(session, {r.organization_id for r in rows})
    return [
        out(**r.model_dump(include=set(out.model_fields)), sector=r.sector_code, organization=orgs.get(r.organization_id, ""),
            translation=listing_translations.as_json(r), url=str(request.url_for(f"{kind}_detail", **{f"{kind}_id": r.id})))
        for r in rows
    ]  # fmt: skip


def _organizations_out(request: Request, session: Session, rows: list[Organization]) -> list[OrganizationOut]:
    """Organizations with how many published offers and needs each has."""
    ids = [r.id for r in rows if r.id]
    offers, needs = open_data.published_counts(session, Offer, ids), open_data.published_counts(session, Need, ids)
    return [
        OrganizationOut(**r.model_dump(include=set(OrganizationOut.model_fields)), published_offers=offers.get(r.id or 0, 0),
                        published_needs=needs.get(r.id or 0, 0),
                        url=str(request.url_for("organization_detail", organization_id=r.id)))
        for r in rows
    ]  # fmt: skip


def _csv(request: Request, session: Session, kind: str, out: Any, sector: str | None) -> Response:
    """Every published offer or need as CSV: the JSON items' fields, lists joined with "; ", times in ISO 8601."""
    rows = open_data.published_all(session, Offer if kind == "offer" else Need, sector=sector)
    fields = list(out.model_fields)
    sheet = exports.Sheet(kind, fields)
    for item in _listings_out(request, session, kind, out, rows):
        sheet.rows.append([_csv_value(getattr(item, f)) for f in fields])
    today = datetime.now(TIMEZONE).date().isoformat()
    headers = {"Content-Disposition": f'attachment; filename="hue-{kind}s-{today}.csv"'}
    return Response(exports.to_csv([sheet]), media_type=exports.MEDIA_TYPES["csv"], headers=headers)


def _csv_value(value: Any) -> Any:
    if isinstance(value, BaseModel):  # the translation: its JSON in one cell
        return value.model_dump_json()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, datetime):  # SQLite gives back naive UTC
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


@router.get("/offers", response_model=Page[OfferOut], summary="Published technology offers")
def list_offers(request: Request, session: SessionDep, limit: Limit = 20, offset: Offset = 0, sector: Sector = None,
                organization_id: OrgId = None) -> Page[OfferOut]:  # fmt: skip
    return _published(request, session, "offer", OfferOut, limit=limit, offset=offset, sector=sector,
                      organization_id=organization_id)  # fmt: skip


@router.get("/needs", response_model=Page[NeedOut], summary="Published technology needs and commissioned problems")
def list_needs(request: Request, session: SessionDep, limit: Limit = 20, offset: Offset = 0, sector: Sector = None,
               organization_id: OrgId = None) -> Page[NeedOut]:  # fmt: skip
    return _published(request, session, "need", NeedOut, limit=limit, offset=offset, sector=sector,
                      organization_id=organization_id)  # fmt: skip


@router.get("/organizations", response_model=Page[OrganizationOut], summary="Organizations")
def list_organizations(request: Request, session: SessionDep, limit: Limit = 20, offset: Offset = 0,
                       kind: Annotated[str | None, Query(max_length=30)] = None) -> Page[OrganizationOut]:  # fmt: skip
    total, rows = open_data.organizations_page(session, kind=kind, limit=limit, offset=offset)
    return Page(total=total, limit=limit, offset=offset, items=_organizations_out(request, session, rows))


@router.get("/offers.csv", response_class=Response, responses=CSV, summary="All published technology offers as CSV")
def offers_csv(request: Request, session: SessionDep, sector: Sector = None) -> Response:
    return _csv(request, session, "offer", OfferOut, sector)


@router.get("/needs.csv", response_class=Response, responses=CSV, summary="All published technology needs as CSV")
def needs_csv(request: Request, session: SessionDep, sector: Sector = None) -> Response:
    return _csv(request, session, "need", NeedOut, sector)


@router.get(
    "/offers/{offer_id}", response_model=OfferDetailOut, responses=NOT_FOUND, summary="One published technology offer"
)
def get_offer(request: Request, session: SessionDep, offer_id: ItemId) -> OfferDetailOut:
    offer = open_data.published_listing(session, Offer, offer_id)
    out = _listings_out(request, session, "offer", OfferOut, [offer])[0]
    return OfferDetailOut(**out.model_dump(), attachments=_attachments_out(request, session, offer))


@router.get(
    "/needs/{need_id}", response_model=NeedDetailOut, responses=NOT_FOUND, summary="One published technology need"
)
def get_need(request: Request, session: SessionDep, need_id: ItemId) -> NeedDetailOut:
    need = open_data.published_listing(session, Need, need_id)
    out = _listings_out(request, session, "need", NeedOut, [need])[0]
    return NeedDetailOut(**out.model_dump(), attachments=_attachments_out(request, session, need))


def _attachments_out(request: Request, session: Session, listing: Offer | Need) -> list[AttachmentOut]:
    """The listing's files as the public sees them: a file kept for contacts is named, without its address."""
    return [
        AttachmentOut(title=a.title, filename=a.filename, media_type=a.media_type, size=a.size,
                      contacts_only=not shown.may_open,
                      url=str(request.url_for("attachment_file", attachment_id=a.id, filename=a.filename))
                      if shown.may_open else None)
        for shown in attachments.of_listing(session, listing, None)
        for a in [shown.attachment]
    ]  # fmt: skip


@router.get("/organizations/{organization_id}", response_model=OrganizationOut, responses=NOT_FOUND,
            summary="One organization")  # fmt: skip
def get_organization(request: Request, session: SessionDep, organization_id: ItemId) -> OrganizationOut:
    return _organizations_out(request, session, [open_data.organization(session, organization_id)])[0]


@router.get("/stats", response_model=StatsOut, summary="Headline indicators for a period")
def stats(session: SessionDep, sector: Sector = None,
          start: Annotated[str | None, Query(alias="from", max_length=10, description="YYYY-MM-DD; default a year ago")] = None,
          end: Annotated[str | None, Query(alias="to", max_length=10, description="YYYY-MM-DD; default today")] = None,
          ) -> StatsOut:  # fmt: skip
    return _stats(session, {"from": start or "", "to": end or "", "sector": sector or ""})


def _stats(session: Session, params: dict[str, str]) -> StatsOut:
    today = datetime.now(TIMEZONE).date()
    period, errors = indicators.parse_period(params, today)
    scope, scope_errors = indicators.parse_scope(session, params)
    if errors or scope_errors:
        raise Invalid(errors | scope_errors)
    f = indicators.compute(session, period, scope, today)
    now = open_data.stock(session)
    return StatsOut(
        period_from=period.start, period_to=period.end, published_offers_now=now["published_offers"],
        published_needs_now=now["published_needs"], organizations=now["organizations"],
        offers_published=f.offers_published, needs_published=f.needs_published, proposals=f.proposals,
        inquiries=f.inquiries, acceptance_rate=f.acceptance_rate, median_reply_hours=f.median_reply_hours,
        meetings_held=f.meetings_held, published_stories_now=now["published_stories"], collaborations_by_stage=dict(f.by_stage), agreements_signed=f.agreements_signed,
        total_contract_value_vnd=f.contract_value_vnd, commercialized=f.commercialized,
    )  # fmt: skip
