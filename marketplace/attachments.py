"""Files shown with an offer or a need: the technology profile an institute takes to a techmart, a test
report, a photo of the product, a need's specification.

Who may do what:
- the listing's managers (its organization's members, staff) add and remove files, up to MAX_PER_LISTING of
  up to MAX_BYTES each, and choose who may open each one: everyone who sees the listing, or only the
  organizations whose inquiry about it they accepted ("contacts"), as contact details are;
- the Department lets each file be shown, as it does the listing: files of a listing not yet published are
  approved with it; a file added to a published listing waits on /review, counted in its queue (staff's own
  files are approved at once);
- readers see the approved files of a listing they may see; a file for contacts shows its title to everyone
  (so they know to ask) and opens only for them.

A file's type is read from its first bytes, never from its name (`filetype`), and must be one of TYPES.
Images are opened with Pillow, turned upright and saved again without their metadata (the GPS position a
phone writes into a photo), and get a small preview; a picture too large to decode safely is refused.
"""

import hashlib
import io
import logging
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from marketplace import audit, notifications, publishing, validation
from marketplace.errors import Forbidden, Invalid, NotFound
from marketplace.i18n import N_, Msg, format_number
from marketplace.listings import can_manage, can_view
from marketplace.models import Inquiry, InquiryStatus, ListingAttachment, ListingStatus, Need, Offer, User
from marketplace.publishing import Listing

log = logging.getLogger("marketplace.attachments")

MAX_BYTES = 10_000_000  # 10 MB: a scanned report or a techmart brochure; the request limit of its route is higher
MAX_PER_LISTING = 10
TITLE_MAX = 200
MAX_PIXELS = 50_000_000  # a larger picture is refused before it is decoded (a "decompression bomb")
PREVIEW_SIZE = (640, 480)
AUDIENCES = ("public", "contacts")


@dataclass(frozen=True)
class FileType:
    extension: str
    label: str  # N_ message id: what readers are told the file is
    image: bool = False


TYPES: dict[str, FileType] = {
    "application/pdf": FileType("pdf", N_("PDF document")),
    "image/jpeg": FileType("jpg", N_("JPEG image"), image=True),
    "image/png": FileType("png", N_("PNG image"), image=True),
    "image/webp": FileType("webp", N_("WebP image"), image=True),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": FileType("docx", N_("Word document")),
    "application/msword": FileType("doc", N_("Word document")),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": FileType("xlsx", N_("Excel spreadsheet")),
    "application/vnd.ms-excel": FileType("xls", N_("Excel spreadsheet")),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": FileType(
        "pptx", N_("PowerPoint presentation")
    ),
    "application/vnd.ms-powerpoint": FileType("ppt", N_("PowerPoint presentation")),
    "application/vnd.oasis.opendocument.text": FileType("odt", N_("OpenDocument text")),
    "application/vnd.oasis.opendocument.spreadsheet": FileType("ods", N_("OpenDocument spreadsheet")),
}
PILLOW_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ACCEPT = ",".join(sorted({f".{t.extension}" for t in TYPES.values()} | {".jpeg"} | set(TYPES)))  # the input's `accept`
UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
APPROVED_NOTICE = N_("The Department approved the file “%(file)s”: it is shown with your listing “%(title)s”.")
REFUSED_NOTICE = N_("The Department took the file “%(file)s” off your listing “%(title)s”: %(reason)s")
REFUSED_SUBJECT = N_("A file of your listing “%(title)s” was not accepted")
REFUSED_BODY = N_(
    "The Department of Science and Technology did not accept the file “%(file)s” added to your listing "
    "“%(title)s”, for this reason:\n\n%(reason)s\n\nThe listing itself stays public. You may attach a corrected file."
)


@dataclass(frozen=True)
class Checked:
    """An upload that passed every check, ready to be stored."""

    content: bytes
    media_type: str
    filename: str
    preview: bytes | None


@dataclass(frozen=True)
class Shown:
    """One file as a reader of the listing sees it in the list."""

    attachment: ListingAttachment
    may_open: bool  # False: a file for contacts, shown by title only

    @property
    def type(self) -> FileType:
        return TYPES[self.attachment.media_type]


