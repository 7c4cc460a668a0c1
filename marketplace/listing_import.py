"""Importing many offers or needs at once from a spreadsheet (`listing_sheet` reads it), for an organization
arriving with its list of research results or technology needs.

A manager of an organization imports for it, Department staff for any organization. An upload gives a
`Preview`: each row will be created as a draft, or is skipped as a title the organization already has, or is
refused with a message per cell; the rows are checked by `listing_forms.parse`, the rules of the form. Nothing
is written until the importer confirms: the rows to create travel back signed (`sealed` / `unsealed`), so no
table holds half-done imports, and are checked again. Confirming creates them as drafts in one unit of work
with one audit entry; their organization then completes each one and sends it for review as usual.
"""

import argparse
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, select

from marketplace import audit, form_tokens, listing_forms, listing_sheet, memberships, publishing, validation
from marketplace.cli import command
from marketplace.config import get_settings
from marketplace.errors import Forbidden, Invalid
from marketplace.i18n import Msg, sort_key
from marketplace.listing_forms import Kind
from marketplace.models import ListingEvent, Need, Offer, Organization, User
from marketplace.models._base import utcnow

KINDS: tuple[Kind, ...] = ("offer", "need")
PREVIEW_SECONDS = 3600  # a preview left open longer is uploaded again
SEALED_MAX_BYTES = 6_000_000  # what a confirmation may carry back (the route's request limit is a little higher)
IMPORT_ENTITY = "listing_import"  # what a spent one-time token of a confirmation created


@dataclass
class Row:
    """One row of the sheet and its fate: "create" (a draft), "duplicate" (skipped) or "refused" (problems)."""

    line: int
    title: str
    fate: str
    problems: list[tuple[str, str, Msg]] = field(default_factory=list)  # (cell, field label, message)
    values: dict[str, Any] = field(default_factory=dict)  # the form values read from the row
    parsed: dict[str, Any] = field(default_factory=dict)  # the model values of a row to create


@dataclass
class Preview:
    """What confirming the upload would do, row by row."""

    kind: Kind
    organization: Organization
    rows: list[Row]
    ignored: list[str]  # columns no key matched, left aside

    def count(self, fate: str) -> int:
        return sum(1 for row in self.rows if row.fate == fate)


@dataclass(frozen=True)
class Imported:
    """What a confirmation did."""

    created: list[Offer | Need]
    duplicates: int
    refused: int
    already: bool = False  # the same confirmation sent twice: the first one created them


def may_import(session: Session, user: User, organization_id: int | None) -> bool:
    """Staff import for any organization, its managers for their own."""
    return user.is_staff or (
        organization_id is not None
        and user.organization_id == organization_id
        and memberships.is_manager(session, user)
    )


def importable_organization(session: Session, user: User | None, organization_id: object) -> Organization:
    """The organization to import for, checked: `user` None is an operator on the command line."""
    wanted = str(organization_id or "")
    found = session.get(Organization, int(wanted)) if wanted.isdigit() and len(wanted) < 10 else None
    if found is None:
        if user is not None and not user.is_staff:
            raise Forbidden(Msg("Only a manager of the organization, or Department staff, can import its listings."))
        raise Invalid({"organization_id": Msg("Please choose one option.")})
    if user is not None and not may_import(session, user, found.id):
        raise Forbidden(Msg("Only a manager of the organization, or Department staff, can import its listings."))
    return found


def checked_kind(kind: object) -> Kind:
    if kind not in KINDS:
        raise Invalid({"kind": Msg("Please choose one option.")})
    return "offer" if kind == "offer" else "need"


def preview(
    session: Session, user: User | None, *, organization_id: object, kind: object, content: bytes, today: date
) -> Preview:
    """The fate of every row of an uploaded file; nothing is written. Every problem of the form is named at once."""
    errors: dict[str, Msg] = {}
    organization = sheet = None
    try:
        organization = importable_organization(session, user, organization_id)
    except Invalid as exc:
        errors |= exc.errors
    try:
        sheet = listing_sheet.read(checked_kind(kind), content)
    except Invalid as exc:
        errors |= exc.errors
    validation.raise_if(errors)
    assert organization is not None and sheet is not None
    sure_kind = checked_kind(kind)
    return Preview(sure_kind, organization, _judged(session, sure_kind, organization, sheet, today), sheet.ignored)


def _judged(
    session: Session, kind: Kind, organization: Organization, sheet: listing_sheet.Sheet, today: date
) -> list[Row]:
    """Each row parsed as the form parses it, then compared with the organization's titles and earlier rows."""
    held = _titles(session, kind, organization)
    seen: dict[str, int] = {}
    rows = []
    for line, values, problems in sheet.rows:
        errors = dict(problems)
        try:
            parsed = listing_forms.parse(kind, values, strict=False, today=today, staff=False)
        except Invalid as exc:
            errors = exc.errors | problems  # a value the sheet could not read says so, not "choose an option"
        title = validation.one_line(values.get("title"))
        row = Row(line, title, "refused" if errors else "create", values=values)
        order = listing_forms.FORM_ORDER
        for name in sorted(errors, key=lambda n: order.get(n, len(order))):
            label = listing_forms.field_label(name) if name in listing_forms.FIELD_LABELS else name
            row.problems.append((sheet.cell(name, line), label, errors[name]))
        if not errors:
            key = _title_key(parsed["title"])
            if key in held or key in seen:
                row.fate = "duplicate"
            else:
                seen[key] = line
                row.parsed = parsed
        rows.append(row)
    return rows


def _titles(session: Session, kind: Kind, organization: Organization) -> set[str]:
    model = Offer if kind == "offer" else Need
    query = select(model.title).where(model.organization_id == organization.id)
    return {_title_key(title) for title in session.exec(query)}


