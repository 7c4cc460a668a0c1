"""The documents of a collaboration: the NDA, the signed technology-transfer contract, meeting minutes, the
acceptance report (biên bản nghiệm thu), invoices — the evidence the Department reports on.

Who may do what:
- everyone who may see the collaboration (`collaborations.can_view`: its parties' members and staff) lists the
  documents, opens them and adds one, up to MAX_PER_COLLABORATION of up to `attachments.MAX_BYTES` each;
- whoever added a document, or staff, removes it;
- nobody else learns that the collaboration or its files exist (NotFound).

Files are checked as a listing's are (`attachments.check_file`: the type from the bytes, pictures turned upright
and saved again without metadata, with a preview). Adding and removing go into the audit log, which the
collaboration's timeline also reads (`board.timeline`), and an added document is told to the other party and
the broker (`collaboration_notices.tell_document`).
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace import attachments, audit, validation
from marketplace.attachments import TYPES, FileType
from marketplace.collaboration_notices import tell_document
from marketplace.collaborations import can_view
from marketplace.errors import Forbidden, Invalid, NotFound
from marketplace.i18n import N_, Msg
from marketplace.models import Collaboration, CollaborationDocument, User
from marketplace.models._base import utcnow

MAX_PER_COLLABORATION = 20
TITLE_MAX = 200
KINDS: dict[str, str] = {  # value: N_ label, in the order the form offers them
    "contract": N_("Contract"),
    "nda": N_("Non-disclosure agreement"),
    "minutes": N_("Meeting minutes"),
    "acceptance": N_("Acceptance report"),
    "invoice": N_("Invoice"),
    "other": N_("Other document"),
}
ADDED = "collaboration.document_add"
REMOVED = "collaboration.document_remove"


@dataclass(frozen=True)
class Listed:
    """One document as the collaboration's page lists it."""

    document: CollaborationDocument
    uploader: str  # the name of whoever added it ("" when unknown)
    may_remove: bool

    @property
    def type(self) -> FileType:
        return TYPES[self.document.media_type]

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.document.kind, KINDS["other"])


def add(
    session: Session,
    user: User,
    collab: Collaboration,
    *,
    content: bytes,
    filename: str | None,
    data: Mapping[str, Any],
) -> CollaborationDocument:
    """Keep a file with `collab` (anyone who may see it); `data` holds the form's "title" and "kind"."""
    if not can_view(user, collab):
        raise NotFound()
    errors: validation.Errors = {}
    title = validation.text(errors, data, "title", max_len=TITLE_MAX, required=False, single_line=True)
    kind = validation.choice(errors, data, "kind", tuple(KINDS), required=False)
    if kind is None and "kind" not in errors:
        errors["kind"] = Msg("Please choose the kind of document.")
    if count_of(session, collab) >= MAX_PER_COLLABORATION:
        errors["file"] = Msg("A collaboration may hold up to %(max)d documents. Remove one before adding another.", max=MAX_PER_COLLABORATION)  # fmt: skip
    checked = None
    if "file" not in errors:
        try:
            checked = attachments.check_file(content, filename)
        except Invalid as exc:  # told together with any other field's problem
            errors |= exc.errors
    validation.raise_if(errors)
    assert checked is not None and collab.id is not None and kind is not None
    document = CollaborationDocument(
        collaboration_id=collab.id,
        kind=kind,
        title=title or checked.filename.rsplit(".", 1)[0],
        filename=checked.filename,
        media_type=checked.media_type,
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
        uploaded_by_id=user.id,
        content=checked.content,
        thumbnail=checked.preview,
    )
    collab.updated_at = utcnow()
    session.add_all([document, collab])
    session.flush()
    _record(session, user, collab, ADDED, document)
    tell_document(session, collab, actor=user, document=document.title)
    session.commit()
    return document


def may_remove(user: User | None, document: CollaborationDocument) -> bool:
    """Whoever added the document, and staff."""
    return user is not None and (user.is_staff or document.uploaded_by_id == user.id)


def remove(session: Session, user: User, document: CollaborationDocument) -> Collaboration:
    """Take a document off its collaboration (who added it, or staff); the timeline says which."""
    collab = collaboration_of(session, document, user)
    if not may_remove(user, document):
        raise Forbidden(Msg("Only whoever added a document, or Department staff, may remove it."))
    session.delete(document)
    collab.updated_at = utcnow()
    session.add(collab)
    _record(session, user, collab, REMOVED, document)
    session.commit()
    return collab


def _record(session: Session, user: User, collab: Collaboration, action: str, document: CollaborationDocument) -> None:
    audit.record(
        session, actor_id=user.id, action=action, entity="collaboration", entity_id=collab.id,
        document=document.id, kind=document.kind, title=document.title, file=document.filename,
    )  # fmt: skip


def _metadata() -> Any:
    return attachments.without_bytes(CollaborationDocument)


def of_collaboration(session: Session, collab: Collaboration, viewer: User) -> list[Listed]:
    """The documents of `collab`, oldest first, with who added them (the caller checked `can_view`)."""
    query = _metadata().where(CollaborationDocument.collaboration_id == collab.id)
    found = list(session.exec(query.order_by(col(CollaborationDocument.id))).all())
    ids = {d.uploaded_by_id for d in found if d.uploaded_by_id}
    names = {u.id: u.full_name for u in session.exec(select(User).where(col(User.id).in_(ids)))} if ids else {}
    return [Listed(d, names.get(d.uploaded_by_id, ""), may_remove(viewer, d)) for d in found]


def count_of(session: Session, collab: Collaboration) -> int:
    return session.exec(select(func.count()).where(CollaborationDocument.collaboration_id == collab.id)).one()


def collaboration_of(session: Session, document: CollaborationDocument, viewer: User | None) -> Collaboration:
    """The document's collaboration if this reader may see it, else NotFound."""
    collab = session.get(Collaboration, document.collaboration_id)
    if collab is None or not can_view(viewer, collab):
        raise NotFound()
    return collab


def opened(session: Session, document_id: int, viewer: User | None) -> CollaborationDocument:
    """The document with its bytes if this reader may see its collaboration; otherwise NotFound."""
    document = session.exec(_metadata().where(CollaborationDocument.id == document_id)).first()
    if document is None:
        raise NotFound()
    collaboration_of(session, document, viewer)
    return document
