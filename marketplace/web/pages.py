"""Public pages: home, offer and need details, organizations, language switch, health."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import text
from sqlmodel import Session

from marketplace import (
    attachments,
    events,
    listing_views,
    listings,
    logos,
    membership_review,
    memberships,
    organizations,
    profiles,
    stories,
)
from marketplace.i18n import LOCALES
from marketplace.models import Need, Offer, User
from marketplace.web import listings as listing_pages
from marketplace.web.auth import safe_next
from marketplace.web.deps import OptionalUser, RecordId, SessionDep
from marketplace.web.middleware import LANG_COOKIE
from marketplace.web.proposal_context import listing_context as proposal_context
from marketplace.web.saved_listings import listing_context as saved_context
from marketplace.web.templating import public_url, render
from marketplace.web.workspace import mark_seen

router = APIRouter()


@router.get("/", name="home")
def home(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    offers = listings.latest_published(session, Offer)
    needs = listings.latest_published(session, Need)
    commissioned = listings.commissioned_problems(session)
    orgs = listings.organizations_by_id(session, {x.organization_id for x in [*offers, *needs, *commissioned]})
    context = {
        "offers": offers,
        "needs": needs,
        "commissioned": commissioned,
        "orgs": orgs,
        "latest_stories": stories.published(session, limit=2),
        "counts": {
            "offers": listings.count_published(session, Offer),
            "needs": listings.count_published(session, Need),
            "organizations": len(organizations.directory(session)),
        },
        "flash": request.session.pop("flash", None),
        "next_event": events.next_upcoming(session),
    }
    return render(request, "home.html", context)


def listing_page(
    request: Request,
    session: Session,
    user: User | None,
    listing: Offer | Need,
    *,
    status_code: int = 200,
    extra: dict[str, object] | None = None,
) -> Response:
    """An offer's or need's page: its content, what its managers may do, proposals, similar offers."""
    kind = "offer" if isinstance(listing, Offer) else "need"
    files = attachments.of_listing(session, listing, user)
    context: dict[str, object] = {
        kind: listing,
        "organization": organizations.get_organization(session, listing.organization_id),
        "can_manage": listings.can_manage(user, listing),
        "attachments": files,
        "share_image": share_image(request, files),
        "attachment_flash": request.session.pop("attachment_flash", None),
        "on_show": events.on_show(session, kind, listing.id) if listing.id else [],
    }
    if context["can_manage"] and listing.id is not None:
        context["views"] = listing_views.views_of(session, kind, listing.id)
    context |= listing_pages.manage_context(request, session, user, listing)
    context |= saved_context(session, user, listing)
    context |= proposal_context(session, listing, user) | (extra or {})
    return render(request, f"{kind}.html", context, status_code=status_code)


def share_image(request: Request, shown: list[attachments.Shown]) -> str | None:
    """The picture a shared link of the listing shows: the preview of its first picture everyone may open."""
    for item in shown:
        file = item.attachment
        if file.approved and file.audience == "public" and item.type.image:
            return public_url(request, "attachment_preview", attachment_id=file.id)
    return None


@router.get("/offers/{offer_id}", name="offer_detail")
def offer_detail(request: Request, session: SessionDep, user: OptionalUser, offer_id: RecordId) -> Response:
    offer = listings.get_visible(session, Offer, offer_id, user)
    listing_views.count(session, offer, user, request.headers.get("user-agent"))
    mark_seen(request, session, user)
    return listing_page(request, session, user, offer)


@router.get("/needs/{need_id}", name="need_detail")
def need_detail(request: Request, session: SessionDep, user: OptionalUser, need_id: RecordId) -> Response:
    need = listings.get_visible(session, Need, need_id, user)
    listing_views.count(session, need, user, request.headers.get("user-agent"))
    mark_seen(request, session, user)
    return listing_page(request, session, user, need)


@router.get("/organizations/{organization_id}", name="organization_detail")
def organization_detail(
    request: Request, session: SessionDep, user: OptionalUser, organization_id: RecordId
) -> Response:
    organization = organizations.get_organization(session, organization_id)
    parent = organizations.get_organization(session, organization.parent_id) if organization.parent_id else None
    context = {
        "organization": organization,
        "logo": logos.versions(session, {organization_id}).get(organization_id),
        "parent": parent,
        "members": organizations.members_of(session, organization_id),
        "offers": listings.published_of(session, Offer, organization_id),
        "needs": listings.published_of(session, Need, organization_id),
        "past_deals": profiles.past_collaborations(session, organization_id),
        "org_stories": stories.published(session, organization_id=organization_id, limit=50),
        "can_edit": organizations.can_edit(session, user, organization),
        "who_edits": organizations.who_edits(organization),
        "people": membership_review.people_shown_to(session, user, organization_id),
        "can_ask_to_join": memberships.may_ask_to_join(session, user),
        "flash": request.session.pop("flash", None),
    }
    return render(request, "organization.html", context)


@router.get("/lang/{code}", name="set_language")
def set_language(request: Request, code: str, next: str | None = None) -> Response:
    """Switch the interface language and go back where the reader was."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LOCALES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


@router.get("/health", name="health")
def health(request: Request, session: SessionDep) -> Response:
    """Liveness for load balancers: the database answers."""
    session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    checks = {"database": "ok"}
    for name, check in getattr(request.app.state, "health_checks", {}).items():
        checks[name] = check()
    status = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    return JSONResponse({"status": status, "checks": checks})
