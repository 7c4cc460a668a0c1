"""Researchers' expertise profiles: the directory (/experts) and one profile (/experts/{id})."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from marketplace import listings, profiles, validation
from marketplace.models import Need, Offer
from marketplace.web.deps import OptionalUser, RecordId, SessionDep
from marketplace.web.templating import is_htmx, render

router = APIRouter()


@router.get("/experts", name="expert_list")
def expert_list(request: Request, session: SessionDep, user: OptionalUser, q: str = "") -> Response:
    errors: validation.Errors = {}
    validation.text(errors, {"q": q}, "q", max_len=profiles.QUERY_MAX, required=False)
    experts = profiles.expert_directory(session, q if not errors else "")
    context = {"experts": experts, "q": q, "errors": errors}
    block = "results" if is_htmx(request) else None
    return render(request, "experts.html", context, block=block, status_code=422 if errors else 200)


@router.get("/experts/{expert_id}", name="expert_detail")
def expert_detail(request: Request, session: SessionDep, user: OptionalUser, expert_id: RecordId) -> Response:
    expert = profiles.get_expert(session, expert_id)
    org_id = expert.user.organization_id
    context = {
        "expert": expert,
        "offers": listings.published_of(session, Offer, org_id) if org_id else [],
        "needs": listings.published_of(session, Need, org_id) if org_id else [],
        "past_deals": profiles.past_collaborations(session, org_id) if org_id else [],
    }
    return render(request, "expert.html", context)
