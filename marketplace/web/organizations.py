"""The directory (/organizations); managers edit their organization's profile; staff verify organizations."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from marketplace import labels, organizations
from marketplace.errors import Invalid
from marketplace.i18n import Msg, current_locale
from marketplace.models import Organization
from marketplace.web.deps import Csrf, CurrentUser, FormData, OptionalUser, PageNumber, SessionDep, StaffUser
from marketplace.web.templating import render

router = APIRouter()


@router.get("/organizations", name="organization_list")
def organization_list(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    q: str = "",
    kind: str = "",
    ward: str = "",
    page: PageNumber = 1,
) -> Response:
    """The directory; only its results (with fresh filter counts) when htmx asks as the reader types."""
    found = organizations.browse(session, text=q, kind=kind, ward=ward, page=page, language=current_locale.get())
    fragment = request.headers.get("hx-target") == "results" and not request.headers.get("hx-history-restore-request")
    chosen = {"q": found.text, "kind": found.kind, "ward": found.ward}
    context = {
        "found": found, "q": q, "query": {k: v for k, v in chosen.items() if v},
        "page": found.page, "pages": found.pages, "list_route": "organization_list", "fragment": fragment,
    }  # fmt: skip
    block = "results" if fragment else None
    return render(request, "organizations.html", context, block=block, status_code=422 if found.problems else 200)


FIELDS = ("name_vi", "name_en", "ward", "website", "description_vi", "description_en", "kind")


def _edit_context(organization: Organization, form: dict[str, str], errors: dict[str, Msg]) -> dict[str, object]:
    return {
        "organization": organization, "form": form, "errors": errors,
        "ward_choices": [(w, w) for w in organizations.ward_names()],
        "kind_choices": labels.options("org_kind"),
    }  # fmt: skip


@router.get("/organizations/{organization_id}/edit", name="organization_edit")
def organization_edit(request: Request, session: SessionDep, user: CurrentUser, organization_id: int) -> Response:
    organization = organizations.get_organization(session, organization_id)
    organizations.require_editor(session, user, organization)
    form = {f: str(getattr(organization, f) or "") for f in FIELDS}
    return render(request, "organization_edit.html", _edit_context(organization, form, {}))


@router.post("/organizations/{organization_id}/edit", name="organization_update", dependencies=[Csrf])
def organization_update(
    request: Request, session: SessionDep, user: CurrentUser, organization_id: int, form: FormData
) -> Response:
    organization = organizations.get_organization(session, organization_id)
    try:
        organizations.update_profile(session, user, organization, form)
    except Invalid as exc:
        session.refresh(organization)
        context = _edit_context(organization, form, exc.errors) | {"message": exc.message}
        return render(request, "organization_edit.html", context, status_code=422)
    request.session["flash"] = str(Msg("The organization's profile has been saved."))
    return RedirectResponse(
        request.url_for("organization_detail", organization_id=organization_id).path, status_code=303
    )


@router.post("/organizations/{organization_id}/verify", name="organization_verify", dependencies=[Csrf])
def organization_verify(
    request: Request, session: SessionDep, staff: StaffUser, organization_id: int, form: FormData
) -> Response:
    organization = organizations.get_organization(session, organization_id)
    organizations.set_verified(session, staff, organization, form.get("verified") == "1")
    return RedirectResponse(
        request.url_for("organization_detail", organization_id=organization_id).path, status_code=303
    )
