"""Browser tests: the real app served by uvicorn on a loopback port, driven by Playwright in Debian's Chromium.

Each test module gets its own server on a fresh database loaded with the demo data. Screenshots
go to `screenshots/` (git-ignored) for people to look at.
"""

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe

from marketplace.app import create_app
from marketplace.config import ROOT, Settings
from marketplace.db import make_engine
from tests.conftest import copy_database

SCREENSHOTS = ROOT / "screenshots"
DEMO_PASSWORD = "HueDemo2026!"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (`-m "not browser"` leaves them out of the PostgreSQL pass),
    whether or not its module says so."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def chromium_path() -> str | None:
    found = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    return found if found and Path(found).exists() else None


@pytest.fixture(scope="module")
def live_server(seeded_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the app serving its own copy of the demo database."""
    url, drop = copy_database(seeded_template, tmp_path_factory.mktemp("live"), "live")
    engine = make_engine(url)
    settings = Settings(ENVIRONMENT="test", DATABASE_URL=url, SECRET_KEY="browser-test-" + "x" * 32)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, engine), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()
    drop()  # type: ignore[operator]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (its own browser download cannot work here)."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed: .ci/run must install it (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests not run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) at desktop size; `page.goto('/…')` is relative to the server."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def no_js_page(browser, live_server: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A browser with JavaScript turned off: every step must work with plain links and forms."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  java_script_enabled=False)  # fmt: skip
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def log_in(page, email: str, english: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Log in through the form as a demo user (all share the demo password)."""
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password" if english else "Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in" if english else "Đăng nhập").click()
    # Attached, not visible: at phone width the name sits in the folded header menu.
    expect(page.locator(".user-name")).to_be_attached()


def log_out(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.locator(".header-tools form button").click()
    expect(page.locator(".user-name")).to_have_count(0)


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot under screenshots/ and return its path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def accessibility_problems(page) -> list[str]:  # type: ignore[no-untyped-def]
    """What axe-core (the engine behind Lighthouse) finds on the page as it stands, one readable line each:
    rule, impact, where, and how to mend it."""
    found = Axe().run(page).response["violations"]
    return [
        f"{page.url}: {v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes']][:3]}: {v['help']}" for v in found
    ]
