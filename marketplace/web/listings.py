"""Offer and need pages for their owners: browse lists, the form with its quality coach, lifecycle buttons."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import attachments, form_tokens, freshness, labels, listing_forms, listings, publishing, quality
from marketplace.errors import Conflict, Invalid, NotFound
from marketplace.i18n import Msg
from marketplace.listing_forms import Kind
from marketplace.models import Need, Offer, User
from marketplace.web.deps import Csrf, CurrentUser, FormLists, OptionalUser, PageNumber, RecordId, SessionDep
from marketplace.web.templating import render

router = APIRouter()
PER_PAGE = 20
Listing = publishing.Listing


@router.get("/offers", name="offer_list")
def offer_list(
    request: Request, session: SessionDep, user: OptionalUser, sector: str | None = None, page: PageNumber = 1
) -> Response:
    return _browse(request, session, "offer", sector, page)


@router.get("/needs", name="need_list")
def need_list(
    request: Request, session: SessionDep, user: OptionalUser, sector: str | None = None, page: PageNumber = 1
) -> Response:
    return _browse(request, session, "need", sector, page)


def _browse(request: Request, session: Session, kind: Kind, sector: str | None, page: int) -> Response:
    """A page of published listings; only the results block when htmx asks for it."""
    sector = sector if sector in listing_forms.sector_codes() else None
    model = Offer if kind == "offer" else Need
    items, total, window = listings.published_page(session, model, sector=sector, page=page, per_page=PER_PAGE)
    context = {
        "kind": kind,
        "items": items,
        "total": total,
        "sector": sector,
        "page": window.number,
        "pages": window.pages,
        "query": {"sector": sector} if sector else {},
        "orgs": listings.organizations_by_id(session, {x.organization_id for x in items}),
        "file_counts": attachments.shown_counts(session, [(kind, x.id) for x in items if x.id]),
        "sectors": labels.sector_options(),
        "flash": request.session.pop("flash", None),
    }
    block = "results" if request.headers.get("hx-target") == "results" else None
    return render(request, "listings.html", context, block=block)


def manage_context(request: Request, session: Session, user: User | None, listing: Listing) -> dict[str, Any]:
    """What the detail page shows to those who manage the listing: freshness, history, coach, the last notice."""
    kind = publishing.kind_of(listing)
    shown: dict[str, Any] = {"listing_kind": kind, "flash": request.session.pop("flash", None)}
    if not listings.can_manage(user, listing):
        return shown
    return shown | {
        "freshness": freshness.freshness(listing),
        "events": publishing.events_of(session, kind, publishing.id_of(listing)),
        "coach": quality.assess(kind, listing_forms.form_of(listing)),
        "revision": _as_owner_sees(session, listing)[1],
    }


def _form_page(
    request: Request,
    kind: Kind,
    user: User,
    *,
    form: dict[str, Any],
    listing: Listing | None = None,
    errors: dict[str, Msg] | None = None,
    message: Msg | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """The offer or need form (new or edit) with its coach, keeping what was typed."""
    context = {
        "kind": kind,
        "listing": listing,
        "form": form,
        "errors": errors or {},
        "message": message,
        "coach": quality.assess(kind, form),
        "sectors": labels.sector_options(),
        "trl_levels": listing_forms.trl_options(),
        "field_label": listing_forms.field_label,
        "bio_sectors": quality.BIO_SECTORS,
        "is_staff": user.is_staff,
        "token_field": form_tokens.FIELD,
    } | extra
    return render(request, "listing_form.html", context, status_code=status_code)


def _wants_review(data: dict[str, Any]) -> bool:
    return data.get("intent") == "submit"


def _saved(request: Request, kind: Kind, listing: Listing, *, revised: bool = False) -> Response:
    """After a save: back to the form for a draft (the coach shows), else to the listing's page."""
    if listing.status in ("draft", "rejected", "expired", "archived"):
        request.session["flash"] = str(Msg("Draft saved. The coach beside the form shows what could make it stronger."))
        return RedirectResponse(request.url_for(f"{kind}_edit", listing_id=listing.id), status_code=303)
    if listing.status == "submitted":
        request.session["flash"] = str(
            Msg("Sent for review. The Department will check it and publish it, or tell you what to change.")
        )
    elif revised:
        request.session["flash"] = str(
            Msg(
                "Your changes are saved and sent to the Department for review. "
                "Until they are approved the exchange shows the approved version."
            )
        )
    else:
        request.session["flash"] = str(Msg("Your changes are saved and published."))
    return _to_detail(request, kind, listing)


def _to_detail(request: Request, kind: Kind, listing: Listing) -> Response:
    return RedirectResponse(request.url_for(f"{kind}_detail", **{f"{kind}_id": listing.id}), status_code=303)


def _managed(session: Session, user: User, kind: Kind, listing_id: int) -> Listing:
    """The listing, if the user may see it (else 404) and change it (else 403)."""
    listing = publishing.load(session, kind, listing_id)
    if listing is None or not listings.can_view(user, listing):
        raise NotFound()
    publishing.require_manager(user, listing)
    return listing


def _as_owner_sees(session: Session, listing: Listing) -> tuple[Listing, Any]:
    """The listing with its pending changes, if a published one has some, and that revision (or None)."""
    revision = publishing.pending_revision(session, listing) if listing.status == "published" else None
    return (publishing.proposed(listing, revision) if revision else listing), revision


