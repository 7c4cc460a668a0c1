"""My exchange (/me), notifications and the unread count shown in the header."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlmodel import Session

from marketplace import listing_views, notifications, workspace
from marketplace.models import User
from marketplace.web.auth import safe_next
from marketplace.web.deps import Csrf, CurrentUser, PageNumber, RecordId, SessionDep
from marketplace.web.templating import env, render

router = APIRouter()


class SectionPages(BaseModel):
    """The page asked of each section of My exchange (`?sent_page=2`); junk or zero is refused (422), as on /offers."""

    received_page: PageNumber = 1
    sent_page: PageNumber = 1
    listings_page: PageNumber = 1
    proposals_page: PageNumber = 1
    collaborations_page: PageNumber = 1
    notifications_page: PageNumber = 1

    def by_section(self) -> dict[str, int]:
        return {name: getattr(self, f"{name}_page") for name in workspace.SECTIONS}

    def others(self, name: str) -> dict[str, int]:
        """The query parameters that keep the other sections on their page (the first pages are left out)."""
        return {f"{other}_page": n for other, n in self.by_section().items() if other != name and n > 1}


@router.get("/me", name="my_exchange")
def my_exchange(
    request: Request, session: SessionDep, user: CurrentUser, pages: Annotated[SectionPages, Query()]
) -> Response:
    """The whole page; or, for htmx, only the section a pager link asked for, or the counts of the
    sections (`me-nav`, counted again after an answer given on the page)."""
    target = request.headers.get("hx-target")
    only = target if target in workspace.SECTIONS else None
    block = only or ("me_nav" if target == "me-nav" else None)
    space = workspace.overview(session, user, pages.by_section(), only=only)
    keys = [(kind, listing.id) for kind, listing, _ in space.listings.rows if listing.id is not None]
    context = {
        "space": space,
        "views": listing_views.totals(session, keys) if keys else {},
        "other_pages": pages.others,
        "freshness_days": request.app.state.settings.LISTING_FRESHNESS_DAYS,
        "notice_text": notifications.text_of,
        "flash": None if block else request.session.pop("flash", None),
        "counted_again": block == "me_nav",
    }
    return render(request, "me.html", context, block=block)


@router.post("/notifications/{notification_id}/read", name="notification_read", dependencies=[Csrf])
def notification_read(request: Request, session: SessionDep, user: CurrentUser, notification_id: RecordId) -> Response:
    """Mark a notice read and follow its link."""
    notice = notifications.mark_read(session, user=user, notification_id=notification_id)
    target = safe_next(notice.link) if notice.link else str(request.url_for("my_exchange")) + "#notifications"
    return RedirectResponse(target, status_code=303)


@router.post("/notifications/read", name="notifications_read_all", dependencies=[Csrf])
def notifications_read_all(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    notifications.mark_all_read(session, user=user)
    return RedirectResponse(str(request.url_for("my_exchange")) + "#notifications", status_code=303)


def mark_seen(request: Request, session: Session, user: User | None, link: str | None = None) -> None:
    """The reader has opened the page `link` (this request's page by default): its notices are read now."""
    if user is not None:
        notifications.mark_read_at(session, user=user, link=link or request.url.path)


def notice_count(request: Request) -> int:
    """The reader's unread notices, counted once per request (the header shows it on every page)."""
    user = getattr(request.state, "user", None)
    if user is None or user.id is None:
        return 0
    count = getattr(request.state, "notice_count", None)
    if count is None:
        with Session(request.app.state.engine) as session:
            count = request.state.notice_count = notifications.unread_count(session, user.id)
    return int(count)


env.globals.update(notice_count=notice_count)
