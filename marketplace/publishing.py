"""Publishing offers and needs: drafts, edits, sending for review, archiving.

Every change is one unit of work that records a `ListingEvent` and an audit entry; after it is
committed, `after_listing_change` brings search and matching up to date. The Department's side
(approve, reject) is in `listing_review`, freshness (confirm, expire) in `freshness`.

An owner's edit of a published listing does not change what the public sees: it becomes the
listing's one pending `ListingRevision` until the Department approves it; staff edits apply at once.
"""

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from marketplace import audit, form_tokens, listing_forms, notifications, proposals, search
from marketplace.errors import Conflict, Forbidden, Invalid
from marketplace.i18n import Msg
from marketplace.listing_forms import Kind
from marketplace.listings import can_manage
from marketplace.models import ListingEvent, ListingRevision, ListingStatus, Need, Offer, User
from marketplace.models._base import utcnow

log = logging.getLogger("marketplace.publishing")
Listing = Offer | Need
S = ListingStatus
SUBMITTABLE = (S.DRAFT, S.REJECTED, S.EXPIRED, S.ARCHIVED)
NOT_SUBMITTABLE = Msg("This listing cannot be sent for review in its present state.")
STALE = Msg(
    "Someone changed this listing while you were editing it. What you typed is kept below; "
    "compare it with the saved version, then save again."
)


def load(session: Session, kind: Kind, listing_id: int) -> Listing | None:
    """The offer or need with this id, whoever may see it (callers check)."""
    return session.get(Offer, listing_id) if kind == "offer" else session.get(Need, listing_id)


def kind_of(listing: Listing) -> Kind:
    return "offer" if isinstance(listing, Offer) else "need"


def id_of(listing: Listing) -> int:
    """The id of a listing that has been flushed."""
    assert listing.id is not None
    return listing.id


def require_manager(user: User, listing: Listing) -> None:
    """Only staff and members of the owning organization change a listing."""
    if not can_manage(user, listing):
        raise Forbidden(Msg("Only the organization that owns this listing, or Department staff, can change it."))


def require_organization(user: User) -> int:
    """The user's organization id: listings belong to organizations, an account without one cannot publish."""
    if user.organization_id is None:
        raise Forbidden(Msg("Your account is not linked to an organization, so it cannot publish listings."))
    return user.organization_id


def create_listing(
    session: Session, user: User, kind: Kind, data: Mapping[str, Any], *, submit: bool = False, token: object = None
) -> Listing:
    """A new draft (or a listing sent straight for review) of the user's organization.

    Sending the same form twice (same one-time `token`) returns the listing the first send created.
    """
    organization_id = require_organization(user)
    spent = form_tokens.usable(token)
    earlier = form_tokens.created_by(session, spent, user_id=user.id, entity=kind)
    if earlier is not None and (found := load(session, kind, earlier)) is not None:
        return found
    values = listing_forms.parse(kind, data, strict=submit, today=_today(), staff=user.is_staff)
    values |= {"organization_id": organization_id, "owner_id": user.id}
    listing: Listing = Offer(**values) if kind == "offer" else Need(**values)
    session.add(listing)
    try:
        session.flush()
        form_tokens.spend(session, spent, user_id=user.id, entity=kind, entity_id=id_of(listing))
    except IntegrityError:
        session.rollback()
        earlier = form_tokens.created_by(session, spent, user_id=user.id, entity=kind)
        found = load(session, kind, earlier) if earlier is not None else None
        if found is None:
            raise
        return found  # the same form, sent twice at once: the other send created it
    record_change(session, user, listing, "created", None, S.DRAFT)
    if submit:
        move(session, user, listing, S.SUBMITTED, "submit")
    return commit_change(session, listing)


