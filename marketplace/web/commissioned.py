"""Staff post a commissioned problem (đặt hàng) straight to the public exchange."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from marketplace import commissioned, labels, listing_forms
from marketplace.errors import Invalid
from marketplace.i18n import TIMEZONE, Msg
from marketplace.web.deps import Csrf, FormLists, SessionDep, StaffUser
from marketplace.web.templating import render

router = APIRouter(include_in_schema=False)


def _context(form: dict[str, Any], errors: dict[str, Msg]) -> dict[str, Any]:
    return {
        "form": form, "errors": errors, "sectors": labels.sector_options(),
        "collaboration_types": labels.options("collaboration_type"), "task_levels": labels.options("task_level"),
        "trl_choices": listing_forms.trl_options(),
    }  # fmt: skip


@router.get("/commissioned/new", name="commissioned_new_page")
def commissioned_new_page(request: Request, user: StaffUser) -> Response:
    return render(request, "commissioned_new.html", _context({"collaboration_types": []}, {}))


@router.post("/commissioned/new", name="commissioned_create", dependencies=[Csrf])
def commissioned_create(request: Request, session: SessionDep, user: StaffUser, submitted: FormLists) -> Response:
    form = listing_forms.flatten(submitted)
    try:
        need = commissioned.post_commissioned(session, actor=user, data=form, today=datetime.now(TIMEZONE).date())
    except Invalid as exc:
        return render(
            request, "commissioned_new.html", _context(form, exc.errors) | {"message": exc.message}, status_code=422
        )
    request.session["flash"] = str(Msg("The commissioned problem is published and featured on the home page."))
    return RedirectResponse(request.url_for("need_detail", need_id=need.id), status_code=303)
