"""A user's own account: name, phone, language and, for researchers, the expertise profile; a copy of their
data, and deleting the account."""

import json

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from marketplace import accounts, email_confirmation, mail_notices, personal_data, proposals, two_step
from marketplace.errors import Invalid
from marketplace.i18n import Msg
from marketplace.models import ExpertiseProfile, User
from marketplace.web.auth import safe_next
from marketplace.web.deps import SESSION_USER, Csrf, CurrentUser, FormData, SessionDep
from marketplace.web.middleware import LANG_COOKIE
from marketplace.web.templating import render

router = APIRouter()


def _form_of(user: User, profile: ExpertiseProfile | None) -> dict[str, str]:
    form = {"full_name": user.full_name, "phone": user.phone or "", "language": user.language}
    if profile is not None:
        form |= {
            "summary": profile.summary,
            "keywords": ", ".join(profile.keywords),
            "publications": "\n".join(profile.publications),
            "projects": "\n".join(profile.projects),
        }
    return form


@router.get("/account", name="account_page")
def account_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    form = _form_of(user, accounts.expertise_of(session, user))
    context = {"form": form, "errors": {}, "flash": request.session.pop("flash", None)}
    return render(request, "account.html", context | _sections_of(session, user))


def _sections_of(session: SessionDep, user: User, mail_chosen: str | None = None) -> dict[str, object]:
    """What the account page's two-step and e-mail notice sections show (`mail_chosen`: what the form sent)."""
    on = two_step.enabled(session, user) is not None
    return {
        "two_step_on": on,
        "recovery_left": two_step.recovery_left(session, user) if on else 0,
        "mail_choices": mail_notices.CHOICES,
        "mail_chosen": user.mail_notices if mail_chosen is None else mail_chosen,
    }


@router.get("/account/data.json", name="account_data")
def account_data(session: SessionDep, user: CurrentUser) -> Response:
    """Everything the exchange holds about the reader, as a JSON file."""
    body = json.dumps(personal_data.export(session, user), ensure_ascii=False, indent=2)
    disposition = {"Content-Disposition": 'attachment; filename="hue-exchange-my-data.json"'}
    return Response(body, media_type="application/json; charset=utf-8", headers=disposition)


@router.post("/account/delete", name="delete_account", dependencies=[Csrf])
def delete_account(request: Request, session: SessionDep, user: CurrentUser, form: FormData) -> Response:
    try:
        personal_data.delete_account(session, user, form)
    except Invalid as exc:
        context = {"form": _form_of(user, accounts.expertise_of(session, user)), "errors": {},
                   "delete_errors": exc.errors, "message": exc.message} | _sections_of(session, user)  # fmt: skip
        return render(request, "account.html", context, status_code=422)
    request.session.clear()
    request.session["flash"] = str(Msg("Your account has been deleted. Thank you for using the exchange."))
    return RedirectResponse("/", status_code=303)


@router.post("/account", name="update_account", dependencies=[Csrf])
def update_account(request: Request, session: SessionDep, user: CurrentUser, form: FormData) -> Response:
    try:
        accounts.update_profile(session, user, form)
    except Invalid as exc:
        context = {"form": form, "errors": exc.errors, "message": exc.message} | _sections_of(session, user)
        return render(request, "account.html", context, status_code=422)
    profile = accounts.expertise_of(session, user)
    if profile is not None:
        proposals.refresh_expert(session, profile)  # needs that fit the new expertise are told at once
    request.session["flash"] = str(Msg("Your profile has been saved."))
    response = RedirectResponse(request.url_for("account_page").path, status_code=303)
    response.set_cookie(LANG_COOKIE, user.language, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


@router.post("/account/mail-notices", name="update_mail_notices", dependencies=[Csrf])
def update_mail_notices(request: Request, session: SessionDep, user: CurrentUser, form: FormData) -> Response:
    """How notices reach the member by e-mail: each at once, one mail a day, or none."""
    try:
        mail_notices.choose(session, user, form)
    except Invalid as exc:
        context = {"form": _form_of(user, accounts.expertise_of(session, user)), "errors": {},
                   "mail_errors": exc.errors, "message": exc.message}  # fmt: skip
        chosen = str(form.get("mail_notices") or "")
        return render(request, "account.html", context | _sections_of(session, user, chosen), status_code=422)
    request.session["flash"] = str(Msg("Your choice of e-mails has been saved."))
    return RedirectResponse(request.url_for("account_page").path, status_code=303)


@router.get("/account/confirm/{token}", name="confirm_email")
def confirm_email(request: Request, session: SessionDep, token: str) -> Response:
    """The link of the confirmation mail; it needs no log-in (it may be opened on another device)."""
    try:
        user = email_confirmation.confirm(session, token)
    except Invalid as exc:
        return render(request, "confirm_email.html", {"message": exc.message}, status_code=400)
    logged_in = request.session.get(SESSION_USER) == user.id
    return render(request, "confirm_email.html", {"confirmed": user.email, "logged_in": logged_in})


@router.post("/account/confirm", name="confirm_email_again", dependencies=[Csrf])
def confirm_email_again(request: Request, session: SessionDep, user: CurrentUser, form: FormData) -> Response:
    """Mail the confirmation link again, then back to the page the reader was on."""
    email_confirmation.send_again(session, user)
    request.session["flash"] = str(Msg("We sent the link again to %(email)s.", email=user.email))
    return RedirectResponse(safe_next(form.get("next")), status_code=303)
