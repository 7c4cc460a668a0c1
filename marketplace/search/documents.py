"""Search documents: one flat row per offer, need, organization and expert, built from the domain records.

Every backend indexes these same rows: SQLite FTS5 and PostgreSQL read the `search_document` table
directly; Meilisearch receives them as JSON. The table is created by a migration, outside the models.
"""

import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text
from sqlmodel import Session, col, select

from marketplace.i18n import catalog
from marketplace.labels import LABELS
from marketplace.models import ExpertiseProfile, ListingAttachment, Need, Offer, Organization, Role, Sector, User

KINDS = ("offer", "need", "organization", "expert")
LISTING_KINDS = ("offer", "need")
MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters: never in real text, survive HTML escaping

metadata = MetaData()
search_document = Table(
    "search_document",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("organization_id", Integer),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("keywords", Text, nullable=False),
    Column("org_name", Text, nullable=False),
    Column("body", Text, nullable=False),
    # The names of its sector, organisation kind and ward, in both languages: found by them, ranked
    # far below the text (a category says less than words the author chose), never shown as a snippet.
    Column("labels", Text, nullable=False),
    Column("language", String(5)),  # a listing's own language ("vi", "en"): pages mark its text with it
    # The owner's translation of a listing into the other language, shown to its readers (migration 0023); it is
    # searched through `keywords` (the title) and `body` (the summary), so the full-text indexes do not change.
    Column("translated_title", Text),
    Column("translated_summary", Text),
    Column("org_name_vi", String(200)),
    Column("org_name_en", String(200)),
    Column("sector_code", String(30)),
    Column("trl", Integer),
    Column("trl_range", String(5)),
    Column("ip_status", String(30)),
    Column("collaboration_types", String(300), nullable=False),
    Column("org_kind", String(30)),
    Column("ward", String(80)),
    Column("published_ts", BigInteger),
    Column("confirmed_ts", BigInteger),
)

Document = dict[str, Any]
Key = tuple[str, int]


def timestamp(moment: datetime | None) -> int | None:
    """Seconds since the epoch (naive values are UTC, as SQLite returns them)."""
    if moment is None:
        return None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def trl_range(trl: int | None) -> str | None:
    """The TRL band a level falls in: research (1-3), development (4-6), deployment (7-9)."""
    if trl is None:
        return None
    return "1-3" if trl <= 3 else "4-6" if trl <= 6 else "7-9"


def pipes(values: Iterable[str] | None) -> str:
    """A multi-valued field as one string, "|licence|consulting|", that LIKE '%|licence|%' can filter."""
    values = list(values or [])
    return f"|{'|'.join(values)}|" if values else ""


def _clean(*parts: str | None) -> str:
    """Non-empty parts joined by line breaks, composed (NFC), without the highlight markers."""
    text = unicodedata.normalize("NFC", "\n".join(p.strip() for p in parts if p and p.strip()))
    return text.replace(MARK_START, "").replace(MARK_END, "")


def _both_languages(vocabulary: str, value: str | None) -> str:
    """A label in English and Vietnamese, so either language finds it."""
    english = LABELS.get(vocabulary, {}).get(value or "")
    if not english:
        return ""
    vietnamese = catalog("vi").get(english)
    return _clean(english, vietnamese if isinstance(vietnamese, str) else None)


def _base(kind: str, entity_id: int, org: Organization | None, **values: Any) -> Document:
    doc: Document = {
        "kind": kind,
        "entity_id": entity_id,
        "status": "published",
        "organization_id": org.id if org else None,
        "title": "",
        "summary": "",
        "keywords": "",
        "body": "",
        "labels": "",
        "language": None,
        "translated_title": None,
        "translated_summary": None,
        "org_name": _clean(org.name_vi, org.name_en) if org else "",
        "org_name_vi": org.name_vi if org else None,
        "org_name_en": (org.name_en or None) if org else None,
        "sector_code": None,
        "trl": None,
        "trl_range": None,
        "ip_status": None,
        "collaboration_types": "",
        "org_kind": org.kind if org else None,
        "ward": (org.ward or None) if org else None,
        "published_ts": None,
        "confirmed_ts": None,
    }
    doc.update(values)
    for field in ("title", "summary", "keywords", "body", "labels"):
        doc[field] = _clean(doc[field])
    return doc


def _listing(
    kind: str,
    listing: Offer | Need,
    org: Organization | None,
    sectors: dict[str, Sector],
    summary: str,
    body: list[str | None],
    trl: int | None,
    ip_status: str | None,
    files: Iterable[str] = (),
) -> Document:
    """`files`: the titles of its files shown to everyone, searched with its keywords (short words its
    authors chose, weighed above the description: the cajeput offer's "Hồ sơ công nghệ" is found by them);
    so is the owner's translated title, and the translated summary with the body ("cajeput oil" finds the
    Vietnamese offer that has an English title)."""
    sector = sectors.get(listing.sector_code)
    assert listing.id is not None
    return _base(
        kind,
        listing.id,
        org,
        status=listing.status,
        organization_id=listing.organization_id,
        title=listing.title,
        language=listing.language,
        translated_title=listing.translated_title or None,
        translated_summary=(listing.translated_summary or None) if listing.translated_title else None,
        summary=summary,
        keywords="\n".join([*(listing.keywords or []), *files, listing.translated_title or ""]),
        body=_clean(*body, listing.translated_summary),
        labels=_clean(sector.name_vi if sector else None, sector.name_en if sector else None),
        sector_code=listing.sector_code,
        trl=trl,
        trl_range=trl_range(trl),
        ip_status=ip_status,
        collaboration_types=pipes(listing.collaboration_types),
        published_ts=timestamp(listing.published_at),
        confirmed_ts=timestamp(listing.confirmed_at or listing.published_at) if listing.published_at else None,
    )


