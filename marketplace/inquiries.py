"""Inquiries (bày tỏ quan tâm): interest in an offer, a need or an expert; answers are in `inquiry_answers`.

Who sees what: the sender's organization and the recipient organization see an inquiry (an inquiry
to an expert is seen and answered by that researcher alone); contact details of both sides are
shown only once the inquiry is accepted.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from marketplace import audit, validation
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.i18n import N_, Msg
from marketplace.models import (
    ExpertiseProfile,
    Inquiry,
    InquiryStatus,
    Need,
    Offer,
    Organization,
    User,
)
from marketplace.notifications import tell

KINDS = ("offer", "need", "expert")
MESSAGE_MIN, MESSAGE_MAX = 10, 3000
ALREADY_PENDING = Msg("Your organization already has an inquiry about this waiting for an answer.")

NEW_NOTICE = N_("New inquiry about “%(title)s” from %(org)s.")
NEW_SUBJECT = N_("New inquiry about “%(title)s”")
NEW_BODY = N_(
    "%(org)s is interested in “%(title)s” and wrote:\n\n%(message)s\n\n"
    "Accept it to exchange contact details, or decline it with a reason."
)


@dataclass(frozen=True)
class Subject:
    """What an inquiry is about: a listing or an expert, the title shown for it and who owns it."""

    kind: str
    id: int
    title: str
    organization_id: int
    owner_id: int | None
    sector_code: str | None
    language: str | None = None  # a listing's, with its owner's translation (pages show it: `listing_translations`)
    translated_title: str | None = None


@dataclass(frozen=True)
class Contact:
    """One side's contact details, shown to both sides of an accepted inquiry."""

    name: str
    organization: Organization | None
    email: str
    phone: str | None


def subject_of(session: Session, kind: str, target_id: int, *, open_only: bool = True) -> Subject:
    """The listing or expert an inquiry is (or would be) about; NotFound when it cannot be asked about."""
    if kind == "expert":
        expert = session.get(User, target_id)
        has_profile = session.exec(select(ExpertiseProfile.id).where(ExpertiseProfile.user_id == target_id)).first()
        if expert is None or expert.organization_id is None or (open_only and not (expert.is_active and has_profile)):
            raise NotFound()
        return Subject("expert", target_id, expert.full_name, expert.organization_id, expert.id, None)
    model: type[Offer] | type[Need] | None = {"offer": Offer, "need": Need}.get(kind)  # type: ignore[assignment]
    listing = session.get(model, target_id) if model else None
    if listing is None or (open_only and listing.status != "published"):
        raise NotFound()
    return Subject(
        kind,
        target_id,
        listing.title,
        listing.organization_id,
        listing.owner_id,
        listing.sector_code,
        listing.language,
        listing.translated_title,
    )


def open_ids(kind: str) -> SelectOfScalar[Any]:
    """The ids of the listings (published) or experts (active, with a profile) `subject_of` lets be asked about."""
    if kind == "expert":
        profiles = select(ExpertiseProfile.user_id)
        return select(User.id).where(
            col(User.is_active), col(User.organization_id).is_not(None), col(User.id).in_(profiles)
        )
    model: type[Offer] | type[Need] = Offer if kind == "offer" else Need
    return select(model.id).where(model.status == "published")


def recipient_org_of(session: Session, listing_kind: str, listing_id: int) -> int:
    """The organization an inquiry about this listing (or expert) goes to."""
    return subject_of(session, listing_kind, listing_id).organization_id


def path_of(inquiry: Inquiry) -> str:
    """The inquiry's page, for notices and e-mails (domain code has no request to build URLs from)."""
    return f"/inquiries/{inquiry.id}"


def org_name(org: Organization | None, language: str) -> str:
    if org is None:
        return ""
    return org.name_en if language == "en" and org.name_en else org.name_vi


