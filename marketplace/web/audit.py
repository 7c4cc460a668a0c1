"""The Department reads the audit log: who did what, when; filtered, paged and exported as CSV."""

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import URL

from marketplace import audit, exports
from marketplace.errors import Invalid
from marketplace.i18n import N_, Msg, gettext
from marketplace.labels import label
from marketplace.listing_forms import FIELD_LABELS
from marketplace.web.deps import PageNumber, SessionDep, StaffUser
from marketplace.web.templating import is_htmx, render, route_names

router = APIRouter()
PAGES = {  # the page that shows each kind of record, and its path parameter
    "offer": ("offer_detail", "offer_id"),
    "need": ("need_detail", "need_id"),
    "organization": ("organization_detail", "organization_id"),
    "collaboration": ("collaboration_detail", "collab_id"),
    "expert": ("expert_detail", "expert_id"),
}


def link_to(request: Request, subject: audit.Subject) -> URL | None:
    """The URL of the page that shows the entry's record, if it has one."""
    if subject.page is None:
        return None
    kind, record_id = subject.page
    route, param = PAGES[kind]
    return request.url_for(route, **{param: record_id}) if route in route_names(request.app) else None


@router.get("/audit", name="audit_log")
def audit_log(request: Request, session: SessionDep, staff: StaffUser, page: PageNumber = 1) -> Response:
    filters, errors = audit.parse_filters(session, request.query_params)
    found = audit.log_page(session, filters, page=page)
    context = {
        "found": found,
        "entries": found.entries,
        "page": found.page,
        "pages": found.pages,
        "filters": filters,
        "query": filters.params(),
        "errors": errors,
        "form": dict(request.query_params),
        # a date box cannot hold what is not a date: such values are shown as typed, in a text box
        "typed_dates": {
            f for f in ("since", "until") if request.query_params.get(f) and not _iso_date(request.query_params[f])
        },
        "entities": [(e, audit.entity_label(e)) for e in audit.ENTITIES],
        "actor_choices": [(audit.SYSTEM, gettext("system"))] + [(u.id, u.full_name) for u in audit.actors(session)],
        "entity_label": audit.entity_label,
        "link_to": lambda subject: link_to(request, subject),
        "can_export": "audit_export" in route_names(request.app),
    }
    block = "results" if is_htmx(request) and not request.headers.get("hx-boosted") else None
    return render(request, "audit.html", context, block=block, status_code=422 if errors else 200)


@router.get("/audit/export.csv", name="audit_export")
def audit_export(request: Request, session: SessionDep, staff: StaffUser) -> Response:
    filters, errors = audit.parse_filters(session, request.query_params)
    if errors:
        raise Invalid(errors, Msg("This export could not be made: please check the period and filters."))
    headers = [gettext("When"), gettext("Who"), gettext("E-mail"), gettext("What"), gettext("Record"),
               gettext("Number"), gettext("Name"), gettext("Removed"), gettext("Details")]  # fmt: skip
    sheet = exports.Sheet(gettext("Audit log"), headers, [_row(e) for e in audit.all_entries(session, filters)])
    disposition = {"Content-Disposition": 'attachment; filename="hue-audit-log.csv"'}
    return Response(exports.to_csv([sheet]), media_type=exports.MEDIA_TYPES["csv"], headers=disposition)


def _row(entry: audit.Entry) -> list[Any]:
    log, actor, subject = entry.log, entry.actor, entry.subject
    return [
        log.at,
        actor.full_name if actor else gettext("system"),
        actor.email if actor else "",
        entry.text,
        audit.entity_label(log.entity),
        log.entity_id,
        subject.name,
        gettext("yes") if subject.removed else "",
        details(log.detail or {}),
    ]


COLLABORATION_FIELDS = {
    "title": N_("Title"),
    "next_action": N_("Next action"),
    "next_action_due": N_("Next action due"),
    "broker_id": N_("Broker"),
    "contract_type": N_("Contract type"),
    "contract_value_vnd": N_("Contract value"),
    "st_task_code": N_("S&T task code"),
    "st_task_level": N_("S&T task level"),
}
SAID_ELSEWHERE = {"to_status"}  # the "What" column already names the action


def details(detail: dict[str, Any]) -> str:
    """An entry's details as a reader says them: stage moves and changed fields by their names, notes."""
    parts = []
    if detail.get("from_stage") or detail.get("to_stage"):
        parts.append(f"{label('stage', detail.get('from_stage'))} → {label('stage', detail.get('to_stage'))}".strip())
    if detail.get("fields"):
        names = [gettext(COLLABORATION_FIELDS.get(f) or FIELD_LABELS.get(f) or f) for f in detail["fields"]]
        parts.append(gettext("Fields changed: %(names)s", names=", ".join(names)))
    if detail.get("note"):
        parts.append(gettext("Note: %(text)s", text=detail["note"]))
    if detail.get("role"):
        parts.append(label("role", detail["role"]))
    said = {"from_stage", "to_stage", "fields", "note", "role", *SAID_ELSEWHERE}
    parts += [f"{k}={v}" for k, v in sorted(detail.items()) if k not in said and v not in (None, "", [])]
    return "; ".join(parts)


def _iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
