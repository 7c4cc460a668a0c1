"""Files of offers and needs: adding and removing them on the listing's page, the Department approving those
added to published listings, and opening them (`marketplace.attachments` says who may do what)."""

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from marketplace import attachments, listings, publishing
from marketplace.errors import Invalid, NotFound
from marketplace.i18n import Msg
from marketplace.listing_forms import Kind
from marketplace.web.deps import Csrf, CurrentUser, FormData, OptionalUser, RecordId, SessionDep, StaffUser
from marketplace.web.files import file_response, preview_response
from marketplace.web.pages import listing_page

router = APIRouter()
UPLOAD_PATH = r"^/(offers|needs)/\d+/attachments$"  # BodyLimit lets these carry a file (UPLOAD_REQUEST_BYTES)
UPLOAD_REQUEST_BYTES = 3 * attachments.MAX_BYTES  # a file somewhat over the limit still reaches the form's message


def _upload_route(kind: Kind) -> None:
    @router.post(f"/{kind}s/{{listing_id}}/attachments", name=f"{kind}_attach", dependencies=[Csrf])
    def attach(
        request: Request,
        session: SessionDep,
        user: CurrentUser,
        listing_id: RecordId,
        form: FormData,
        file: UploadFile | None = None,
    ) -> Response:
        listing = publishing.load(session, kind, listing_id)
        if listing is None or not listings.can_view(user, listing):
            raise NotFound()
        publishing.require_manager(user, listing)
        content = file.file.read(attachments.MAX_BYTES + 1) if file is not None else b""
        try:
            added = attachments.add(
                session, user, listing, content=content, filename=file.filename if file else None, data=form
            )
        except Invalid as exc:
            typed = {"title": form.get("title", ""), "audience": form.get("audience", "public")}
            extra = {"attachment_form": typed, "attachment_errors": exc.errors}
            return listing_page(request, session, user, listing, status_code=422, extra=extra)
        if added.approved:
            told = Msg("Attached “%(file)s”.", file=added.filename)
        elif listing.status == "published":
            told = Msg("Attached “%(file)s”. It will be shown once the Department has checked it.", file=added.filename)
        else:
            told = Msg("Attached “%(file)s”. The Department checks it with the listing.", file=added.filename)
        request.session["attachment_flash"] = str(told)
        return _to_listing(request, kind, listing_id)


for _kind in ("offer", "need"):
    _upload_route(_kind)


def _to_listing(request: Request, kind: str, listing_id: int) -> Response:
    url = request.url_for(f"{kind}_detail", **{f"{kind}_id": listing_id})
    return RedirectResponse(f"{url.path}#attachments", status_code=303)


@router.post("/attachments/{attachment_id}/delete", name="attachment_delete", dependencies=[Csrf])
def delete(request: Request, session: SessionDep, user: CurrentUser, attachment_id: RecordId) -> Response:
    attachment = attachments.get(session, attachment_id)
    name = attachment.filename
    listing = attachments.remove(session, user, attachment)
    request.session["attachment_flash"] = str(Msg("Removed “%(file)s”.", file=name))
    return _to_listing(request, publishing.kind_of(listing), publishing.id_of(listing))


@router.post("/attachments/{attachment_id}/approve", name="attachment_approve", dependencies=[Csrf])
def approve(request: Request, session: SessionDep, staff: StaffUser, attachment_id: RecordId) -> Response:
    attachment = attachments.get(session, attachment_id)
    attachments.approve(session, staff, attachment)
    request.session["files_flash"] = str(Msg("“%(file)s” is now shown with its listing.", file=attachment.filename))
    return RedirectResponse(f"{request.url_for('review_queue').path}#attachments", status_code=303)


@router.post("/attachments/{attachment_id}/refuse", name="attachment_refuse", dependencies=[Csrf])
def refuse(
    request: Request, session: SessionDep, staff: StaffUser, attachment_id: RecordId, form: FormData
) -> Response:
    """Take a waiting file off its listing, telling its owner why."""
    attachment = attachments.get(session, attachment_id)
    try:
        attachments.refuse(session, staff, attachment, reason=form.get("reason"))
    except Invalid as exc:
        why = exc.errors.get("reason", exc.message)
        request.session["files_error"] = str(
            Msg("“%(file)s” was not taken off: %(why)s", file=attachment.filename, why=why)
        )
    else:
        request.session["files_flash"] = str(Msg("“%(file)s” was taken off its listing; the owner is told why.", file=attachment.filename))  # fmt: skip
    return RedirectResponse(f"{request.url_for('review_queue').path}#attachments", status_code=303)


@router.get("/attachments/{attachment_id}/preview", name="attachment_preview")
def preview(session: SessionDep, user: OptionalUser, attachment_id: RecordId) -> Response:
    """The small picture shown in the listing's list of files (images only)."""
    attachment = attachments.opened(session, attachment_id, user)
    if attachment.thumbnail is None:
        raise NotFound()
    return preview_response(attachment.thumbnail)


@router.get("/attachments/{attachment_id}/{filename}", name="attachment_file")
def open_file(session: SessionDep, user: OptionalUser, attachment_id: RecordId, filename: str) -> Response:
    """The file itself, under its own name: PDFs and pictures open in the browser, the rest download."""
    attachment = attachments.opened(session, attachment_id, user)
    return file_response(
        attachment.content, media_type=attachment.media_type, filename=attachment.filename, sha256=attachment.sha256
    )
