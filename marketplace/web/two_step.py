"""Two-step verification pages: the code asked at log-in, setting it up, recovery codes, turning it off."""

import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from marketplace import two_step
from marketplace.errors import Invalid, TooManyAttempts
from marketplace.i18n import Msg
from marketplace.models import User
from marketplace.web.auth import TWO_STEP_PENDING, TWO_STEP_SETUP, safe_next, start_session
from marketplace.web.deps import Csrf, CurrentUser, FormData, SessionDep
from marketplace.web.templating import render

router = APIRouter()
SETUP_PATH = "/account/two-step/setup"


def pending_user(request: Request, session: Session) -> User | None:
    """The account whose password was right a moment ago (the signed state lasts ten minutes)."""
    state = request.session.get(TWO_STEP_PENDING)
    if not isinstance(state, dict) or not isinstance(state.get("uid"), int) or state.get("until", 0) < time.time():
        return None
    user = session.get(User, state["uid"])
    if user is None or not user.is_active or user.session_epoch != state.get("epoch"):
        return None
    return user


def _login_page(request: Request, *, recovery: bool, errors: dict[str, Any], status_code: int = 200) -> Response:
    flash = request.session.pop("flash", None)
    context = {"recovery": recovery, "errors": errors, "flash": flash}
    return render(request, "two_step_login.html", context, status_code=status_code)


def _log_in_again(request: Request) -> Response:
    request.session.pop(TWO_STEP_PENDING, None)
    message = Msg("Your log-in took too long. Please log in again.")
    return render(request, "login.html", {"form": {}, "message": message, "next": "/"}, status_code=400)


@router.get("/login/two-step", name="two_step_login_page")
def login_code_page(request: Request, session: SessionDep, recovery: Annotated[bool, Query()] = False) -> Response:
    if pending_user(request, session) is None:
        return RedirectResponse(request.url_for("login_page").path, status_code=303)
    return _login_page(request, recovery=recovery, errors={})


@router.post("/login/two-step", name="two_step_login", dependencies=[Csrf])
def login_code(request: Request, session: SessionDep, form: FormData) -> Response:
    user = pending_user(request, session)
    if user is None:
        return _log_in_again(request)
    recovery = form.get("recovery") == "1"
    try:
        accepted = two_step.check_login(session, user, form)
    except Invalid as exc:
        return _login_page(request, recovery=recovery, errors=exc.errors, status_code=422)
    except TooManyAttempts as exc:
        return _login_page(request, recovery=recovery, errors={"code": exc.message}, status_code=429)
    target = safe_next(request.session[TWO_STEP_PENDING].get("next"))
    start_session(request, user)
    if accepted.recovery_left is not None:
        request.session["flash"] = str(_recovery_used(accepted.recovery_left))
    return RedirectResponse(target, status_code=303)


def _recovery_used(left: int) -> Msg:
    if left == 0:
        return Msg("You used your last recovery code. Make new ones now on your account page.")
    if left <= two_step.FEW_LEFT:
        return Msg("Recovery code accepted. Only %(n)s are left: make new ones soon on your account page.", n=left)
    return Msg("Recovery code accepted. %(n)s are left.", n=left)


@router.get("/account/two-step", name="two_step_page")
def manage_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _manage(request, session, user)


def _manage(request: Request, session: Session, user: User, **context: Any) -> Response:
    """The account's two-step page: on or off, recovery codes left, the forms to turn it off or renew codes."""
    row = two_step.enabled(session, user)
    values = {"on": row, "left": two_step.recovery_left(session, user) if row else 0, "errors": {},
              "flash": request.session.pop("flash", None), "few": two_step.FEW_LEFT}  # fmt: skip
    status = 422 if context.get("errors") or context.get("renew_errors") else 200
    return render(request, "two_step.html", values | context, status_code=status)


@router.get(SETUP_PATH, name="two_step_setup_page")
def setup_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    if two_step.enabled(session, user) is not None:
        return RedirectResponse(request.url_for("two_step_page").path, status_code=303)
    return _setup(request, session, user, {})


def _setup(request: Request, session: Session, user: User, errors: dict[str, Msg], status_code: int = 200) -> Response:
    secret = two_step.pending_secret(session, user)
    context = {
        "qr": two_step.qr_svg(two_step.authenticator_uri(user, secret)),
        "secret": two_step.grouped(secret),
        "issuer": two_step.ISSUER,
        "required": bool(request.session.get(TWO_STEP_SETUP)),
        "errors": errors,
    }
    return render(request, "two_step_setup.html", context, status_code=status_code)


@router.post(SETUP_PATH, name="two_step_turn_on", dependencies=[Csrf])
def turn_on(request: Request, session: SessionDep, user: CurrentUser, form: FormData) -> Response:
    if two_step.enabled(session, user) is not None:
        return RedirectResponse(request.url_for("two_step_page").path, status_code=303)
    try:
        codes = two_step.turn_on(session, user, form)
    except Invalid as exc:
        return _setup(request, session, user, exc.errors, status_code=422)
    except TooManyAttempts as exc:
        return _setup(request, session, user, {"code": exc.message}, status_code=429)
    request.session.pop(TWO_STEP_SETUP, None)
    # Shown in this answer, never stored: a reload cannot show them again.
    return render(request, "two_step_codes.html", {"codes": codes, "first": True})


@router.post("/account/two-step/off", name="two_step_turn_off", dependencies=[Csrf])
def turn_off(request: Request, session: SessionDep, user: CurrentUser, form: FormData) -> Response:
    try:  # the page's other form has a "code" field too: this one is "off_code"
        two_step.turn_off(session, user, {"password": form.get("password"), "code": form.get("off_code")})
    except (Invalid, TooManyAttempts) as exc:
        found = exc.errors if isinstance(exc, Invalid) else {"code": exc.message}
        errors = {("off_code" if field == "code" else field): message for field, message in found.items()}
        return _manage(request, session, user, errors=errors, open_off=True)
    request.session["flash"] = str(Msg("Two-step verification is off."))
    return RedirectResponse(request.url_for("two_step_page").path, status_code=303)


@router.post("/account/two-step/recovery-codes", name="two_step_new_codes", dependencies=[Csrf])
def new_codes(request: Request, session: SessionDep, user: CurrentUser, form: FormData) -> Response:
    try:
        codes = two_step.renew_recovery_codes(session, user, form)
    except (Invalid, TooManyAttempts) as exc:
        errors = exc.errors if isinstance(exc, Invalid) else {"code": exc.message}
        return _manage(request, session, user, renew_errors=errors)
    return render(request, "two_step_codes.html", {"codes": codes, "first": False})


class SetupFirst:
    """While a staff member must set up two-step verification (REQUIRE_TWO_STEP_FOR_STAFF, flagged in the session
    at log-in), every address but the set-up page, log-out, the language switch and static files sends them there."""

    OPEN = (SETUP_PATH, "/logout", "/lang/", "/static/", "/favicon.ico")  # the page in their language too

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        held = scope["type"] == "http" and scope.get("session", {}).get(TWO_STEP_SETUP)
        if not held or scope["path"].startswith(self.OPEN):
            await self.app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 303, "headers": [(b"location", SETUP_PATH.encode())]})
        await send({"type": "http.response.body", "body": b""})
