"""The directory (/organizations); managers edit their organization's profile; staff verify organizations."""

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import labels, logos, organizations
from marketplace.errors import Invalid
from marketplace.i18n import Msg, current_locale
from marketplace.models import Organization
from marketplace.web.deps import (
    Csrf,
    CurrentUser,
    FormData,
    OptionalUser,
    PageNumber,
    RecordId,
    SessionDep,
    StaffUser,
)
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
    shown = {e.organization.id for e in found.entries if e.organization.id}
    context = {
        "found": found, "q": q, "logos": logos.versions(session, shown), "query": {k: v for k, v in chosen.items() if v},
        "page": found.page, "pages": found.pages, "list_route": "organization_list", "fragment": fragment,
    }  # fmt: skip
    block = "results" if fragment else None
    return render(request, "organizations.html", context, block=block, status_code=422 if found.problems else 200)


FIELDS = ("name_vi", "name_en", "ward", "website", "description_vi", "description_en", "kind")


def _edit_context(
    session: Session, organization: Organization, form: dict[str, str], errors: dict[str, Msg]
) -> dict[str, object]:
    return {
        "organization": organization, "form": form, "errors": errors,
        "logo": logos.versions(session, {organization.id or 0}).get(organization.id or 0),
        "ward_choices": [(w, w) for w in organizations.ward_names()],
        "kind_choices": labels.options("org_kind"),
    }  # fmt: skip


def _as_saved(organization: Organization) -> dict[str, str]:
    """The profile form filled with what is saved."""
    return {f: str(getattr(organization, f) or "") for f in FIELDS}


def _to_organization(request: Request, organization_id: int, told: Msg | None = None) -> Response:
    """Back to the organization's page after a change, with what was done (if anything is to be said)."""
    if told is not None:
        request.session["flash"] = str(told)
    return RedirectResponse(request.url_for("organization_detail", organization_id=organization_id).path, 303)


@router.get("/organizations/{organization_id}/edit", name="organization_edit")
def organization_edit(request: Request, session: SessionDep, user: CurrentUser, organization_id: int) -> Response:
    organization = organizations.get_organization(session, organization_id)
    organizations.require_editor(session, user, organization)
    return render(request, "organization_edit.html", _edit_context(session, organization, _as_saved(organization), {}))


@router.post("/organizations/{organization_id}/edit", name="organization_update", dependencies=[Csrf])
def organization_update(
    request: Request, session: SessionDep, user: CurrentUser, organization_id: int, form: FormData
) -> Response:
    organization = organizations.get_organization(session, organization_id)
    try:
        organizations.update_profile(session, user, organization, form)
    except Invalid as exc:
        session.refresh(organization)
        context = _edit_context(session, organization, form, exc.errors) | {"message": exc.message}
        return render(request, "organization_edit.html", context, status_code=422)
    return _to_organization(request, organization_id, Msg("The organization's profile has been saved."))


@router.post("/organizations/{organization_id}/verify", name="organization_verify", dependencies=[Csrf])
def organization_verify(
    request: Request, session: SessionDep, staff: StaffUser, organization_id: int, form: FormData
) -> Response:
    organization = organizations.get_organization(session, organization_id)
    organizations.set_verified(session, staff, organization, form.get("verified") == "1")
    return _to_organization(request, organization_id)


LOGO_PATH = r"^/organizations/\d+/logo$"  # BodyLimit lets it carry a picture (LOGO_REQUEST_BYTES)
LOGO_REQUEST_BYTES = 3 * logos.MAX_BYTES


@router.post("/organizations/{organization_id}/logo", name="organization_logo_upload", dependencies=[Csrf])
def organization_logo_upload(
    request: Request, session: SessionDep, user: CurrentUser, organization_id: RecordId, logo: UploadFile | None = None
) -> Response:
    organization = organizations.get_organization(session, organization_id)
    organizations.require_editor(session, user, organization)
    content = logo.file.read(logos.MAX_BYTES + 1) if logo is not None else b""
    try:
        logos.set_logo(session, user, organization, content)
    except Invalid as exc:
        context = _edit_context(session, organization, _as_saved(organization), {}) | {"logo_errors": exc.errors}
        return render(request, "organization_edit.html", context, status_code=422)
    return _to_organization(request, organization_id, Msg("The logo is saved."))


@router.post("/organizations/{organization_id}/logo/delete", name="organization_logo_delete", dependencies=[Csrf])
def organization_logo_delete(
    request: Request, session: SessionDep, user: CurrentUser, organization_id: RecordId
) -> Response:
    organization = organizations.get_organization(session, organization_id)
    logos.remove_logo(session, user, organization)
    return _to_organization(request, organization_id, Msg("The logo is removed."))


@router.get("/organizations/{organization_id}/logo.png", name="organization_logo")
def organization_logo(session: SessionDep, organization_id: RecordId, v: str | None = None) -> Response:
    """The logo; an address with the logo's version (`v`) may be kept a year, as a new logo gets a new one."""
    logo = logos.get(session, organization_id)
    kept = "public, max-age=31536000, immutable" if v == logos.version(logo.updated_at) else "public, max-age=300"
    return Response(logo.content, media_type="image/png", headers={"cache-control": kept})
