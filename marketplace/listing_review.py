"""The Department's review of listings: the queue, approving, sending back with a reason.

The queue holds listings sent for review, the pending revisions of published listings (their
owners' changes, which the public does not see until approved) and the files added to published listings
(`attachments`).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func
from sqlmodel import Session, select

from marketplace import attachments, listing_forms, validation
from marketplace.errors import Conflict, Forbidden
from marketplace.i18n import N_, Msg
from marketplace.listings import MODELS
from marketplace.models import ListingRevision, ListingStatus, Need, Offer, User
from marketplace.models._base import utcnow
from marketplace.publishing import (
    Listing,
    changed_fields,
    claim_version,
    commit_change,
    kind_of,
    move,
    pending_revision,
    record_change,
    tell_owner,
)

S = ListingStatus
REASON_MIN, REASON_MAX = 10, 1000
REVIEWED = Msg("This listing has already been reviewed.")
PUBLISHED_NOTICE = N_("Your listing “%(title)s” is published on the exchange.")
PUBLISHED_SUBJECT = N_("Your listing “%(title)s” is published")
PUBLISHED_BODY = N_(
    "The Department of Science and Technology has checked your listing “%(title)s” and published it. "
    "Companies and researchers can now find it and express interest."
)
REJECTED_NOTICE = N_("The Department sent back your listing “%(title)s”: %(reason)s")
REJECTED_SUBJECT = N_("Your listing “%(title)s” needs changes")
REJECTED_BODY = N_(
    "The Department of Science and Technology sent back your listing “%(title)s” with this reason:\n\n"
    "%(reason)s\n\nPlease edit it and send it for review again."
)
REVISION_PUBLISHED_NOTICE = N_("The Department approved your changes to “%(title)s”: they are now public.")
REVISION_PUBLISHED_SUBJECT = N_("Your changes to “%(title)s” are published")
REVISION_PUBLISHED_BODY = N_(
    "The Department of Science and Technology has checked your changes to the listing “%(title)s” and published them."
)
REVISION_REJECTED_NOTICE = N_("The Department sent back your changes to “%(title)s”: %(reason)s")
REVISION_REJECTED_SUBJECT = N_("Your changes to “%(title)s” need more work")
REVISION_REJECTED_BODY = N_(
    "The Department of Science and Technology sent back your changes to the listing “%(title)s” with this "
    "reason:\n\n%(reason)s\n\nThe listing stays public as it was approved. Please edit your changes and save "
    "them to send them for review again."
)
CHANGED_IN_REVIEW = Msg("The owner changed this listing after you opened it. Please read it again before deciding.")


@dataclass(frozen=True)
class Waiting:
    """One item of the queue: a listing sent for review, or a published listing with its pending revision."""

    listing: Listing
    revision: ListingRevision | None = None

    @property
    def since(self) -> datetime:
        if self.revision is not None:
            return self.revision.updated_at
        return self.listing.submitted_at or self.listing.created_at


def review_queue(session: Session) -> list[Waiting]:
    """Offers and needs awaiting review, and pending revisions of published ones, the longest-waiting first."""
    waiting = []
    for kind, model in MODELS.items():
        waiting += [Waiting(cast(Listing, x)) for x in session.exec(select(model).where(model.status == S.SUBMITTED))]
        revised = session.exec(_revisions_waiting(kind, model)).all()
        waiting += [Waiting(cast(Listing, listing), revision) for listing, revision in revised]
    return sorted(waiting, key=lambda w: (w.since, kind_of(w.listing), w.listing.id or 0, w.revision is not None))


def queue_size(session: Session) -> int:
    """How many listings and changes the review queue holds (the files waiting are counted apart)."""
    total = 0
    for kind, model in MODELS.items():
        total += session.exec(select(func.count()).select_from(model).where(model.status == S.SUBMITTED)).one()
        total += session.exec(select(func.count()).select_from(_revisions_waiting(kind, model).subquery())).one()
    return total


def _revisions_waiting(kind: str, model: type[Offer] | type[Need]) -> Any:
    """Published listings of one kind, each with its owner's changes waiting for review."""
    return (
        select(model, ListingRevision)
        .join(ListingRevision, ListingRevision.listing_id == model.id)  # type: ignore[arg-type]
        .where(ListingRevision.listing_kind == kind, ListingRevision.status == "pending", model.status == S.PUBLISHED)
    )


