"""One place that turns errors into a page, an htmx toast or JSON; never a stack trace."""

import logging
from urllib.parse import quote

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from marketplace.errors import DomainError, Invalid, LoginRequired, NotFound
from marketplace.i18n import Msg
from marketplace.web.templating import is_htmx, render

log = logging.getLogger("marketplace")
CLIENT_CLOSED_REQUEST = 499  # nginx's status for a request the client gave up on; nobody receives it

STATUS_MESSAGES = {
    400: Msg("The request could not be understood."),
    404: NotFound.default,
    405: Msg("This action is not available here."),
    413: Msg("What you sent is too large. Please shorten it or send smaller files."),
    422: Msg("Some of the values sent are not valid."),
    500: Msg("Something went wrong on our side. Nothing you typed was lost; please try again."),
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status_code: int, message: Msg, errors: dict[str, Msg] | None = None) -> Response:
    """The error as JSON for the API, a toast for htmx, or a whole page."""
    if wants_json(request):
        body: dict[str, object] = {"detail": str(message)}
        if errors:
            body["errors"] = {field: str(msg) for field, msg in errors.items()}
        return JSONResponse(body, status_code=status_code)
    context = {"status_code": status_code, "message": message}
    if is_htmx(request):
        headers = {"HX-Retarget": "#toasts", "HX-Reswap": "beforeend"}
        return render(request, "error.html", context, block="toast", status_code=status_code, headers=headers)
    return render(request, "error.html", context, status_code=status_code)


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if isinstance(exc, LoginRequired) and not wants_json(request):
        target = request.url_for("login_page").include_query_params(next=_local_path(request))
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": str(target)})
        return RedirectResponse(str(target), status_code=303)
    errors = exc.errors if isinstance(exc, Invalid) else None
    return error_response(request, exc.status_code, exc.message, errors)


def _local_path(request: Request) -> str:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return quote(path, safe="/?=&")


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = STATUS_MESSAGES.get(exc.status_code, STATUS_MESSAGES[400])
    return error_response(request, exc.status_code, message)


async def validation_error(request: Request, exc: Exception) -> Response:
    """422 for bad query or form values; 404 when a path segment (a record id, a kind) cannot be one."""
    assert isinstance(exc, RequestValidationError)
    if any(tuple(e.get("loc", ()))[:1] == ("path",) for e in exc.errors()):
        # /offers/abc, /organizations/0 and /offers/99999999999 name no record, like /offers/999999
        return error_response(request, 404, STATUS_MESSAGES[404])
    errors = {
        ".".join(str(p) for p in e.get("loc", ())[1:]) or "request": Msg("This value is not valid.")
        for e in exc.errors()
    }
    return error_response(request, 422, STATUS_MESSAGES[422], errors)


async def client_gone(request: Request, exc: Exception) -> Response:
    """The browser left before its request was read (a closed tab while htmx checked a form): nothing to fix, no trace."""
    log.info("client disconnected during %s %s (%s)", request.method, request.url.path, type(exc).__name__)
    return Response(status_code=CLIENT_CLOSED_REQUEST)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, STATUS_MESSAGES[500])


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    # Reading the body of a request whose client has gone raises these; answered here, before the catch-all,
    # they are not logged as errors (the catch-all's exception would also be re-raised for the server to log).
    app.add_exception_handler(ClientDisconnect, client_gone)
    app.add_exception_handler(anyio.EndOfStream, client_gone)
    app.add_exception_handler(Exception, unexpected_error)