def update_listing(
    session: Session, user: User, listing: Listing, data: Mapping[str, Any], *, version: object, submit: bool = False
) -> Listing:
    """Save an edit made on `version` of the listing; a stale version raises `Conflict(current=…)`."""
    require_manager(user, listing)
    if submit and listing.status not in (*SUBMITTABLE, S.SUBMITTED):
        raise Invalid({}, NOT_SUBMITTABLE)
    strict = submit or listing.status in (S.SUBMITTED, S.PUBLISHED)
    values = listing_forms.parse(kind_of(listing), data, strict=strict, today=_today(), staff=user.is_staff)
    claim_version(session, listing, version)
    if listing.status == S.PUBLISHED and user.organization_id == listing.organization_id:
        listing.confirmed_at = utcnow()  # the owner just went over it: it is current (applies at once)
    if listing.status == S.PUBLISHED and not user.is_staff:
        return _propose_revision(session, user, listing, values)
    changed = changed_fields(listing, values)
    for field, value in values.items():
        setattr(listing, field, value)
    record_change(session, user, listing, "edit", listing.status, listing.status, fields=changed)
    if submit and listing.status != S.SUBMITTED:
        move(session, user, listing, S.SUBMITTED, "submit")
    return commit_change(session, listing)


def _propose_revision(session: Session, user: User, listing: Listing, values: dict[str, Any]) -> Listing:
    """Keep the public version; the changes become (or rewrite) the listing's one pending revision."""
    changed = changed_fields(listing, values)
    revision = pending_revision(session, listing)
    if not changed:  # saved back to the public text: nothing left to review, and it was gone over: it is current
        if revision is not None:
            session.delete(revision)
        record_change(session, user, listing, "confirm", S.PUBLISHED, S.PUBLISHED)
        return commit_change(session, listing)
    revision = revision or ListingRevision(listing_kind=kind_of(listing), listing_id=id_of(listing))
    revision.values, revision.author_id = listing_forms.stored(values), user.id
    revision.status, revision.rejection_reason, revision.updated_at = "pending", None, utcnow()
    session.add(revision)
    record_change(session, user, listing, "revise", S.PUBLISHED, S.PUBLISHED, fields=changed)
    return commit_change(session, listing)


def pending_revision(session: Session, listing: Listing) -> ListingRevision | None:
    """The changes to this listing waiting for review (or sent back), if any."""
    query = select(ListingRevision).where(
        ListingRevision.listing_kind == kind_of(listing), ListingRevision.listing_id == listing.id
    )
    return session.exec(query).first()


def proposed(listing: Listing, revision: ListingRevision) -> Listing:
    """A detached copy of the listing as the revision would make it (never added to the session)."""
    return type(listing).model_validate(listing.model_dump() | listing_forms.from_stored(revision.values))


def discard_revision(session: Session, listing: Listing) -> None:
    """Drop the listing's pending revision, if any (in the caller's unit of work)."""
    if (revision := pending_revision(session, listing)) is not None:
        session.delete(revision)


def changed_fields(listing: Listing, values: dict[str, Any]) -> list[str]:
    """The fields whose new value differs from the listing's."""
    return [field for field, value in values.items() if getattr(listing, field) != value]


def submit_listing(session: Session, user: User, listing: Listing) -> Listing:
    """Send a draft, rejected, expired or archived listing to the Department; it must be complete."""
    require_manager(user, listing)
    if listing.status == S.SUBMITTED:
        return listing  # sent twice: once is enough
    if listing.status not in SUBMITTABLE:
        raise Conflict(NOT_SUBMITTABLE, current=listing)
    form = listing_forms.form_of(listing)
    listing_forms.parse(kind_of(listing), form, strict=True, today=_today(), staff=user.is_staff)
    claim_version(session, listing, listing.version)
    move(session, user, listing, S.SUBMITTED, "submit")
    return commit_change(session, listing)


def archive_listing(session: Session, user: User, listing: Listing) -> Listing:
    """Take a listing off the exchange; its owner can send it for review again later."""
    require_manager(user, listing)
    if listing.status == S.ARCHIVED:
        return listing
    claim_version(session, listing, listing.version)
    move(session, user, listing, S.ARCHIVED, "archived")
    return commit_change(session, listing)


