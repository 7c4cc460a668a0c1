"""Documents of a collaboration: adding and removing them on its page, and opening them
(`marketplace.collaboration_documents` says who may do what)."""

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from marketplace import attachments, collaboration_documents, collaborations
from marketplace.errors import Invalid, NotFound
from marketplace.i18n import Msg
from marketplace.web.deps import Csrf, CurrentUser, FormData, OptionalUser, RecordId, SessionDep
from marketplace.web.files import file_response, preview_response
from marketplace.web.pipeline import detail_page

router = APIRouter(include_in_schema=False)
UPLOAD_PATH = r"^/collaborations/\d+/documents$"  # BodyLimit lets these carry a file (UPLOAD_REQUEST_BYTES)
UPLOAD_REQUEST_BYTES = 3 * attachments.MAX_BYTES  # a file somewhat over the limit still reaches the form's message


def _to_documents(request: Request, collab_id: int) -> Response:
    url = request.url_for("collaboration_detail", collab_id=collab_id)
    return RedirectResponse(f"{url.path}#documents", status_code=303)


@router.post("/collaborations/{collab_id}/documents", name="collaboration_document_add", dependencies=[Csrf])
def add(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    collab_id: RecordId,
    form: FormData,
    file: UploadFile | None = None,
) -> Response:
    collab = collaborations.get_visible(session, collab_id, user)
    content = file.file.read(attachments.MAX_BYTES + 1) if file is not None else b""
    try:
        added = collaboration_documents.add(
            session, user, collab, content=content, filename=file.filename if file else None, data=form
        )
    except Invalid as exc:
        typed = {"title": form.get("title", ""), "kind": form.get("kind", "")}
        return detail_page(request, session, user, collab, status=422, document_form=typed, document_errors=exc.errors)
    request.session["document_flash"] = str(Msg("Added “%(file)s”.", file=added.filename))
    return _to_documents(request, collab_id)


@router.post("/collaboration-documents/{document_id}/delete", name="collaboration_document_delete", dependencies=[Csrf])
def delete(request: Request, session: SessionDep, user: CurrentUser, document_id: RecordId) -> Response:
    document = collaboration_documents.opened(session, document_id, user)
    name = document.filename
    collab = collaboration_documents.remove(session, user, document)
    request.session["document_flash"] = str(Msg("Removed “%(file)s”.", file=name))
    assert collab.id is not None
    return _to_documents(request, collab.id)


@router.get("/collaboration-documents/{document_id}/preview", name="collaboration_document_preview")
def preview(session: SessionDep, user: OptionalUser, document_id: RecordId) -> Response:
    """The small picture shown in the list of documents (images only)."""
    document = collaboration_documents.opened(session, document_id, user)
    if document.thumbnail is None:
        raise NotFound()
    return preview_response(document.thumbnail)


@router.get("/collaboration-documents/{document_id}/{filename}", name="collaboration_document_file")
def open_file(session: SessionDep, user: OptionalUser, document_id: RecordId, filename: str) -> Response:
    """The document itself, under its own name: PDFs and pictures open in the browser, the rest download."""
    document = collaboration_documents.opened(session, document_id, user)
    return file_response(
        document.content, media_type=document.media_type, filename=document.filename, sha256=document.sha256
    )
