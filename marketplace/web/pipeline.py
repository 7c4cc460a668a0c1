"""The pipeline board and list, one collaboration's page, and the forms that move and edit it."""

from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import (
    board,
    collaboration_documents,
    collaborations,
    inquiry_messages,
    labels,
    listings,
    organizations,
)
from marketplace.errors import Conflict, Invalid
from marketplace.i18n import TIMEZONE, Msg, current_locale
from marketplace.inquiries import org_name
from marketplace.models import Collaboration, Need, Offer, User
from marketplace.web import meetings as meeting_pages
from marketplace.web import stories as story_pages
from marketplace.web.deps import Csrf, CurrentUser, FormData, SessionDep, StaffUser
from marketplace.web.templating import is_htmx, render
from marketplace.web.workspace import mark_seen

router = APIRouter(include_in_schema=False)


def _today() -> Any:
    return datetime.now(TIMEZONE).date()


def _board_context(request: Request, session: Session, params: Any) -> tuple[dict[str, Any], int]:
    filters, errors = board.parse_filters(session, params)
    found = board.cards(session, filters, _today())
    here = request.url_for("pipeline_board").include_query_params(**filters.params())
    context = {
        "back": here.path + (f"?{here.query}" if here.query else ""),
        "filters": filters, "errors": errors, "form": dict(params), "cards": found,
        "columns": board.columns(found), "rows": board.sorted_rows(found, filters.sort, filters.order),
        "brokers": collaborations.staff_members(session), "organizations": board.organizations_in_pipeline(session, current_locale.get()),
        "sectors": labels.sector_options(), "ages": board.AGE_CHOICES, "stages": collaborations.STAGES,
        "contract_types": labels.options("collaboration_type"), "card_errors": {}, "card_forms": {},
        "unassigned": board.UNASSIGNED,
    }  # fmt: skip
    return context, 422 if errors else 200


@router.get("/pipeline", name="pipeline_board")
def pipeline_board(request: Request, session: SessionDep, user: StaffUser) -> Response:
    context, status = _board_context(request, session, request.query_params)
    block = "board" if is_htmx(request) and not request.headers.get("hx-boosted") else None
    return render(request, "pipeline.html", context, block=block, status_code=status)


@router.get("/collaborations/new", name="collaboration_new_page")
def collaboration_new_page(request: Request, session: SessionDep, user: StaffUser) -> Response:
    """The form, with the staff member who opens it as the broker until they choose another."""
    form = {"stage": "proposed", "broker_id": str(user.id)}
    return render(request, "collaboration_new.html", _new_context(session, form, {}))


@router.post("/collaborations/new", name="collaboration_create", dependencies=[Csrf])
def collaboration_create(request: Request, session: SessionDep, user: StaffUser, form: FormData) -> Response:
    try:
        collab = collaborations.open_by_hand(session, actor=user, data=form, today=_today())
    except Invalid as exc:
        context = _new_context(session, form, _select_messages(exc.errors)) | {"message": exc.message}
        return render(request, "collaboration_new.html", context, status_code=422)
    request.session["flash"] = str(Msg("The collaboration has been opened."))
    return RedirectResponse(request.url_for("collaboration_detail", collab_id=collab.id), status_code=303)


# The organization lists are read as record numbers, whose "This field is required." suits a text box; a list
# left on "— choose —" asks for a choice instead.
SELECT_MESSAGES = {
    "provider_org_id": Msg("Please choose the provider organization."),
    "seeker_org_id": Msg("Please choose the seeker organization."),
}


def _select_messages(errors: dict[str, Msg]) -> dict[str, Msg]:
    """`errors` with an empty organization list's message saying to choose one."""
    return {
        field: SELECT_MESSAGES[field] if field in SELECT_MESSAGES and msg.msgid == "This field is required." else msg
        for field, msg in errors.items()
    }


def _new_context(session: Session, form: dict[str, Any], errors: dict[str, Msg]) -> dict[str, Any]:
    language = current_locale.get()
    org_choices = [(o.id, org_name(o, language)) for o in organizations.directory(session)]
    return {
        "form": form, "errors": errors, "org_choices": org_choices,
        "stage_choices": [(s, labels.label("stage", s)) for s in collaborations.OPEN_STAGES],
        "broker_choices": [(u.id, u.full_name) for u in collaborations.staff_members(session)],
        "sector_choices": labels.sector_options(),
        "offer_groups": _listing_groups(session, Offer, language), "need_groups": _listing_groups(session, Need, language),
    }  # fmt: skip


