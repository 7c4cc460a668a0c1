"""My exchange (/me), notifications and the unread count shown in the header."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from marketplace import notifications, workspace
from marketplace.web.auth import safe_next
from marketplace.web.deps import Csrf, CurrentUser, SessionDep
from marketplace.web.inquiries import RecordId
from marketplace.web.templating import env, render

router = APIRouter()


@router.get("/me", name="my_exchange")
def my_exchange(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    context = {
        "space": workspace.overview(session, user),
        "freshness_days": request.app.state.settings.LISTING_FRESHNESS_DAYS,
        "notice_text": notifications.text_of,
        "flash": request.session.pop("flash", None),
    }
    return render(request, "me.html", context)


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