def check_file(content: bytes, filename: str | None) -> Checked:
    """The uploaded bytes as they will be stored, or Invalid with the reason under the field "file"."""
    if not content:
        raise Invalid({"file": Msg("Please choose a file to attach.")})
    if len(content) > MAX_BYTES:
        raise Invalid({"file": too_large(len(content))})
    media_type = filetype.guess_mime(content)
    if media_type not in TYPES:
        raise Invalid({"file": Msg("This kind of file cannot be attached. Please send a PDF, an image (JPEG, PNG, WebP) or an Office document.")})  # fmt: skip
    preview = None
    if TYPES[media_type].image:
        content, preview = _cleaned_image(content, media_type)
    return Checked(content, media_type, safe_filename(filename, TYPES[media_type].extension), preview)


def too_large(size: int) -> Msg:
    return Msg(
        "This file is %(size)s; a file may be at most %(max)s. Please compress it or split it.",
        size=human_size(size),
        max=human_size(MAX_BYTES),
    )


def human_size(size: int) -> str:
    """A size in the reader's number format: 850 kB, 1,2 MB (vi) or 1.2 MB (en)."""
    if size < 1_000_000:
        return f"{format_number(max(1, round(size / 1000)))} kB"
    return f"{format_number(round(size / 1_000_000, 1))} MB"


def upright_image(content: bytes, media_type: str, field: str = "file") -> Image.Image:
    """The picture of `content` (of type `media_type`, read from its bytes), decoded and turned as its
    Orientation tag says; Invalid under `field` for a picture that cannot be read or is too large to decode safely."""
    refused = Invalid({field: Msg("This picture cannot be read. Please save it again as JPEG or PNG and retry.")})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            if image.width * image.height > MAX_PIXELS:
                raise Invalid({field: Msg("This picture is too large. Please make it smaller than 7,000 × 7,000 pixels.")})  # fmt: skip
            if PILLOW_FORMATS.get(image.format or "") != media_type:
                raise refused
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refused from None
    return ImageOps.exif_transpose(image)


def _cleaned_image(content: bytes, media_type: str) -> tuple[bytes, bytes]:
    """The picture turned upright and saved again without metadata, and its preview (JPEG)."""
    upright = upright_image(content, media_type)
    kept = io.BytesIO()
    if media_type == "image/jpeg":
        upright.convert("RGB").save(kept, "JPEG", quality=90, optimize=True)
    elif media_type == "image/png":
        upright.save(kept, "PNG", optimize=True)
    else:
        upright.save(kept, "WEBP", quality=90)
    preview = upright.convert("RGBA")
    preview.thumbnail(PREVIEW_SIZE)
    flat = Image.new("RGB", preview.size, "white")
    flat.paste(preview, mask=preview.getchannel("A"))
    small = io.BytesIO()
    flat.save(small, "JPEG", quality=80, optimize=True)
    return kept.getvalue(), small.getvalue()


def safe_filename(name: str | None, extension: str) -> str:
    """The uploaded file's own name, kept for the download (Vietnamese letters and all), without any
    folder, control or reserved characters, ending in the extension of its real type."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = " ".join(UNSAFE_NAME.sub(" ", stem).split()).strip(" .")[:120].strip() or "tep-dinh-kem"
    return f"{stem}.{extension}"


def add(
    session: Session,
    user: User,
    listing: Listing,
    *,
    content: bytes,
    filename: str | None,
    data: dict[str, Any],
) -> ListingAttachment:
    """Attach a file to `listing` (its managers only); `data` holds the form's "title" and "audience"."""
    publishing.require_manager(user, listing)
    errors: validation.Errors = {}
    title = validation.text(errors, data, "title", max_len=TITLE_MAX, required=False, single_line=True)
    audience = validation.choice(errors, data, "audience", AUDIENCES) or "public"
    if count_of(session, listing) >= MAX_PER_LISTING:
        errors["file"] = Msg("A listing may hold up to %(max)d files. Remove one before adding another.", max=MAX_PER_LISTING)  # fmt: skip
    checked = None
    if "file" not in errors:
        try:
            checked = check_file(content, filename)
        except Invalid as exc:  # told together with any other field's problem
            errors |= exc.errors
    validation.raise_if(errors)
    assert checked is not None
    kind = publishing.kind_of(listing)
    attachment = ListingAttachment(
        listing_kind=kind,
        listing_id=publishing.id_of(listing),
        title=title or checked.filename.rsplit(".", 1)[0],
        filename=checked.filename,
        media_type=checked.media_type,
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
        audience=audience,
        approved=user.is_staff,  # the others wait for the listing's review, or on /review if it is published
        uploaded_by_id=user.id,
        content=checked.content,
        thumbnail=checked.preview,
    )
    session.add(attachment)
    publishing.record_change(session, user, listing, "attach", listing.status, listing.status, note=attachment.filename)
    session.commit()
    return attachment


