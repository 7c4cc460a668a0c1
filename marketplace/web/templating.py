"""Jinja2 environment and `render`: a whole page, or one named block of it for htmx."""

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2_fragments import render_block
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from marketplace import attachments, labels, listing_translations, logos, syndication
from marketplace.config import ROOT
from marketplace.i18n import (
    current_locale,
    format_date,
    format_datetime,
    format_number,
    format_vnd,
    gettext,
    ngettext,
)
from marketplace.mail import absolute_url
from marketplace.models import Organization
from marketplace.security import CSRF_FIELD, csrf_token

env = Environment(
    loader=FileSystemLoader(ROOT / "templates"),
    autoescape=select_autoescape(["html", "xml"], default_for_string=True),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
env.filters.update(date=format_date, datetime=format_datetime, vnd=format_vnd, number=format_number)
env.filters.update(
    excerpt=syndication.excerpt, w3c=syndication.w3c, absolute=absolute_url, filesize=attachments.human_size
)
env.globals.update(
    label=labels.label,
    options=labels.options,
    sector_name=labels.sector_name,
    now=lambda: datetime.now(UTC),
    days_since=lambda moment: days_since(moment),
    shown_title=lambda listing: shown_title(listing),
    translation_for=listing_translations.for_reader,
    shown_language=listing_translations.shown_language,
    named_after=listing_translations.named_after,
    preview_of=syndication.preview_of,
    max_attachments=attachments.MAX_PER_LISTING,
    max_attachment_bytes=attachments.MAX_BYTES,
    attachment_accept=attachments.ACCEPT,
    max_logo_bytes=logos.MAX_BYTES,
)
# A title that starts by saying what the "Commissioned" badge beside it already says ("Đặt hàng: …").
COMMISSION_PREFIX = re.compile(r"^(đặt hàng|commissioned(?: problem)?)\s*[:–—-]\s*(?=\S)", re.IGNORECASE)


def shown_title(listing: Any) -> str:
    """The listing's title as a page shows it beside its badges: its owner's translation to a reader of the
    translation's language (`listing_translations`); a commissioned need loses a prefix that repeats its badge."""
    translation = listing_translations.for_reader(listing)
    title = translation.title if translation else str(listing.title)
    if not getattr(listing, "commissioned", False) or not COMMISSION_PREFIX.match(title):
        return title
    rest = COMMISSION_PREFIX.sub("", title)
    return rest[:1].upper() + rest[1:]


def days_since(moment: datetime | None) -> int:
    """Whole days from `moment` (aware, or naive UTC as SQLite returns it) to now."""
    if moment is None:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, (datetime.now(UTC) - moment).days)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """The page `template`, or only its `block` (an htmx fragment), with the common context."""
    ctx = page_context(request) | (context or {})
    if block:
        html = render_block(env, template, block, **ctx)
    else:
        html = env.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status_code, headers=headers)


def page_context(request: Request) -> dict[str, Any]:
    """What every template may use: the request, the reader, their language, the CSRF token."""
    return {
        "request": request,
        "url_for": request.url_for,
        "current_user": getattr(request.state, "user", None),
        "locale": current_locale.get(),
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request.session) if "session" in request.scope else "",
        "is_htmx": is_htmx(request),
        "has_route": lambda name: name in route_names(request.app),
        "holds_demo_data": lambda: holds_demo_data(request.app),
        "public_url": lambda name, **params: public_url(request, name, **params),
    }


def public_url(request: Request, name: str, **params: Any) -> str:
    """The absolute address of a route for other sites (link previews, feeds, the sitemap): PUBLIC_BASE_URL and
    the route's path, as e-mails link to it."""
    return absolute_url(str(request.app.url_path_for(name, **params)))


DEMO_CHECK_SECONDS = 60


def holds_demo_data(app: Any) -> bool:
    """Whether the database holds the demo data that `seed` loads: the footer warns of sample data only
    then, not on a city's real installation. Looked up once a minute at most in each process."""
    checked = getattr(app.state, "demo_checked", None)
    if checked is None or time.monotonic() - checked[0] > DEMO_CHECK_SECONDS:
        try:
            with Session(app.state.engine) as session:
                found = session.exec(select(Organization.id).where(Organization.is_demo).limit(1)).first()
        except SQLAlchemyError:  # the page may be the one saying the database failed: no footer note then
            return False
        checked = app.state.demo_checked = (time.monotonic(), found is not None)
    return bool(checked[1])


def is_htmx(request: Request) -> bool:
    """True when htmx sent the request (it swaps part of a page)."""
    return request.headers.get("hx-request") == "true"


def route_names(app: Any) -> frozenset[str]:
    """Names of the app's routes, so shared templates link only to pages that exist."""
    names = getattr(app.state, "route_names", None)
    if names is None:
        names = app.state.route_names = frozenset(_names_of(app.routes))
    return names


def _names_of(routes: Any) -> Iterator[str]:
    # FastAPI wraps each included router (`original_router`): its routes are one level down.
    for route in routes:
        yield getattr(route, "name", None) or ""
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _names_of(inner.routes)