def events_of(session: Session, kind: Kind, listing_id: int) -> list[ListingEvent]:
    """The listing's recorded history, newest first."""
    query = (
        select(ListingEvent)
        .where(ListingEvent.listing_kind == kind, ListingEvent.listing_id == listing_id)
        .order_by(col(ListingEvent.at).desc(), col(ListingEvent.id).desc())
    )
    return list(session.exec(query).all())


def after_listing_change(session: Session, kind: Kind, listing_id: int) -> None:
    """Bring search and matching up to date with a listing just committed; their failure never undoes it."""
    for name, hook in (("search", _update_search), ("matching", _update_matching)):
        try:
            hook(session, kind, listing_id)
        except Exception:  # the listing is saved; `reindex` / `match` repair a lagging index
            log.exception("%s update failed after a change of %s %s", name, kind, listing_id)
            session.rollback()


def _update_search(session: Session, kind: Kind, listing_id: int) -> None:
    """Search indexes ORM changes in their own commit; this also covers the version bump's bulk UPDATE."""
    search.index_after_commit(session, kind, listing_id)


def _update_matching(session: Session, kind: Kind, listing_id: int) -> None:
    """Propose partners for the listing at once (or withdraw its proposals when it left publication)."""
    listing = load(session, kind, listing_id)
    if listing is not None:
        proposals.refresh_listing(session, listing)


def tell_owner(session: Session, listing: Listing, *, notice: str, subject: str, body: str, **params: Any) -> None:
    """Tell the listing's owner, in the app and by e-mail in their language (message ids marked N_()); the caller commits."""
    owner = session.get(User, listing.owner_id) if listing.owner_id is not None else None
    if owner is not None:
        link = f"/{kind_of(listing)}s/{listing.id}"
        notifications.tell(session, owner, notice=notice, link=link, mail_subject=subject, mail_body=body,
                           title=listing.title, **params)  # fmt: skip


def claim_version(session: Session, listing: Listing, version: object) -> None:
    """Take the next version if nobody saved since `version`, atomically; else raise `Conflict(current=…)`."""
    expected = _as_int(version)
    model = type(listing)
    bump = update(model).where(col(model.id) == listing.id, col(model.version) == expected)
    if session.execute(bump.values(version=expected + 1)).rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise Conflict(STALE, current=session.get_one(model, listing.id))
    listing.version = expected + 1


def move(session: Session, user: User | None, listing: Listing, to: S, action: str, note: str | None = None) -> None:
    """Change the listing's status, recording the move; changes waiting for review go with the public version."""
    before = listing.status
    if before == S.PUBLISHED and to != S.PUBLISHED:
        discard_revision(session, listing)
    listing.status = to.value
    if to == S.SUBMITTED:
        listing.submitted_at = utcnow()
    record_change(session, user, listing, action, before, to.value, note)


def record_change(
    session: Session,
    user: User | None,
    listing: Listing,
    action: str,
    before: str | None,
    after: str | None,
    note: str | None = None,
    **detail: Any,
) -> None:
    """The listing's own history entry and the audit log entry of one change."""
    kind = kind_of(listing)
    listing.updated_at = utcnow()
    session.add(listing)
    session.flush()
    actor = user.id if user else None
    event = ListingEvent(listing_kind=kind, listing_id=id_of(listing), actor_id=actor, action=action, note=note)
    event.from_status, event.to_status = before, after
    session.add(event)
    audit.record(
        session,
        actor_id=actor,
        action=f"listing.{action}",
        entity=kind,
        entity_id=listing.id,
        to_status=after,
        note=note,
        **detail,
    )


def commit_change(session: Session, listing: Listing) -> Listing:
    """Commit the use case, then tell search and matching."""
    session.commit()
    after_listing_change(session, kind_of(listing), id_of(listing))
    return listing


def _as_int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return -1


def _today() -> date:
    return utcnow().date()