def _title_key(title: str) -> str:
    return " ".join(validation.one_line(title).casefold().split())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().SECRET_KEY, salt="listing-import")


def sealed(user: User, found: Preview, filename: str | None) -> list[str]:
    """The preview's rows to create, each signed for this user, organization, kind and upload: the first entry
    says which, the others are the rows. Raises Invalid when they are too large to come back in one request."""
    token = form_tokens.new_token()
    head = {"u": user.id, "o": found.organization.id, "k": found.kind, "t": token, "f": (filename or "")[:120]}
    serializer = _serializer()
    parts = [serializer.dumps(head)]
    parts += [serializer.dumps({"t": token, "l": r.line, "v": r.values}) for r in found.rows if r.fate == "create"]
    if sum(map(len, parts)) > SEALED_MAX_BYTES:
        raise Invalid({"file": Msg("The listings of this file are too long to import at once; split it.")})
    return parts


def unsealed(user: User, parts: list[str]) -> tuple[dict[str, Any], list[tuple[int, dict[str, Any]]]]:
    """The upload and rows `sealed` gave this user; Invalid when they expired or were not ours."""
    expired = Invalid({}, Msg("This preview is more than an hour old. Please upload the file again."))
    serializer = _serializer()
    try:
        loaded = [serializer.loads(part, max_age=PREVIEW_SECONDS) for part in parts]
    except SignatureExpired:
        raise expired from None
    except BadSignature:
        raise Invalid({}, Msg("This preview cannot be read. Please upload the file again.")) from None
    if not loaded or not isinstance(loaded[0], dict) or loaded[0].get("u") != user.id:
        raise Invalid({}, Msg("This preview cannot be read. Please upload the file again."))
    head = loaded[0]
    rows = [(int(r["l"]), dict(r["v"])) for r in loaded[1:] if isinstance(r, dict) and r.get("t") == head["t"]]
    return head, rows


def confirm(
    session: Session,
    user: User | None,
    *,
    organization_id: object,
    kind: object,
    rows: list[tuple[int, dict[str, Any]]],
    today: date,
    filename: str = "",
    token: object = None,
) -> Imported:
    """Create the rows that are still valid and new as drafts of the organization, in one unit of work."""
    organization, sure_kind = importable_organization(session, user, organization_id), checked_kind(kind)
    actor = user.id if user is not None else None
    spent = form_tokens.usable(token)
    earlier = form_tokens.created_by(session, spent, user_id=actor, entity=IMPORT_ENTITY)
    if earlier is not None:
        return Imported([], 0, 0, already=True)
    sheet = listing_sheet.Sheet(columns={}, rows=[(line, values, {}) for line, values in rows])
    judged = _judged(session, sure_kind, organization, sheet, today)
    created: list[Offer | Need] = []
    for row in judged:
        if row.fate == "create":
            values = row.parsed | {"organization_id": organization.id, "owner_id": actor}
            created.append(Offer(**values) if sure_kind == "offer" else Need(**values))
    session.add_all(created)
    session.flush()
    for listing in created:
        event = ListingEvent(listing_kind=sure_kind, listing_id=publishing.id_of(listing), actor_id=actor,
                             action="created", note=filename[:200] or None, to_status="draft")  # fmt: skip
        session.add(event)
    imported = Imported(created, sum(r.fate == "duplicate" for r in judged), sum(r.fate == "refused" for r in judged))
    audit.record(session, actor_id=actor, action="listing.import", entity="organization", entity_id=organization.id,
                 kind=sure_kind, created=len(created), duplicates=imported.duplicates, refused=imported.refused,
                 file=filename[:200])  # fmt: skip
    form_tokens.spend(session, spent, user_id=actor, entity=IMPORT_ENTITY, entity_id=len(created))
    session.commit()
    for listing in created:
        publishing.after_listing_change(session, sure_kind, publishing.id_of(listing))
    return imported


def organizations_for(session: Session, user: User) -> list[Organization]:
    """The organizations `user` may import for, by name."""
    if user.is_staff:
        return sorted(session.exec(select(Organization)), key=lambda o: sort_key(o.name_vi))
    own = session.get(Organization, user.organization_id) if user.organization_id else None
    return [own] if own is not None and may_import(session, user, own.id) else []


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="an XLSX or UTF-8 CSV file in the template's format")
    parser.add_argument("--organization", type=int, required=True, help="the id of the organization they belong to")
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--dry-run", action="store_true", help="print what would happen, create nothing")


@command("import-listings", "create draft offers or needs of an organization from a spreadsheet", _arguments)
def import_command(args: argparse.Namespace) -> int:
    """The same per-row report as the web preview, then (without --dry-run) the drafts created."""
    from marketplace.db import session_scope

    today = utcnow().date()
    with session_scope() as session:
        try:
            found = preview(session, None, organization_id=args.organization, kind=args.kind,
                            content=args.file.read_bytes(), today=today)  # fmt: skip
        except Invalid as exc:
            print("\n".join(str(message) for message in (exc.errors or {"": exc.message}).values()), file=sys.stderr)
            return 1
        for row in found.rows:
            print(f"{row.line}\t{row.fate}\t{row.title}")
            for cell, label, message in row.problems:
                print(f"\t{cell or '-'}\t{label}: {message}")
        print(
            f"create: {found.count('create')}, duplicates: {found.count('duplicate')}, refused: {found.count('refused')}"
        )
        if args.dry_run:
            return 0
        rows = [(row.line, row.values) for row in found.rows if row.fate == "create"]
        done = confirm(session, None, organization_id=args.organization, kind=args.kind, rows=rows, today=today,
                       filename=args.file.name)  # fmt: skip
    print(f"drafts created: {len(done.created)}")
    return 0