def _form_routes(kind: Kind) -> APIRouter:
    """The new and edit forms of one kind of listing, under /offers or /needs, and their coach."""
    routes = APIRouter(prefix=f"/{kind}s")

    @routes.get("/new", name=f"{kind}_new")
    def new_form(request: Request, user: CurrentUser) -> Response:
        publishing.require_organization(user)
        form = {"language": user.language, form_tokens.FIELD: form_tokens.new_token(), "collaboration_types": []}
        return _form_page(request, kind, user, form=form)

    @routes.post("/new", name=f"{kind}_create", dependencies=[Csrf])
    def create(request: Request, session: SessionDep, user: CurrentUser, submitted: FormLists) -> Response:
        data = listing_forms.flatten(submitted)
        try:
            listing = publishing.create_listing(
                session, user, kind, data, submit=_wants_review(data), token=data.get(form_tokens.FIELD)
            )
        except Invalid as exc:
            return _form_page(request, kind, user, form=data, errors=exc.errors, message=exc.message, status_code=422)
        return _saved(request, kind, listing)

    @routes.get("/{listing_id}/edit", name=f"{kind}_edit")
    def edit_form(request: Request, session: SessionDep, user: CurrentUser, listing_id: RecordId) -> Response:
        listing = _managed(session, user, kind, listing_id)
        shown, revision = _as_owner_sees(session, listing)
        return _form_page(
            request,
            kind,
            user,
            form=listing_forms.form_of(shown),
            listing=listing,
            revision=revision,
            flash=request.session.pop("flash", None),
        )

    @routes.post("/{listing_id}/edit", name=f"{kind}_update", dependencies=[Csrf])
    def update(
        request: Request, session: SessionDep, user: CurrentUser, listing_id: RecordId, submitted: FormLists
    ) -> Response:
        listing = _managed(session, user, kind, listing_id)
        data = listing_forms.flatten(submitted)
        try:
            publishing.update_listing(
                session, user, listing, data, version=data.get("version"), submit=_wants_review(data)
            )
        except Invalid as exc:
            revision = _as_owner_sees(session, listing)[1]
            return _form_page(request, kind, user, form=data, listing=listing, revision=revision, errors=exc.errors,
                              message=exc.message, status_code=422)  # fmt: skip
        except Conflict as exc:
            return _conflict_page(request, session, kind, user, exc, data)
        revised = listing.status == "published" and publishing.pending_revision(session, listing) is not None
        return _saved(request, kind, listing, revised=revised and not user.is_staff)

    @routes.post("/coach", name=f"{kind}_coach", dependencies=[Csrf])
    def coach(request: Request, user: OptionalUser, submitted: FormLists) -> Response:
        """The coach panel for the form as typed so far (htmx, while the owner types)."""
        assessment = quality.assess(kind, listing_forms.flatten(submitted))
        return render(request, "_partials/_coach.html", {"coach": assessment, "kind": kind})

    return routes


def _action_routes(kind: Kind) -> APIRouter:
    """The lifecycle buttons of a listing's page: send for review, archive, confirm as current."""
    routes = APIRouter(prefix=f"/{kind}s")

    @routes.post("/{listing_id}/submit", name=f"{kind}_submit", dependencies=[Csrf])
    def submit(request: Request, session: SessionDep, user: CurrentUser, listing_id: RecordId) -> Response:
        listing = _managed(session, user, kind, listing_id)
        try:
            publishing.submit_listing(session, user, listing)
        except Invalid as exc:
            message = Msg("Please complete the fields marked below before sending the listing for review.")
            return _form_page(
                request,
                kind,
                user,
                form=listing_forms.form_of(listing),
                listing=listing,
                errors=exc.errors,
                message=message,
                status_code=422,
            )
        return _saved(request, kind, listing)

    @routes.post("/{listing_id}/archive", name=f"{kind}_archive", dependencies=[Csrf])
    def archive(request: Request, session: SessionDep, user: CurrentUser, listing_id: RecordId) -> Response:
        listing = publishing.archive_listing(session, user, _managed(session, user, kind, listing_id))
        request.session["flash"] = str(Msg("The listing is archived and no longer shown on the exchange."))
        return _to_detail(request, kind, listing)

    @routes.post("/{listing_id}/confirm", name=f"{kind}_confirm", dependencies=[Csrf])
    def confirm(request: Request, session: SessionDep, user: CurrentUser, listing_id: RecordId) -> Response:
        listing = freshness.confirm_listing(session, user, _managed(session, user, kind, listing_id))
        request.session["flash"] = str(Msg("Thank you: the listing is confirmed as current."))
        return _to_detail(request, kind, listing)

    return routes


def _conflict_page(
    request: Request, session: Session, kind: Kind, user: User, exc: Conflict, typed: dict[str, Any]
) -> Response:
    """A stale save: the form again with what the user typed, and the saved values (or pending changes) that differ."""
    current = exc.current
    assert isinstance(current, Offer | Need)
    shown, revision = _as_owner_sees(session, current)
    saved = listing_forms.form_of(shown)
    context: dict[str, Any] = {"saved": saved, "conflict": listing_forms.changed_fields(kind, saved, typed)}
    return _form_page(
        request,
        kind,
        user,
        form=typed | {"version": saved["version"]},
        listing=current,
        revision=revision,
        message=exc.message,
        status_code=409,
        **context,
    )


for _kind in ("offer", "need"):
    router.include_router(_form_routes(_kind))
    router.include_router(_action_routes(_kind))
