"""The public open-data page: what the exchange publishes, on what terms, its headline figures and the API."""

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from marketplace import open_data
from marketplace.i18n import TIMEZONE
from marketplace.web.deps import SessionDep
from marketplace.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/open-data", name="open_data_page")
def open_data_page(request: Request, session: SessionDep) -> Response:
    figures = open_data.overview(session, datetime.now(TIMEZONE).date())
    return render(request, "open_data.html", {"figures": figures})
