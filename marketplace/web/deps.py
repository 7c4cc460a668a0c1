"""Request dependencies, defined once: the database session, the reader, CSRF, permissions."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlmodel import Session

from marketplace.errors import Forbidden, LoginRequired
from marketplace.i18n import Msg
from marketplace.models import Role, User
from marketplace.security import CSRF_FIELD, CSRF_HEADER, csrf_matches

SESSION_USER = "uid"
SESSION_EPOCH = "epoch"


def get_db(request: Request) -> Iterator[Session]:
    """One database session per request, on the app's engine."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]
# A record id in a path; beyond a 32-bit id PostgreSQL would fail, so such ids are "not found" (404).
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]
# A page number in a query string; junk or zero answers 422 with a message.
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


def load_user(request: Request, session: Session) -> User | None:
    """The signed-in user of this browser session, if the session is still valid."""
    uid = request.session.get(SESSION_USER)
    if not isinstance(uid, int):
        return None
    user = session.get(User, uid)
    if user is None or not user.is_active or user.session_epoch != request.session.get(SESSION_EPOCH):
        request.session.pop(SESSION_USER, None)
        return None
    return user


def optional_user(request: Request, session: SessionDep) -> User | None:
    user = load_user(request, session)
    request.state.user = user
    return user


def required_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise LoginRequired()
    return user


def staff_user(user: Annotated[User, Depends(required_user)]) -> User:
    if not user.is_staff:
        raise Forbidden(Msg("This page is for Department staff."))
    return user


def admin_user(user: Annotated[User, Depends(required_user)]) -> User:
    if user.role != Role.ADMIN:
        raise Forbidden(Msg("This page is for the exchange's administrators."))
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(required_user)]
StaffUser = Annotated[User, Depends(staff_user)]
AdminUser = Annotated[User, Depends(admin_user)]


class CsrfError(Forbidden):
    default = Msg("This form has expired. Please reload the page and try again; what you typed is kept below.")


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing request that does not carry this session's CSRF token."""
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        submitted = (await request.form()).get(CSRF_FIELD)  # type: ignore[assignment]
    if not csrf_matches(request.session, submitted if isinstance(submitted, str) else None):
        raise CsrfError()


Csrf = Depends(verify_csrf)


async def form_data(request: Request) -> dict[str, str]:
    """The submitted form as a plain dict (single values; use `form_lists` for multi-selects)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def form_lists(request: Request) -> dict[str, list[str]]:
    """The submitted form with every value of each field."""
    form = await request.form()
    return {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form.keys()}


FormData = Annotated[dict[str, str], Depends(form_data)]
FormLists = Annotated[dict[str, list[str]], Depends(form_lists)]
