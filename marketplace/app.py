"""The FastAPI application: middleware, error handlers, routes, static files."""

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.middleware.sessions import SessionMiddleware

from marketplace import search
from marketplace.api import docs as api_docs
from marketplace.api import events as api_events
from marketplace.api import results as api_results
from marketplace.api import search as api_search
from marketplace.api import v1 as api_v1
from marketplace.config import Settings, get_settings
from marketplace.db import get_engine
from marketplace.web import (
    account,
    attachments,
    audit,
    auth,
    collaboration_documents,
    commissioned,
    dashboard,
    errors,
    experts,
    feeds,
    inquiries,
    listing_import,
    listings,
    memberships,
    open_data,
    organizations,
    pages,
    pipeline,
    proposals,
    review,
    two_step,
    users,
    workspace,
)
from marketplace.web import events as events_page
from marketplace.web import glossary as glossary_page
from marketplace.web import meetings as meetings_page
from marketplace.web import saved_listings as saved_listings_page
from marketplace.web import search as search_page
from marketplace.web import stories as stories_page
from marketplace.web.middleware import BodyLimit, Locale

STATIC = Path(__file__).resolve().parent / "static"


def favicon() -> FileResponse:
    """The site icon at the address browsers try by themselves (base.html also links the SVG)."""
    return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon", headers={"Cache-Control": "max-age=604800"})


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """A configured application on `engine` (by default the one for DATABASE_URL)."""
    settings = settings or get_settings()
    logging.basicConfig(level=settings.LOG_LEVEL)
    app = FastAPI(
        title="Hue Innovation Exchange API",
        version="1.0",
        docs_url=None,  # served by marketplace.api.docs from installed files (no CDN)
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine or get_engine()
    app.state.health_checks = {}
    errors.install(app)
    search.install(app)
    api_docs.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route("/favicon.ico", favicon, include_in_schema=False)  # browsers ask for it on every page
    # listings first: its /offers/new must win over the detail route /offers/{offer_id}
    for router in (
        listing_import.router,
        listings.router,
        review.router,
        pages.router,
        auth.router,
        account.router,
        two_step.router,
        attachments.router,
        audit.router,
        collaboration_documents.router,
        meetings_page.router,
        stories_page.router,
        users.router,
        organizations.router,
        memberships.router,
        proposals.router,
        pipeline.router,
        dashboard.router,
        commissioned.router,
        glossary_page.router,
        inquiries.router,
        workspace.router,
        experts.router,
        events_page.router,
        api_v1.router,
        api_results.router,
        api_events.router,
        api_docs.router,
        open_data.router,
        feeds.router,
        saved_listings_page.router,
        search_page.router,
        api_search.router,
    ):
        app.include_router(router)
    app.add_middleware(two_step.SetupFirst)  # inside the session middleware: it reads the session
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.SECRET_KEY,
        session_cookie="hx_session",
        max_age=settings.SESSION_MAX_AGE_DAYS * 86400,
        same_site="lax",
        https_only=settings.COOKIE_SECURE,
    )
    app.add_middleware(Locale)
    uploads = {  # routes that take a file
        attachments.UPLOAD_PATH: attachments.UPLOAD_REQUEST_BYTES,
        organizations.LOGO_PATH: organizations.LOGO_REQUEST_BYTES,
        collaboration_documents.UPLOAD_PATH: collaboration_documents.UPLOAD_REQUEST_BYTES,
        listing_import.IMPORT_PATH: listing_import.IMPORT_REQUEST_BYTES,
    }
    app.add_middleware(BodyLimit, max_bytes=settings.MAX_REQUEST_BYTES, larger=uploads)
    return app
