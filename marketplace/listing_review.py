"""The Department's review of listings: the queue, approving, sending back with a reason."""

from sqlmodel import Session, select

from marketplace import validation
from marketplace.errors import Conflict, Forbidden
from marketplace.i18n import N_, Msg
from marketplace.models import ListingStatus, Need, Offer, User
from marketplace.models._base import utcnow
from marketplace.publishing import Listing, claim_version, commit_change, kind_of, move, tell_owner

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
CHANGED_IN_REVIEW = Msg("The owner changed this listing after you opened it. Please read it again before deciding.")


def review_queue(session: Session) -> list[Listing]:
    """Offers and needs awaiting review, the longest-waiting first."""
    offers = session.exec(select(Offer).where(Offer.status == S.SUBMITTED)).all()
    needs = session.exec(select(Need).where(Need.status == S.SUBMITTED)).all()
    waiting: list[Listing] = [*offers, *needs]
    return sorted(waiting, key=lambda x: (x.submitted_at or x.created_at, kind_of(x), x.id or 0))


def approve_listing(session: Session, staff: User, listing: Listing, *, version: object) -> Listing:
    """Publish a listing awaiting review, as the reviewer saw it (`version`)."""
    _claim_for_review(session, staff, listing, version)
    listing.published_at = listing.confirmed_at = utcnow()
    listing.rejection_reason = None
    move(session, staff, listing, S.PUBLISHED, "publish")
    tell_owner(session, listing, notice=PUBLISHED_NOTICE, subject=PUBLISHED_SUBJECT, body=PUBLISHED_BODY)
    return commit_change(session, listing)


def reject_listing(session: Session, staff: User, listing: Listing, *, reason: object, version: object) -> Listing:
    """Send a listing back to its owner with the reason they will see."""
    _require_staff(staff)
    errors: validation.Errors = {}
    text = validation.text(errors, {"reason": reason}, "reason", max_len=REASON_MAX, min_len=REASON_MIN)
    validation.raise_if(errors)
    _claim_for_review(session, staff, listing, version)
    listing.rejection_reason = text
    move(session, staff, listing, S.REJECTED, "rejected", note=text)
    tell_owner(session, listing, notice=REJECTED_NOTICE, subject=REJECTED_SUBJECT, body=REJECTED_BODY, reason=text)
    return commit_change(session, listing)


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