def offer_document(
    offer: Offer, org: Organization | None, sectors: dict[str, Sector], files: Iterable[str] = ()
) -> Document:
    body = [
        offer.description,
        offer.applications,
        offer.advantages,
        offer.species,
        offer.latin_name,
        offer.plant_part,
        offer.active_compounds,
        offer.standard,
        offer.ocop,
    ]
    return _listing("offer", offer, org, sectors, offer.summary, body, offer.trl, offer.ip_status, files)


def need_document(
    need: Need, org: Organization | None, sectors: dict[str, Sector], files: Iterable[str] = ()
) -> Document:
    body = [need.desired_outcome, need.constraints, need.funding_note]
    return _listing("need", need, org, sectors, need.problem, body, need.min_trl, None, files)


def organization_document(org: Organization, parent: Organization | None) -> Document:
    assert org.id is not None
    doc = _base(
        "organization",
        org.id,
        parent,
        title=org.name_vi,
        summary=org.description_vi,
        body=_clean(org.name_en, org.description_en),
        labels=_clean(org.ward, _both_languages("org_kind", org.kind)),
        published_ts=timestamp(org.created_at),
    )
    # Its own names to show (an English page shows name_en); the parent's names stay searchable in `org_name`.
    own = {"org_name_vi": org.name_vi, "org_name_en": org.name_en or None}
    return doc | own | {"organization_id": org.id, "org_kind": org.kind, "ward": org.ward or None}


def expert_document(user: User, profile: ExpertiseProfile, org: Organization | None) -> Document:
    assert user.id is not None
    return _base(
        "expert",
        user.id,
        org,
        status="published" if user.is_active else "hidden",
        title=user.full_name,
        summary=profile.summary,
        keywords="\n".join(profile.keywords or []),
        body=_clean(*(profile.publications or []), *(profile.projects or [])),
        published_ts=timestamp(profile.updated_at),
    )


def build(session: Session, kind: str, ids: Iterable[int]) -> dict[int, Document]:
    """The current documents of records of one kind; ids without a searchable record are left out."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    if kind in LISTING_KINDS:
        return _build_listings(session, Offer if kind == "offer" else Need, wanted)
    if kind == "organization":
        found = session.exec(select(Organization).where(col(Organization.id).in_(wanted))).all()
        parents = _organizations(session, {o.parent_id for o in found if o.parent_id})
        return {o.id: organization_document(o, parents.get(o.parent_id or 0)) for o in found if o.id}
    rows = session.exec(
        select(User, ExpertiseProfile)
        .join(ExpertiseProfile, col(ExpertiseProfile.user_id) == User.id)
        .where(col(User.id).in_(wanted), User.role == Role.RESEARCHER)
    ).all()
    orgs = _organizations(session, {u.organization_id for u, _ in rows if u.organization_id})
    return {u.id: expert_document(u, p, orgs.get(u.organization_id or 0)) for u, p in rows if u.id}


def _build_listings(session: Session, model: type[Offer] | type[Need], ids: list[int]) -> dict[int, Document]:
    listings: list[Any] = list(session.exec(select(model).where(col(model.id).in_(ids))).all())
    orgs = _organizations(session, {x.organization_id for x in listings})
    sectors = {s.code: s for s in session.exec(select(Sector)).all()}
    files = shown_file_titles(session, "offer" if model is Offer else "need", ids)
    make: Any = offer_document if model is Offer else need_document
    return {x.id: make(x, orgs.get(x.organization_id), sectors, files.get(x.id, [])) for x in listings if x.id}


def shown_file_titles(session: Session, kind: str, ids: list[int]) -> dict[int, list[str]]:
    """The titles of the listings' files the Department approved for everyone, oldest first, by listing id:
    a file for contacts, or one waiting for review, keeps its title out of search."""
    query = (
        select(ListingAttachment.listing_id, ListingAttachment.title)
        .where(
            ListingAttachment.listing_kind == kind,
            col(ListingAttachment.listing_id).in_(ids),
            col(ListingAttachment.approved).is_(True),
            ListingAttachment.audience == "public",
        )
        .order_by(col(ListingAttachment.id))
    )
    titles: dict[int, list[str]] = {}
    for listing_id, title in session.exec(query).all():
        titles.setdefault(listing_id, []).append(title)
    return titles


def _organizations(session: Session, ids: set[int | None]) -> dict[int, Organization]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    return {o.id: o for o in session.exec(select(Organization).where(col(Organization.id).in_(wanted))).all() if o.id}


def related_to_organization(session: Session, organization_id: int) -> set[Key]:
    """Documents that show an organization's name: its own, its listings', its experts' and its members'."""
    keys: set[Key] = {("organization", organization_id)}
    for kind, model in (("offer", Offer), ("need", Need)):
        keys |= {(kind, i) for i in session.exec(select(model.id).where(model.organization_id == organization_id)) if i}
    keys |= {("expert", i) for i in session.exec(select(User.id).where(User.organization_id == organization_id)) if i}
    keys |= {
        ("organization", i)
        for i in session.exec(select(Organization.id).where(Organization.parent_id == organization_id))
        if i
    }
    return keys


def all_ids(session: Session, kind: str) -> list[int]:
    """Ids of every record of one kind that may have a document (for a full re-index)."""
    if kind == "expert":
        return [i for i in session.exec(select(ExpertiseProfile.user_id))]
    model: Any = {"offer": Offer, "need": Need, "organization": Organization}[kind]
    return [i for i in session.exec(select(model.id).order_by(model.id)) if i]
