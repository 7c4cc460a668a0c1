"""The Department reads the audit log: who did what, when."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from marketplace import audit
from marketplace.web.deps import SessionDep, StaffUser
from marketplace.web.templating import render

router = APIRouter()
ENTITIES = ("offer", "need", "organization", "collaboration", "inquiry", "matchproposal", "user")


@router.get("/audit", name="audit_log")
def audit_log(
    request: Request,
    session: SessionDep,
    staff: StaffUser,
    entity: Annotated[str | None, Query(max_length=30)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    chosen = entity if entity in ENTITIES else None
    found, total = audit.entries(session, entity=chosen, page=page)
    pages = max(1, -(-total // audit.PAGE_SIZE))
    context = {
        "entries": found,
        "total": total,
        "page": min(page, pages),
        "pages": pages,
        "entity": chosen,
        "entities": [(e, audit.entity_label(e)) for e in ENTITIES],
        "entity_label": audit.entity_label,
    }
    return render(request, "audit.html", context)
