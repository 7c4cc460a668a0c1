"""What pages show about match proposals: owners' proposals, similar offers, the accept step, the answer."""

from typing import Any

from fastapi import Request
from sqlmodel import Session

from marketplace import form_tokens, inquiries, matchmaking, proposals
from marketplace import proposal_answers as answers
from marketplace.i18n import Msg, current_locale
from marketplace.listings import organizations_by_id
from marketplace.models import MatchProposal, Need, Offer, Organization, ProposalStatus, User


def listing_context(session: Session, listing: Offer | Need, user: User | None) -> dict[str, object]:
    """What a listing page shows about proposals: owners' proposals, similar offers for enterprises."""
    views = answers.for_listing(session, listing, user)
    member = user is not None and user.organization_id == listing.organization_id
    owner = user is not None and (user.is_staff or member)
    context: dict[str, object] = {
        "proposals": views,
        # staff follow every listing's proposals, but only the listing's organization accepts or dismisses them
        "proposals_read_only": not member,
        "no_terms": owner and listing.status == "published" and not matchmaking.has_usable_terms(listing),
    }
    if isinstance(listing, Offer) and user is not None and user.role in ("enterprise", "staff", "admin"):
        similar = proposals.similar_offers(session, listing)
        context |= {
            "similar": similar,
            "similar_orgs": organizations_by_id(session, {o.organization_id for o in similar}),
        }
    return context


def back_path(request: Request, view: answers.ProposalView) -> str:
    """Where the reader answers their proposals: their listing's page, or My exchange for an expert."""
    if view.mine_kind == "expert":
        return str(request.url_for("my_exchange")) + "#proposals"
    path = request.url_for(f"{view.mine_kind}_detail", **{f"{view.mine_kind}_id": view.mine.id})
    return f"{path}#proposals"


def partner_org_name(session: Session, view: answers.ProposalView) -> str:
    """The name of the partner's organization, in the reader's language."""
    org_id = view.partner.organization_id
    return inquiries.org_name(session.get(Organization, org_id) if org_id else None, current_locale.get())


def accept_step(session: Session, view: answers.ProposalView, form: dict[str, str] | None = None) -> dict[str, Any]:
    """The card's message step: the default message (or what was typed) and a fresh one-time token."""
    values = {"message": answers.default_message(view), form_tokens.FIELD: form_tokens.new_token()} | (form or {})
    to = partner_org_name(session, view)
    if view.partner_kind == "expert":  # an inquiry to an expert is for that researcher alone
        to = f"{view.partner.full_name}, {to}"
    return {"accepting": True, "accept_form": values, "accept_to": to}


def answered_context(session: Session, proposal: MatchProposal) -> dict[str, Any]:
    """What the card of an answered proposal shows: for an accepted one, the inquiry and whom it went to."""
    inquiry = answers.inquiry_of(session, proposal) if proposal.status == ProposalStatus.ACCEPTED else None
    if inquiry is None:
        return {"proposal": proposal}
    partner = inquiries.subject_of(session, inquiry.listing_kind, inquiry.listing_id, open_only=False)
    org = inquiries.org_name(session.get(Organization, partner.organization_id), current_locale.get())
    return {"proposal": proposal, "inquiry": inquiry, "partner": partner, "partner_org": org}


def accepted_message(context: dict[str, Any]) -> Msg:
    """The confirmation of an acceptance, naming the partner and its organization."""
    partner = context.get("partner")
    if partner is None:
        return Msg("Accepted: your inquiry has been sent.")
    if partner.kind == "expert":
        return Msg(
            "Accepted: your inquiry to %(name)s (%(org)s) has been sent.",
            name=partner.title,
            org=context["partner_org"],
        )
    return Msg(
        "Accepted: your inquiry about “%(title)s” (%(org)s) has been sent.",
        title=partner.title,
        org=context["partner_org"],
    )
