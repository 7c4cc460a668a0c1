"""Organizations: the directory, one organization's page, its profile and verification."""

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as default
from functools import lru_cache
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace import audit, open_data, validation
from marketplace.config import get_settings
from marketplace.db import paginate
from marketplace.errors import Forbidden, NotFound
from marketplace.i18n import Msg, sort_key
from marketplace.inquiries import org_name
from marketplace.memberships import can_decide, is_government
from marketplace.models import Need, Offer, Organization, OrgKind, User
from matching.text import TOKEN_PATTERN, begins_words, folded_words

DIRECTORY_PAGE_SIZE = 24
QUERY_MAX = 100


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


@dataclass(frozen=True)
class DirectoryEntry:
    """One card of the directory: the organization, its name in the reader's language, its published listings."""

    organization: Organization
    name: str
    offers: int = 0
    needs: int = 0


@dataclass(frozen=True)
class DirectoryPage:
    """One page of the directory, how many match in all, and how many of each kind (in the chosen ward) and of
    each ward (of the chosen kind) would match."""

    entries: list[DirectoryEntry]
    total: int
    page: int
    pages: int
    text: str
    kind: str
    ward: str
    kind_counts: dict[str, int]
    ward_counts: dict[str, int]
    in_any_ward: int  # with every ward, including organizations that give none
    problems: dict[str, Msg] = default(default_factory=dict)


def browse(
    session: Session, *, text: str = "", kind: str = "", ward: str = "", page: int = 1, language: str = "vi"
) -> DirectoryPage:
    """The directory filtered by words (with or without accents), kind and ward, by name; unusable filters are
    left out and explained in `problems`; a page past the end shows the last one."""
    everyone = list(session.exec(select(Organization)).all())
    text, kind, ward, problems = _usable_filters(everyone, text, kind, ward)
    ranked = _ranked(everyone, text, language)
    of_kind = [o for o in ranked if not kind or o.kind == kind]
    in_ward = [o for o in ranked if not ward or o.ward == ward]
    found = [o for o in of_kind if not ward or o.ward == ward]
    window = paginate(len(found), page, DIRECTORY_PAGE_SIZE)
    shown = found[window.offset : window.offset + DIRECTORY_PAGE_SIZE]
    counts = published_counts(session, [o.id for o in shown if o.id is not None])
    entries = [DirectoryEntry(o, org_name(o, language), *counts.get(o.id or 0, (0, 0))) for o in shown]
    return DirectoryPage(
        entries, len(found), window.number, window.pages, text, kind, ward,
        kind_counts=_in_order(Counter(o.kind for o in in_ward), [k.value for k in OrgKind]),
        ward_counts=_in_order(Counter(o.ward for o in of_kind if o.ward), sorted(ward_names(), key=sort_key)),
        in_any_ward=len(of_kind),
        problems=problems,
    )  # fmt: skip


def _in_order(counts: Counter[str], order: list[str]) -> dict[str, int]:
    """Counts in a fixed order (values outside it last, by name)."""
    rank = {value: i for i, value in enumerate(order)}
    return {v: counts[v] for v in sorted(counts, key=lambda v: (rank.get(v, len(rank)), sort_key(v)))}


def _usable_filters(
    everyone: list[Organization], text: str, kind: str, ward: str
) -> tuple[str, str, str, dict[str, Msg]]:
    problems: dict[str, Msg] = {}
    text = validation.text(problems, {"q": text}, "q", max_len=QUERY_MAX, required=False)
    if "q" in problems:
        text = ""
    if kind and kind not in {k.value for k in OrgKind}:
        problems["kind"] = Msg("This kind of organization is not known; organizations of every kind are shown.")
        kind = ""
    ward = validation.nfc(ward)
    if ward and ward not in {*ward_names(), *(o.ward for o in everyone)}:
        problems["ward"] = Msg("This ward or commune is not known; organizations in every ward are shown.")
        ward = ""
    return text, kind, ward, problems


def _ranked(organizations: Iterable[Organization], text: str, language: str) -> list[Organization]:
    """The organizations having every word of `text`: those whose name holds the words as typed first, then
    those whose name has every word, then the rest; by name in `language` within each group."""
    wanted = folded_words(text)
    words = TOKEN_PATTERN.findall(wanted)
    ranked = []
    for org in organizations:
        names = folded_words(f"{org.name_vi} {org.name_en}")
        everything = f"{names} {folded_words(f'{org.description_vi} {org.description_en} {org.ward}')}"
        if not begins_words(everything, words):
            continue
        group = 0 if wanted in names else 1 if begins_words(names, words) else 2
        ranked.append((group, sort_key(org_name(org, language)), org.id or 0, org))
    return [org for *_, org in sorted(ranked, key=lambda row: row[:3])]