def remove(session: Session, user: User, attachment: ListingAttachment) -> Listing:
    """Take a file off its listing (its managers); the listing's history says which."""
    listing = listing_of(session, attachment)
    publishing.require_manager(user, listing)
    session.delete(attachment)
    publishing.record_change(session, user, listing, "detach", listing.status, listing.status, note=attachment.filename)
    session.commit()
    return listing


def approve(session: Session, staff: User, attachment: ListingAttachment) -> Listing:
    """Let a file waiting for review be shown with its listing (staff)."""
    if not staff.is_staff:
        raise Forbidden()
    listing = listing_of(session, attachment)
    if not attachment.approved:
        attachment.approved = True
        session.add(attachment)
        if listing.owner_id is not None:
            link = f"/{attachment.listing_kind}s/{attachment.listing_id}#attachments"
            notifications.notify(session, listing.owner_id, APPROVED_NOTICE, link, file=attachment.filename, title=listing.title)  # fmt: skip
        audit.record(
            session,
            actor_id=staff.id,
            action="attachment.approve",
            entity=attachment.listing_kind,
            entity_id=attachment.listing_id,
            file=attachment.filename,
        )
        session.commit()
    return listing


def refuse(session: Session, staff: User, attachment: ListingAttachment, *, reason: object) -> Listing:
    """Take a file waiting for review off its listing, telling the listing's owner why (staff)."""
    if not staff.is_staff:
        raise Forbidden()
    errors: validation.Errors = {}
    text = validation.text(errors, {"reason": reason}, "reason", max_len=1000, min_len=10)
    validation.raise_if(errors)
    listing = listing_of(session, attachment)
    session.delete(attachment)
    publishing.record_change(
        session, staff, listing, "detach", listing.status, listing.status, note=f"{attachment.filename}: {text}"
    )
    publishing.tell_owner(
        session,
        listing,
        notice=REFUSED_NOTICE,
        subject=REFUSED_SUBJECT,
        body=REFUSED_BODY,
        file=attachment.filename,
        reason=text,
    )
    session.commit()
    return listing


def approve_with(session: Session, listing: Listing) -> None:
    """The files of a listing the Department has just published, or whose changes it approved, are approved
    with it (the reviewer saw them on its page); committed with the decision."""
    waiting = session.exec(
        _metadata().where(
            ListingAttachment.listing_kind == publishing.kind_of(listing),
            ListingAttachment.listing_id == publishing.id_of(listing),
            col(ListingAttachment.approved).is_(False),
        )
    ).all()
    for attachment in waiting:
        attachment.approved = True
        session.add(attachment)


def without_bytes(model: Any) -> Any:
    """A query of stored files (`model`: ListingAttachment, CollaborationDocument) that leaves their bytes and
    preview unread until a caller touches them: a list, a permission check or a preview never reads a whole file."""
    return select(model).options(defer(model.content), defer(model.thumbnail))


def _metadata() -> Any:
    return without_bytes(ListingAttachment)


def of_listing(session: Session, listing: Listing, viewer: User | None) -> list[Shown]:
    """The files of `listing` this reader sees, oldest first: all of them for its managers, else the approved."""
    managing = can_manage(viewer, listing)
    found = [a for a in files_of(session, listing) if managing or a.approved]
    contact = managing or (bool(found) and _is_contact(session, viewer, listing))
    return [Shown(a, contact or a.audience == "public") for a in found]


def files_of(session: Session, listing: Listing) -> list[ListingAttachment]:
    """Every file of `listing`, approved or not, oldest first, without their bytes."""
    query = _metadata().where(
        ListingAttachment.listing_kind == publishing.kind_of(listing),
        ListingAttachment.listing_id == publishing.id_of(listing),
    )
    return list(session.exec(query.order_by(col(ListingAttachment.id))).all())


