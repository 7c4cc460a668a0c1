"""ASGI middleware: request size limit, the reader's language, security headers."""

import re
from http.cookies import SimpleCookie
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marketplace.i18n import DEFAULT_LOCALE, LOCALES, current_locale

LANG_COOKIE = "lang"
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    ),
]


class BodyLimit:
    """Answer 413 to a request body larger than `max_bytes`, declared or streamed; the paths matching a
    pattern of `larger` (those that take a file) may send up to its number of bytes."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app, self.max_bytes = app, max_bytes
        self.larger = [(re.compile(pattern), limit) for pattern, limit in (larger or {}).items()]

    def limit(self, path: str) -> int:
        return next((limit for pattern, limit in self.larger if pattern.match(path)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await _too_large(scope, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > max_bytes:
                raise TooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except TooLarge:
            await _too_large(scope, send)


class TooLarge(Exception):
    pass


async def _too_large(scope: Scope, send: Send) -> None:
    from marketplace.web.errors import STATUS_MESSAGES

    token = current_locale.set(_locale_of(scope))
    try:
        body = str(STATUS_MESSAGES[413]).encode()
    finally:
        current_locale.reset(token)
    await send(
        {"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"text/plain; charset=utf-8")]}
    )
    await send({"type": "http.response.body", "body": body})


class Locale:
    """Set the reader's language for the request: `?lang=`, then the cookie, else Vietnamese."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = current_locale.set(_locale_of(scope))
        try:
            await self.app(scope, receive, _with_security_headers(send))
        finally:
            current_locale.reset(token)


def _with_security_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
        await send(message)

    return wrapped


def _locale_of(scope: Scope) -> str:
    headers: dict[bytes, Any] = dict(scope.get("headers", []))
    query = scope.get("query_string", b"").decode("latin-1")
    for part in query.split("&"):
        if part.startswith("lang=") and part[5:] in LOCALES:
            return part[5:]
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
    except Exception:  # a malformed cookie header must not break the page
        cookie = SimpleCookie()
    if LANG_COOKIE in cookie and cookie[LANG_COOKIE].value in LOCALES:
        return cookie[LANG_COOKIE].value
    return DEFAULT_LOCALE  # Vietnamese first, whatever the browser asks for