def _listing_groups(session: Session, model: type[Offer] | type[Need], language: str) -> list[tuple[str, list[Any]]]:
    """(organization name, [(id, title)]) of the published listings of one kind, for a grouped list."""
    return [
        (org_name(org, language), [(item.id, item.title) for item in items])
        for org, items in listings.published_by_organization(session, model)
    ]


@router.get("/collaborations/{collab_id}", name="collaboration_detail")
def collaboration_detail(request: Request, session: SessionDep, user: CurrentUser, collab_id: int) -> Response:
    collab = collaborations.get_visible(session, collab_id, user)
    mark_seen(request, session, user)
    return detail_page(request, session, user, collab)


def _timeline_context(session: Session, user: User, collab: Collaboration, **note: Any) -> dict[str, Any]:
    """What the timeline block shows: the entries as this reader may see them, and the note form's state."""
    entries = board.timeline(session, collab, user, current_locale.get())
    return {
        "collab": collab, "timeline": entries, "note_form": {}, "note_errors": {},
        "document_kinds": collaboration_documents.KINDS,
    } | note  # fmt: skip


def detail_page(request: Request, session: Session, user: User, collab: Collaboration, *, status: int = 200,
            **extra: Any) -> Response:  # fmt: skip
    """The collaboration page, with any errors, conflict and typed values in `extra` (also for the documents',
    meetings' and story's routes, `web.collaboration_documents`, `web.meetings`, `web.stories`)."""
    related = board.related(session, collab)
    context = related | _timeline_context(session, user, collab) | {
        "is_staff": user.is_staff,
        "can_open_inquiry": related["inquiry"] is not None and inquiry_messages.may_read(user, related["inquiry"]),
        "card": board.make_cards(session, [collab], _today(), datetime.now(TIMEZONE))[0],
        "stages": collaborations.STAGES, "contract_types": labels.options("collaboration_type"),
        "task_levels": labels.options("task_level"),
        "broker_choices": [(u.id, u.full_name) for u in collaborations.staff_members(session)],
        "flash": request.session.pop("flash", None), "errors": {}, "form": {}, "edit_form": _edit_values(collab),
        "documents": collaboration_documents.of_collaboration(session, collab, user),
        "document_flash": request.session.pop("document_flash", None), "document_form": {}, "document_errors": {},
        "max_documents": collaboration_documents.MAX_PER_COLLABORATION,
    } | meeting_pages.section_context(session, user, collab, request.query_params,
                                      meeting_flash=request.session.pop("meeting_flash", None)) | (
        story_pages.section_context(session, user, collab, story_flash=request.session.pop("story_flash", None))
    ) | extra  # fmt: skip
    return render(request, "collaboration.html", context, status_code=status)


def _edit_values(collab: Collaboration) -> dict[str, Any]:
    """The edit form's starting values: what the record holds now."""
    fields = ("title", "next_action", "broker_id", "contract_type", "contract_value_vnd", "st_task_code",
              "st_task_level", "version")  # fmt: skip
    values = {f: getattr(collab, f) if getattr(collab, f) is not None else "" for f in fields}
    values["next_action_due"] = collab.next_action_due.isoformat() if collab.next_action_due else ""
    return values


def _conflict(session: Session, collab: Collaboration) -> dict[str, Any]:
    """Who changed the collaboration last, to explain a conflict."""
    session.refresh(collab)
    change, actor = board.last_change(session, collab)
    return {"conflict": True, "last_change": change, "last_actor": actor}


def _back(form: dict[str, str]) -> str | None:
    """The board address the form came from (a local /pipeline path only)."""
    back = form.get("back", "")
    return back if back.startswith("/pipeline") and "//" not in back and "\\" not in back else None