def published_counts(session: Session, organization_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(published offers, published needs) of each organization: one grouped query per kind."""
    offers = open_data.published_counts(session, Offer, organization_ids)
    needs = open_data.published_counts(session, Need, organization_ids)
    return {i: (offers.get(i, 0), needs.get(i, 0)) for i in {*offers, *needs}}


def members_of(session: Session, parent_id: int) -> list[Organization]:
    """Member schools or institutes of a university or academy."""
    return list(
        session.exec(
            select(Organization).where(Organization.parent_id == parent_id).order_by(col(Organization.name_vi))
        ).all()
    )


def can_edit(session: Session, user: User | None, organization: Organization) -> bool:
    """Staff edit every organization's profile; its managers edit their own. These are the people who answer
    requests to join it, so a government body's profile is edited by staff only."""
    return user is not None and can_decide(session, user, organization)


def who_edits(organization: Organization) -> Msg:
    """Who may edit the organization's profile, for its page and for anyone else who tries."""
    if is_government(organization):
        return Msg("Only Department staff can edit the profile of a government body.")
    return Msg("Only the organization's managers or Department staff can edit this profile.")


def require_editor(session: Session, user: User, organization: Organization) -> None:
    """Forbidden, saying who may edit, unless `user` may edit the organization's profile."""
    if not can_edit(session, user, organization):
        raise Forbidden(who_edits(organization))


@lru_cache
def ward_names() -> tuple[str, ...]:
    """Huế's wards and communes (after 1/7/2025), for the ward field."""
    rows = json.loads((get_settings().SEED_DIR / "wards.json").read_text(encoding="utf-8"))
    return tuple(row["name"] for row in rows)


def update_profile(session: Session, user: User, organization: Organization, form: Mapping[str, Any]) -> Organization:
    """Change an organization's public profile (its managers or staff); only staff change its kind."""
    require_editor(session, user, organization)
    errors: validation.Errors = {}
    name_vi = validation.text(errors, form, "name_vi", max_len=200, min_len=3)
    values: dict[str, str | None] = {
        "name_vi": name_vi,
        "name_en": validation.text(errors, form, "name_en", max_len=200, required=False),
        "ward": validation.choice(errors, form, "ward", ward_names(), required=False) or "",
        "website": _website(errors, form),
        "description_vi": validation.text(errors, form, "description_vi", max_len=4000, required=False),
        "description_en": validation.text(errors, form, "description_en", max_len=4000, required=False),
    }
    if user.is_staff:
        values["kind"] = validation.choice(errors, form, "kind", [k.value for k in OrgKind]) or organization.kind
    name_taken = session.exec(
        select(Organization.id).where(
            func.lower(Organization.name_vi) == name_vi.lower(), Organization.id != organization.id
        )
    ).first()
    if name_vi and name_taken is not None:
        errors["name_vi"] = Msg("This organization is already registered: choose it from the list.")
    validation.raise_if(errors)
    for field, value in values.items():
        setattr(organization, field, value)
    session.add(organization)
    audit.record(
        session, actor_id=user.id, action="update_organization", entity="organization", entity_id=organization.id
    )
    session.commit()
    return organization


def _website(errors: validation.Errors, form: Mapping[str, Any]) -> str | None:
    value = validation.text(errors, form, "website", max_len=200, required=False)
    bare = re.sub(r"^https?://", "", value, flags=re.IGNORECASE).rstrip("/")
    if bare and not re.fullmatch(r"[\w.-]+\.[a-z]{2,}(/[\w./%-]*)?", bare, flags=re.IGNORECASE):
        errors["website"] = Msg("Please enter a web address such as donvi.edu.vn.")
    return bare or None


def set_verified(session: Session, staff: User, organization: Organization, verified: bool) -> Organization:
    """Staff confirm (or withdraw) that an organization is who it says it is."""
    if not staff.is_staff:
        raise Forbidden()
    organization.verified = verified
    session.add(organization)
    audit.record(
        session,
        actor_id=staff.id,
        action="verify_organization" if verified else "unverify_organization",
        entity="organization",
        entity_id=organization.id,
    )
    session.commit()
    return organization