def files_by_listing(
    session: Session, listed: Sequence[tuple[str, int]]
) -> dict[tuple[str, int], list[ListingAttachment]]:
    """Every file of each of these (kind, id) listings, approved or not, oldest first, without their bytes, read in
    one query per kind (those with none left out)."""
    found: dict[tuple[str, int], list[ListingAttachment]] = {}
    for kind in sorted({k for k, _ in listed} & {"offer", "need"}):
        ids = [i for k, i in listed if k == kind]
        query = _metadata().where(ListingAttachment.listing_kind == kind, col(ListingAttachment.listing_id).in_(ids))
        for attachment in session.exec(query.order_by(col(ListingAttachment.id))).all():
            found.setdefault((kind, attachment.listing_id), []).append(attachment)
    return found


def shown_counts(session: Session, listed: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """How many approved files each of these (kind, id) listings shows, for the lists' cards (those with none left out)."""
    counts: dict[tuple[str, int], int] = {}
    for kind in {k for k, _ in listed} & {"offer", "need"}:
        ids = [i for k, i in listed if k == kind]
        query = (
            select(ListingAttachment.listing_id, func.count())
            .where(
                ListingAttachment.listing_kind == kind,
                col(ListingAttachment.listing_id).in_(ids),
                col(ListingAttachment.approved).is_(True),
            )
            .group_by(col(ListingAttachment.listing_id))
        )
        counts |= {(kind, listing_id): n for listing_id, n in session.exec(query).all()}
    return counts


def count_of(session: Session, listing: Listing) -> int:
    return session.exec(
        select(func.count()).where(
            ListingAttachment.listing_kind == publishing.kind_of(listing),
            ListingAttachment.listing_id == publishing.id_of(listing),
        )
    ).one()


def _is_contact(session: Session, viewer: User | None, listing: Listing) -> bool:
    """Whether the reader's organization asked about the listing and its owners accepted."""
    if viewer is None or viewer.organization_id is None:
        return False
    accepted = select(Inquiry.id).where(
        Inquiry.listing_kind == publishing.kind_of(listing),
        Inquiry.listing_id == publishing.id_of(listing),
        Inquiry.sender_org_id == viewer.organization_id,
        Inquiry.status == InquiryStatus.ACCEPTED,
    )
    return session.exec(accepted.limit(1)).first() is not None


def get(session: Session, attachment_id: int) -> ListingAttachment:
    """An attachment (its bytes read when touched), or NotFound."""
    attachment = session.exec(_metadata().where(ListingAttachment.id == attachment_id)).first()
    if attachment is None:
        raise NotFound()
    return attachment


def listing_of(session: Session, attachment: ListingAttachment) -> Listing:
    listing = publishing.load(session, attachment.listing_kind, attachment.listing_id)  # type: ignore[arg-type]
    if listing is None:
        raise NotFound()
    return listing


def opened(session: Session, attachment_id: int, viewer: User | None) -> ListingAttachment:
    """The attachment with its bytes if this reader may open it; otherwise NotFound, as for a listing
    they may not see (a file for contacts tells them why on the listing's page)."""
    attachment = get(session, attachment_id)
    listing = listing_of(session, attachment)
    if not can_view(viewer, listing):
        raise NotFound()
    managing = can_manage(viewer, listing)
    if not attachment.approved and not managing:
        raise NotFound()
    if attachment.audience != "public" and not (managing or _is_contact(session, viewer, listing)):
        raise NotFound()
    return attachment


def waiting_for_review(session: Session) -> list[tuple[ListingAttachment, Offer | Need]]:
    """Files added to published listings that wait for the Department, the oldest first, with their listing
    (loaded in one query per kind, however many files wait)."""
    waiting = session.exec(
        _metadata().where(col(ListingAttachment.approved).is_(False)).order_by(col(ListingAttachment.id))
    ).all()
    published: dict[tuple[str, int], Offer | Need] = {}
    for model in (Offer, Need):
        kind = "offer" if model is Offer else "need"
        ids = {a.listing_id for a in waiting if a.listing_kind == kind}
        if ids:
            query = select(model).where(col(model.id).in_(ids), model.status == ListingStatus.PUBLISHED)
            published |= {(kind, publishing.id_of(x)): x for x in cast(list[Offer | Need], session.exec(query).all())}
    return [(a, published[key]) for a in waiting if (key := (a.listing_kind, a.listing_id)) in published]
