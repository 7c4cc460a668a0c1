"""Importing offers or needs from a spreadsheet: the template, the upload and its preview, the confirmation
(`marketplace.listing_import` holds the rules)."""

from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import listing_import, listing_sheet
from marketplace.errors import Invalid, NotFound
from marketplace.i18n import Msg, ngettext
from marketplace.models import User
from marketplace.models._base import utcnow
from marketplace.web.deps import Csrf, CurrentUser, FormLists, SessionDep
from marketplace.web.templating import render

router = APIRouter()
IMPORT_PATH = r"^/listings/import(/confirm)?$"  # BodyLimit lets these carry a file, or the preview's rows back
IMPORT_REQUEST_BYTES = listing_import.SEALED_MAX_BYTES + 1_000_000
MEDIA_TYPES = {"xlsx": listing_sheet.XLSX, "csv": "text/csv; charset=utf-8"}


def _page(
    request: Request,
    session: Session,
    user: User,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, Msg] | None = None,
    message: Msg | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    organizations = listing_import.organizations_for(session, user)
    form = form or {"kind": "offer", "organization_id": str(organizations[0].id) if len(organizations) == 1 else ""}
    context = {
        "form": form,
        "errors": errors or {},
        "message": message,
        "organizations": organizations,
        "organization_choices": [(str(o.id), o.name_vi) for o in organizations],
        "max_bytes": listing_sheet.MAX_BYTES,
        "max_rows": listing_sheet.MAX_ROWS,
        "flash": request.session.pop("flash", None),
    } | extra
    return render(request, "listing_import.html", context, status_code=status_code)


@router.get("/listings/import", name="listing_import")
def import_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _page(request, session, user)


@router.get("/listings/import/template-{kind}.{fmt}", name="listing_import_template")
def template(kind: str, fmt: str) -> Response:
    """The empty sheet to fill in, in the format asked for."""
    if kind not in listing_import.KINDS or fmt not in MEDIA_TYPES:
        raise NotFound()
    content = listing_sheet.template(listing_import.checked_kind(kind), fmt)
    name = f"mau-nhap-{'ket-qua' if kind == 'offer' else 'nhu-cau'}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-cache"}
    return Response(content, media_type=MEDIA_TYPES[fmt], headers=headers)


@router.post("/listings/import", name="listing_import_preview", dependencies=[Csrf])
def upload(
    request: Request, session: SessionDep, user: CurrentUser, submitted: FormLists, file: UploadFile | None = None
) -> Response:
    """The preview of an uploaded file: every row and its fate; nothing is written yet."""
    form = {key: values[-1] for key, values in submitted.items() if values and key != "file"}
    content = file.file.read(listing_sheet.MAX_BYTES + 1) if file is not None else b""
    filename = (file.filename or "") if file is not None else ""
    try:
        found = listing_import.preview(session, user, organization_id=form.get("organization_id"),
                                       kind=form.get("kind"), content=content, today=utcnow().date())  # fmt: skip
        sealed = listing_import.sealed(user, found, filename)
    except Invalid as exc:
        return _page(request, session, user, form=form, errors=exc.errors, message=exc.message, status_code=422)
    return _page(request, session, user, form=form, preview=found, sealed=sealed, filename=filename)


@router.post("/listings/import/confirm", name="listing_import_confirm", dependencies=[Csrf])
def confirm(request: Request, session: SessionDep, user: CurrentUser, submitted: FormLists) -> Response:
    """Create the previewed rows that are still valid and new, as drafts; back to the import page, told how it went."""
    try:
        head, rows = listing_import.unsealed(user, submitted.get("row", []))
        done = listing_import.confirm(session, user, organization_id=head["o"], kind=head["k"], rows=rows,
                                      today=utcnow().date(), filename=head["f"], token=head["t"])  # fmt: skip
    except Invalid as exc:
        return _page(request, session, user, message=exc.message, status_code=422)
    request.session["flash"] = _told(done)
    return RedirectResponse(request.url_for("listing_import").path, status_code=303)


def _told(done: listing_import.Imported) -> str:
    if done.already:
        return str(Msg("This file was imported already; nothing more was created."))
    told = [
        ngettext("%(num)d draft was created.", "%(num)d drafts were created.", len(done.created)),
        str(
            Msg(
                "The organization's members complete each draft and send it for review, as they do a listing they type in."
            )
        ),  # fmt: skip
    ]
    if done.duplicates:
        told.append(ngettext("%(num)d row was skipped: its title is already among the organization's listings.",
                             "%(num)d rows were skipped: their titles are already among the organization's listings.",
                             done.duplicates))  # fmt: skip
    if done.refused:
        told.append(ngettext("%(num)d row could no longer be imported.", "%(num)d rows could no longer be imported.", done.refused))  # fmt: skip
    return " ".join(told)
