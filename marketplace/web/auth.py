"""Log-in, registration, log-out and password change pages."""

import time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from marketplace import accounts, password_reset, two_step
from marketplace.errors import Invalid, TooManyAttempts
from marketplace.i18n import Msg
from marketplace.models import User
from marketplace.security import CSRF_SESSION_KEY, csrf_token
from marketplace.web.deps import SESSION_EPOCH, SESSION_USER, Csrf, CurrentUser, FormData, OptionalUser, SessionDep
from marketplace.web.memberships import organization_choices
from marketplace.web.templating import render, route_names

router = APIRouter()
TWO_STEP_PENDING = "two_step_pending"  # the signed "half logged in" state: password right, code still to come
TWO_STEP_PENDING_SECONDS = 600
TWO_STEP_SETUP = "two_step_setup"  # a staff member who must set up two-step verification before anything else
SECRET_FIELDS = ("password", "password_confirm", "current_password", "new_password", "new_password_confirm")


def safe_next(target: str | None) -> str:
    """A local path to go to after log-in; anything else becomes the home page."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def start_session(request: Request, user: User) -> None:
    """Rotate the session at log-in: nothing from before survives, a new CSRF token is made."""
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_EPOCH] = user.session_epoch
    csrf_token(request.session)


def _kept(form: dict[str, str]) -> dict[str, str]:
    """What the user typed, minus passwords, to show again after an error."""
    return {k: v for k, v in form.items() if k not in SECRET_FIELDS}


@router.get("/login", name="login_page")
def login_page(
    request: Request, user: OptionalUser, next: Annotated[str | None, Query(max_length=500)] = None
) -> Response:
    return render(request, "login.html", {"form": {}, "next": safe_next(next)})


@router.post("/login", name="login", dependencies=[Csrf])
def login(request: Request, session: SessionDep, form: FormData) -> Response:
    client = request.client.host if request.client else "unknown"
    try:
        user = accounts.authenticate(
            session, email=form.get("email", ""), password=form.get("password", ""), client=client
        )
    except Invalid as exc:
        return _login_again(request, form, exc.message, status_code=400)
    except TooManyAttempts as exc:  # the form too, not an error page: the wait over, the user tries again from here
        return _login_again(request, form, exc.message, status_code=429)
    return password_accepted(request, session, user, safe_next(form.get("next")))


def password_accepted(request: Request, session: SessionDep, user: User, target: str) -> Response:
    """After the right password (or a password reset): with two-step verification on, no session yet but a
    signed, ten-minute "half logged in" state and the page asking for the code; otherwise the session, and a
    staff member who must set up two-step verification is held on its set-up page."""
    if two_step.enabled(session, user) is not None:
        request.session.clear()
        request.session[TWO_STEP_PENDING] = {"uid": user.id, "epoch": user.session_epoch, "next": target,
                                             "until": int(time.time()) + TWO_STEP_PENDING_SECONDS}  # fmt: skip
        csrf_token(request.session)
        return RedirectResponse(request.url_for("two_step_login_page").path, status_code=303)
    start_session(request, user)
    if two_step.needs_setup(session, user):
        request.session[TWO_STEP_SETUP] = True
        return RedirectResponse(request.url_for("two_step_setup_page").path, status_code=303)
    return RedirectResponse(target, status_code=303)


def _login_again(request: Request, form: dict[str, str], message: Msg, *, status_code: int) -> Response:
    """The log-in form with the message, the e-mail typed and where to go after log-in."""
    context = {"form": _kept(form), "message": message, "next": safe_next(form.get("next"))}
    return render(request, "login.html", context, status_code=status_code)


@router.post("/logout", name="logout", dependencies=[Csrf])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/", status_code=303)


@router.get("/register", name="register_page")
def register_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    return render(request, "register.html", _register_context(session, {"organization_mode": "existing"}))


@router.post("/register", name="register", dependencies=[Csrf])
def register(request: Request, session: SessionDep, form: FormData) -> Response:
    try:
        user = accounts.register(session, form)
    except Invalid as exc:
        context = _register_context(session, _kept(form)) | {"errors": exc.errors, "message": exc.message}
        return render(request, "register.html", context, status_code=422)
    start_session(request, user)
    if user.organization_id is None:  # asked to join an existing organization: the page says who answers
        welcome = Msg("Welcome! Your account is ready; your request to join waits for an answer.")
    else:
        welcome = Msg("Welcome! Your account is ready.")
    sent = Msg("We sent a link to %(email)s: open it to confirm your address.", email=user.email)
    request.session["flash"] = f"{welcome} {sent}"
    return RedirectResponse("/me" if "my_exchange" in route_names(request.app) else "/", status_code=303)


def _register_context(session: SessionDep, form: dict[str, str]) -> dict[str, object]:
    return {"form": form, "errors": {}, **organization_choices(session)}


@router.get("/account/password", name="password_page")
def password_page(request: Request, user: CurrentUser) -> Response:
    return render(request, "password.html", {"errors": {}})


@router.post("/account/password", name="change_password", dependencies=[Csrf])
def change_password(request: Request, session: SessionDep, user: CurrentUser, form: FormData) -> Response:
    try:
        accounts.change_password(session, user, form)
    except Invalid as exc:
        return render(request, "password.html", {"errors": exc.errors, "message": exc.message}, status_code=422)
    start_session(request, user)
    request.session["flash"] = str(Msg("Your password has been changed."))
    return RedirectResponse("/", status_code=303)


__all__ = ["router", "start_session", "CSRF_SESSION_KEY"]


@router.get("/password/forgot", name="forgot_password_page")
def forgot_password_page(request: Request, user: OptionalUser) -> Response:
    return render(request, "password_forgot.html", {"form": {}})


@router.post("/password/forgot", name="forgot_password", dependencies=[Csrf])
def forgot_password(request: Request, session: SessionDep, form: FormData) -> Response:
    password_reset.request_reset(session, form.get("email", ""))
    return render(request, "password_forgot.html", {"form": _kept(form), "sent": True})


@router.get("/password/reset/{token}", name="reset_password_page")
def reset_password_page(request: Request, session: SessionDep, user: OptionalUser, token: str) -> Response:
    try:
        password_reset.user_for_token(session, token)
    except Invalid as exc:
        return render(request, "password_forgot.html", {"form": {}, "message": exc.message}, status_code=400)
    return render(request, "password_reset.html", {"token": token, "errors": {}})


@router.post("/password/reset/{token}", name="reset_password", dependencies=[Csrf])
def reset_password(request: Request, session: SessionDep, token: str, form: FormData) -> Response:
    try:
        user = password_reset.reset_password(session, token, form)
    except Invalid as exc:
        if not exc.errors:  # the link itself is bad
            return render(request, "password_forgot.html", {"form": {}, "message": exc.message}, status_code=400)
        return render(request, "password_reset.html", {"token": token, "errors": exc.errors}, status_code=422)
    response = password_accepted(request, session, user, "/")  # the reset link stands for the password only
    request.session["flash"] = str(Msg("Your password has been changed."))
    return response