@router.post("/collaborations/{collab_id}/stage", name="collaboration_move", dependencies=[Csrf])
def collaboration_move(request: Request, session: SessionDep, user: CurrentUser, collab_id: int,
                       form: FormData) -> Response:  # fmt: skip
    collab = collaborations.get_visible(session, collab_id, user)
    htmx_board = is_htmx(request) and _back(form)
    try:
        change = collaborations.move_stage(session, collab, actor=user, data=form)
    except (Invalid, Conflict) as exc:
        extra = _conflict(session, collab) if isinstance(exc, Conflict) else {"errors": exc.errors}  # type: ignore[attr-defined]
        status = exc.status_code
        if htmx_board:
            return _board_with(request, session, form, collab_id, extra | {"form": form}, status)
        return detail_page(request, session, user, collab, status=status, form=form, message=exc.message, **extra)
    toast = Msg("Moved to “%(stage)s”.", stage=labels.label("stage", change.to_stage))
    if htmx_board:
        return _board_with(request, session, form, None, {"toast": toast}, 200)
    request.session["flash"] = str(toast)
    return RedirectResponse(_back(form) or str(request.url_for("collaboration_detail", collab_id=collab_id)), 303)


def _board_with(request: Request, session: Session, form: dict[str, str], collab_id: int | None,
                card_state: dict[str, Any], status: int) -> Response:  # fmt: skip
    """The board fragment (as the form's page had it), with one card's errors or a toast."""
    back = _back(form) or "/pipeline"
    context, _status = _board_context(request, session, dict(parse_qsl(urlsplit(back).query)))
    if collab_id is not None:
        context["card_errors"] = {collab_id: card_state}
        context["card_forms"] = {collab_id: card_state.get("form", {})}
    context["toast"] = card_state.get("toast")
    return render(request, "pipeline.html", context, block="board", status_code=status)


@router.post("/collaborations/{collab_id}/edit", name="collaboration_edit", dependencies=[Csrf])
def collaboration_edit(request: Request, session: SessionDep, user: CurrentUser, collab_id: int,
                       form: FormData) -> Response:  # fmt: skip
    collab = collaborations.get_visible(session, collab_id, user)
    try:
        collaborations.edit_details(session, collab, actor=user, data=form, today=_today())
    except Invalid as exc:
        return detail_page(request, session, user, collab, status=422, edit_errors=exc.errors, edit_form=form,
                       message=exc.message)  # fmt: skip
    except Conflict as exc:
        return detail_page(request, session, user, collab, status=409, edit_form=form | {"version": collab.version},
                       message=exc.message, **_conflict(session, collab))  # fmt: skip
    request.session["flash"] = str(Msg("The collaboration has been updated."))
    return RedirectResponse(request.url_for("collaboration_detail", collab_id=collab_id), status_code=303)


@router.post("/collaborations/{collab_id}/notes", name="collaboration_add_note", dependencies=[Csrf])
def collaboration_add_note(request: Request, session: SessionDep, user: CurrentUser, collab_id: int,
                           form: FormData) -> Response:  # fmt: skip
    collab = collaborations.get_visible(session, collab_id, user)
    try:
        collaborations.add_note(session, collab, author=user, data=form)
    except Invalid as exc:
        if is_htmx(request):  # the timeline again, with the message and what was typed (not the whole page)
            context = _timeline_context(session, user, collab, note_errors=exc.errors, note_form=form)
            return render(request, "collaboration.html", context, block="timeline", status_code=422)
        return detail_page(request, session, user, collab, status=422, note_errors=exc.errors, note_form=form)
    if is_htmx(request):
        return render(request, "collaboration.html", _timeline_context(session, user, collab), block="timeline")
    request.session["flash"] = str(Msg("Your note has been added."))
    return RedirectResponse(request.url_for("collaboration_detail", collab_id=collab_id), status_code=303)


@router.post("/collaborations/{collab_id}/broker", name="collaboration_assign", dependencies=[Csrf])
def collaboration_assign(request: Request, session: SessionDep, user: CurrentUser, collab_id: int,
                         form: FormData) -> Response:  # fmt: skip
    """Staff give the collaboration a broker ("Take it on" picks themselves)."""
    collab = collaborations.get_visible(session, collab_id, user)
    try:
        collaborations.assign_broker(session, collab, actor=user, data=form)
    except Invalid as exc:
        return detail_page(request, session, user, collab, status=422, message=exc.message, edit_errors=exc.errors)
    except Conflict as exc:
        return detail_page(
            request, session, user, collab, status=409, message=exc.message, **_conflict(session, collab)
        )
    broker = session.get(User, collab.broker_id) if collab.broker_id else None
    name = broker.full_name if broker else ""
    request.session["flash"] = str(Msg("%(name)s is now the broker of this collaboration.", name=name))
    return RedirectResponse(request.url_for("collaboration_detail", collab_id=collab_id), status_code=303)