def send_inquiry(
    session: Session, *, sender: User, listing_kind: str, listing_id: int, message: str, proposal_id: int | None = None
) -> Inquiry:
    """Add an inquiry from `sender` and tell the recipients (flushed, not committed: the use case commits)."""
    errors: validation.Errors = {}
    text = validation.text(errors, {"message": message}, "message", max_len=MESSAGE_MAX, min_len=MESSAGE_MIN)
    validation.raise_if(errors)
    subject = subject_of(session, listing_kind, listing_id)
    if sender.organization_id is None:
        raise Forbidden(Msg("Your account is not linked to an organization, so it cannot send inquiries."))
    if sender.organization_id == subject.organization_id:
        raise Forbidden(Msg("You cannot send an inquiry to your own organization."))
    sender_org_id = sender.organization_id
    existing = pending_from(session, sender_org_id, listing_kind, listing_id)
    if existing is not None:
        raise Conflict(ALREADY_PENDING, current=existing)
    assert sender.id is not None
    inquiry = Inquiry(
        listing_kind=listing_kind,
        listing_id=listing_id,
        sender_id=sender.id,
        sender_org_id=sender.organization_id,
        recipient_org_id=subject.organization_id,
        message=text,
        proposal_id=proposal_id,
    )
    session.add(inquiry)
    try:
        session.flush()
    except IntegrityError:  # the same form sent twice at once: the database keeps one pending inquiry
        session.rollback()
        current = pending_from(session, sender_org_id, listing_kind, listing_id)
        raise Conflict(ALREADY_PENDING, current=current) from None
    audit.record(
        session,
        actor_id=sender.id,
        action="send_inquiry",
        entity="inquiry",
        entity_id=inquiry.id,
        listing_kind=listing_kind,
        listing_id=listing_id,
    )
    _tell_recipients(session, inquiry, subject, text)
    return inquiry


def express_interest(session: Session, *, sender: User, listing_kind: str, listing_id: int, message: str) -> Inquiry:
    """The use case behind the "express interest" form: send the inquiry and commit."""
    inquiry = send_inquiry(session, sender=sender, listing_kind=listing_kind, listing_id=listing_id, message=message)
    session.commit()
    return inquiry


def pending_from(session: Session, sender_org_id: int, listing_kind: str, listing_id: int) -> Inquiry | None:
    """The organization's inquiry about this listing that still waits for an answer, if any."""
    query = select(Inquiry).where(
        Inquiry.sender_org_id == sender_org_id,
        Inquiry.listing_kind == listing_kind,
        Inquiry.listing_id == listing_id,
        Inquiry.status == InquiryStatus.PENDING,
    )
    return session.exec(query).first()


def recipients_of(session: Session, inquiry: Inquiry, subject: Subject) -> list[User]:
    """Who hears of an inquiry: the expert, else the listing's owner, else the organization's members."""
    owner = session.get(User, subject.owner_id) if subject.owner_id else None
    if owner is not None and owner.is_active and owner.organization_id == inquiry.recipient_org_id:
        return [owner]
    if inquiry.listing_kind == "expert":
        return []
    query = select(User).where(User.organization_id == inquiry.recipient_org_id, col(User.is_active).is_(True))
    return list(session.exec(query.order_by(col(User.id))).all())


def _tell_recipients(session: Session, inquiry: Inquiry, subject: Subject, text: str) -> None:
    sender_org = session.get(Organization, inquiry.sender_org_id) if inquiry.sender_org_id else None
    for user in recipients_of(session, inquiry, subject):
        tell(session, user, notice=NEW_NOTICE, link=path_of(inquiry), mail_subject=NEW_SUBJECT, mail_body=NEW_BODY,
             mail_params={"message": text}, title=subject.title, org=org_name(sender_org, user.language))  # fmt: skip


def is_recipient(user: User | None, inquiry: Inquiry) -> bool:
    """Members of the recipient organization answer; an inquiry to an expert is for that researcher."""
    if user is None or user.organization_id != inquiry.recipient_org_id:
        return False
    return inquiry.listing_kind != "expert" or user.id == inquiry.listing_id


def is_sender_side(user: User | None, inquiry: Inquiry) -> bool:
    return user is not None and user.organization_id is not None and user.organization_id == inquiry.sender_org_id


def can_view(user: User | None, inquiry: Inquiry) -> bool:
    return is_sender_side(user, inquiry) or is_recipient(user, inquiry)


def get_for_party(session: Session, inquiry_id: int, user: User | None) -> Inquiry:
    """The inquiry if this reader is one of its sides, else NotFound (its existence is not revealed)."""
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None or not can_view(user, inquiry):
        raise NotFound()
    return inquiry


def contacts(session: Session, inquiry: Inquiry, viewer: User | None) -> list[Contact]:
    """Both sides' contact details (asker first), only for an accepted inquiry and only to its sides."""
    if inquiry.status != InquiryStatus.ACCEPTED or not can_view(viewer, inquiry):
        return []
    people = [session.get(User, inquiry.sender_id), session.get(User, inquiry.answered_by_id or 0)]
    return [
        Contact(
            p.full_name, session.get(Organization, p.organization_id) if p.organization_id else None, p.email, p.phone
        )
        for p in people
        if p is not None
    ]
