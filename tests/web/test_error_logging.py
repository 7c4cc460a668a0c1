"""What the log says when things go wrong: a browser that left is no error, a real failure is one."""

import logging

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message


async def _post_and_leave(app: FastAPI, path: str) -> list[Message]:
    """POST a form to `path` from a client that disconnects before sending its body; what the app sent back."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/x-www-form-urlencoded"),
                    (b"content-length", b"120"), (b"hx-request", b"true")],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def test_a_browser_leaving_during_the_live_quality_check_is_logged_as_info_without_a_trace(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with anyio.from_thread.start_blocking_portal() as portal:  # its own event loop (Playwright may hold this thread's)
        sent = portal.call(_post_and_leave, app, "/needs/coach")
    assert sent[0]["status"] == 499  # answered (to nobody), not re-raised for the server to log as a crash
    [record] = [r for r in caplog.records if "client disconnected" in r.getMessage()]
    assert record.levelno == logging.INFO and record.exc_info is None
    assert "POST /needs/coach" in record.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_real_error_is_still_logged_with_its_traceback(app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise RuntimeError("the database went away")

    app.add_api_route("/broken-for-test", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/broken-for-test")
    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == "marketplace" and r.levelno == logging.ERROR]
    assert "unhandled error on GET /broken-for-test" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
