"""Inquiries (bày tỏ quan tâm): a user's expression of interest in an offer, a need or an expert."""

from sqlmodel import Session

from marketplace import audit, validation
from marketplace.errors import Forbidden, NotFound
from marketplace.i18n import Msg
from marketplace.models import Inquiry, Need, Offer, User

MESSAGE_MAX = 3000


def recipient_org_of(session: Session, listing_kind: str, listing_id: int) -> int:
    """The organization an inquiry about this listing (or expert) goes to."""
    if listing_kind == "expert":
        expert = session.get(User, listing_id)
        if expert is None or expert.organization_id is None:
            raise NotFound()
        return expert.organization_id
    model = {"offer": Offer, "need": Need}.get(listing_kind)
    listing = session.get(model, listing_id) if model else None
    if listing is None or listing.status != "published":
        raise NotFound()
    return listing.organization_id


def send_inquiry(session: Session, *, sender: User, listing_kind: str, listing_id: int, message: str,
                 proposal_id: int | None = None) -> Inquiry:
    """Add an inquiry from `sender` about a listing (flushed, not committed: the use case commits)."""
    errors: validation.Errors = {}
    text = validation.text(errors, {"message": message}, "message", max_len=MESSAGE_MAX, min_len=10)
    validation.raise_if(errors)
    recipient = recipient_org_of(session, listing_kind, listing_id)
    if sender.organization_id == recipient:
        raise Forbidden(Msg("You cannot send an inquiry to your own organization."))
    inquiry = Inquiry(listing_kind=listing_kind, listing_id=listing_id, sender_id=sender.id,
                      sender_org_id=sender.organization_id, recipient_org_id=recipient, message=text,
                      proposal_id=proposal_id)
    session.add(inquiry)
    session.flush()
    audit.record(session, actor_id=sender.id, action="send_inquiry", entity="inquiry", entity_id=inquiry.id,
                 listing_kind=listing_kind, listing_id=listing_id)
    return inquiry