def approve_listing(session: Session, staff: User, listing: Listing, *, version: object) -> Listing:
    """Publish a listing awaiting review, as the reviewer saw it (`version`)."""
    _claim_for_review(session, staff, listing, version)
    listing.published_at = listing.confirmed_at = utcnow()
    listing.rejection_reason = None
    attachments.approve_with(session, listing)  # the reviewer saw them on the listing's page and in the queue
    move(session, staff, listing, S.PUBLISHED, "publish")
    tell_owner(session, listing, notice=PUBLISHED_NOTICE, subject=PUBLISHED_SUBJECT, body=PUBLISHED_BODY)
    return commit_change(session, listing)


def reject_listing(session: Session, staff: User, listing: Listing, *, reason: object, version: object) -> Listing:
    """Send a listing back to its owner with the reason they will see."""
    text = _reason(staff, reason)
    _claim_for_review(session, staff, listing, version)
    listing.rejection_reason = text
    move(session, staff, listing, S.REJECTED, "rejected", note=text)
    tell_owner(session, listing, notice=REJECTED_NOTICE, subject=REJECTED_SUBJECT, body=REJECTED_BODY, reason=text)
    return commit_change(session, listing)


def _reason(staff: User, reason: object) -> str:
    """The reason a reviewer gives for sending something back (staff only), checked."""
    _require_staff(staff)
    errors: validation.Errors = {}
    text = validation.text(errors, {"reason": reason}, "reason", max_len=REASON_MAX, min_len=REASON_MIN)
    validation.raise_if(errors)
    return text


def _require_staff(user: User) -> None:
    if not user.is_staff:
        raise Forbidden(Msg("This page is for Department staff."))


def _claim_for_review(session: Session, staff: User, listing: Listing, version: object) -> None:
    """Staff only, a listing still awaiting review, and unchanged since the reviewer opened it."""
    _require_staff(staff)
    if listing.status != S.SUBMITTED:
        raise Conflict(REVIEWED, current=listing)
    try:
        claim_version(session, listing, version)
    except Conflict as exc:
        current = exc.current
        edited = isinstance(current, Offer | Need) and current.status == S.SUBMITTED
        raise Conflict(CHANGED_IN_REVIEW if edited else REVIEWED, current=current) from None


def approve_revision(session: Session, staff: User, listing: Listing, *, version: object) -> Listing:
    """Make the pending revision the listing's public content, as the reviewer saw it (`version`)."""
    revision = _claim_revision(session, staff, listing, version)
    values = listing_forms.from_stored(revision.values)
    changed = changed_fields(listing, values)
    for field, value in values.items():
        setattr(listing, field, value)
    session.delete(revision)
    record_change(session, staff, listing, "publish_revision", S.PUBLISHED, S.PUBLISHED, fields=changed)
    tell_owner(
        session,
        listing,
        notice=REVISION_PUBLISHED_NOTICE,
        subject=REVISION_PUBLISHED_SUBJECT,
        body=REVISION_PUBLISHED_BODY,
    )
    return commit_change(session, listing)


def reject_revision(session: Session, staff: User, listing: Listing, *, reason: object, version: object) -> Listing:
    """Send the owner's changes back with a reason; the public version stays as it was."""
    text = _reason(staff, reason)
    revision = _claim_revision(session, staff, listing, version)
    revision.status, revision.rejection_reason = "rejected", text
    session.add(revision)
    record_change(session, staff, listing, "reject_revision", S.PUBLISHED, S.PUBLISHED, note=text)
    tell_owner(
        session,
        listing,
        notice=REVISION_REJECTED_NOTICE,
        subject=REVISION_REJECTED_SUBJECT,
        body=REVISION_REJECTED_BODY,
        reason=text,
    )
    return commit_change(session, listing)


def _claim_revision(session: Session, staff: User, listing: Listing, version: object) -> ListingRevision:
    """Staff only, a published listing with changes pending, unchanged since the reviewer opened them."""
    _require_staff(staff)
    revision = pending_revision(session, listing)
    if listing.status != S.PUBLISHED or revision is None or revision.status != "pending":
        raise Conflict(REVIEWED, current=listing)
    try:
        claim_version(session, listing, version)
    except Conflict as exc:
        still = pending_revision(session, listing)
        edited = still is not None and still.status == "pending"
        raise Conflict(CHANGED_IN_REVIEW if edited else REVIEWED, current=exc.current) from None
    return revision
