"""What listing pages show about match proposals: owners' proposals, similar offers for enterprises."""

from sqlmodel import Session

from marketplace import matchmaking, proposals
from marketplace.listings import organizations_by_id
from marketplace.models import Need, Offer, User


def listing_context(session: Session, listing: Offer | Need, user: User | None) -> dict[str, object]:
    """What a listing page shows about proposals: owners' proposals, similar offers for enterprises."""
    views = proposals.for_listing(session, listing, user)
    owner = user is not None and (user.is_staff or user.organization_id == listing.organization_id)
    context: dict[str, object] = {
        "proposals": views,
        "no_terms": owner and listing.status == "published" and not matchmaking.has_usable_terms(listing),
    }
    if isinstance(listing, Offer) and user is not None and user.role in ("enterprise", "staff", "admin"):
        similar = proposals.similar_offers(session, listing)
        context |= {
            "similar": similar,
            "similar_orgs": organizations_by_id(session, {o.organization_id for o in similar}),
        }
    return context
