"""Administrators manage accounts on /users: find one, change its role, deactivate or reactivate it."""

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from marketplace import two_step, user_admin
from marketplace.errors import Invalid
from marketplace.i18n import Msg
from marketplace.labels import label, options
from marketplace.models import User
from marketplace.web.auth import safe_next
from marketplace.web.deps import AdminUser, Csrf, FormData, PageNumber, RecordId, SessionDep
from marketplace.web.templating import is_htmx, render

router = APIRouter()


def _page(
    request: Request,
    session: SessionDep,
    admin: User,
    params: dict[str, str],
    page: int,
    *,
    problem: tuple[int, dict[str, Msg], dict[str, str]] | None = None,
) -> Response:
    """The list as `params` and `page` ask; `problem`: an account's form sent back with its errors and what was typed."""
    filters, errors = user_admin.read_filters(params)
    found = user_admin.accounts(session, filters, page)
    here = request.url_for("user_admin").include_query_params(**filters.params(), page=found.paging.number)
    context: dict[str, Any] = {
        "found": found,
        "page": found.paging.number,
        "pages": found.paging.pages,
        "query": filters.params(),
        "form": params,
        "errors": errors,
        "here": here.path + "?" + here.query,
        "admin": admin,
        "role_options": options("role"),
        "state_options": [
            ("active", Msg("Active")),
            ("inactive", Msg("Deactivated")),
            ("unconfirmed", Msg("E-mail not confirmed")),
        ],  # fmt: skip
        "problem": problem,
        "flash": None if problem else request.session.pop("flash", None),
    }
    block = "results" if is_htmx(request) and not request.headers.get("hx-boosted") and not problem else None
    return render(request, "users.html", context, block=block, status_code=422 if errors or problem else 200)


@router.get("/users", name="user_admin")
def user_list(request: Request, session: SessionDep, admin: AdminUser, page: PageNumber = 1) -> Response:
    return _page(request, session, admin, dict(request.query_params), page)


def _back(request: Request, data: dict[str, str], message: Msg) -> Response:
    request.session["flash"] = str(message)
    return RedirectResponse(safe_next(data.get("next") or "/users"), status_code=303)


def _sent_back(
    request: Request, session: SessionDep, admin: User, user_id: int, data: dict[str, str], exc: Invalid
) -> Response:
    """The list the administrator came from, with this account's form showing its errors and what they typed."""
    params = dict(parse_qsl(urlsplit(safe_next(data.get("next") or "/users")).query))
    page = params.pop("page", "1")
    return _page(
        request, session, admin, params, int(page) if page.isdigit() else 1, problem=(user_id, exc.errors, data)
    )


@router.post("/users/{user_id}/role", name="user_role", dependencies=[Csrf])
def user_role(request: Request, session: SessionDep, admin: AdminUser, user_id: RecordId, data: FormData) -> Response:
    try:
        user = user_admin.set_role(session, admin, user_id, data)
    except Invalid as exc:
        return _sent_back(request, session, admin, user_id, data, exc)
    return _back(request, data, Msg("%(name)s is now: %(role)s.", name=user.full_name, role=label("role", user.role)))


@router.post("/users/{user_id}/deactivate", name="user_deactivate", dependencies=[Csrf])
def user_deactivate(
    request: Request, session: SessionDep, admin: AdminUser, user_id: RecordId, data: FormData
) -> Response:
    try:
        user = user_admin.deactivate(session, admin, user_id, data)
    except Invalid as exc:
        return _sent_back(request, session, admin, user_id, data, exc)
    return _back(request, data, Msg("%(name)s can no longer log in.", name=user.full_name))


@router.post("/users/{user_id}/reactivate", name="user_reactivate", dependencies=[Csrf])
def user_reactivate(
    request: Request, session: SessionDep, admin: AdminUser, user_id: RecordId, data: FormData
) -> Response:
    user = user_admin.reactivate(session, admin, user_id)
    return _back(request, data, Msg("%(name)s can log in again.", name=user.full_name))


@router.post("/users/{user_id}/confirm-email", name="user_confirm_email", dependencies=[Csrf])
def user_confirm_email(
    request: Request, session: SessionDep, admin: AdminUser, user_id: RecordId, data: FormData
) -> Response:
    user = user_admin.confirm_email(session, admin, user_id)
    return _back(request, data, Msg("The e-mail address of %(name)s is taken as confirmed.", name=user.full_name))


@router.post("/users/{user_id}/two-step-reset", name="user_two_step_reset", dependencies=[Csrf])
def user_two_step_reset(
    request: Request, session: SessionDep, admin: AdminUser, user_id: RecordId, data: FormData
) -> Response:
    """Turn off two-step verification of someone who lost their phone; they are told."""
    user = two_step.reset(session, admin, user_id)
    return _back(
        request, data, Msg("Two-step verification of %(name)s is off; they can set it up again.", name=user.full_name)
    )
