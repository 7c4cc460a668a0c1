"""Accessibility: axe-core (the engine behind Lighthouse and the axe browser extension) finds nothing to
report on the pages each kind of user reaches, in Vietnamese and in English, on the demo data.

axe checks what a program can: contrast, names of links, buttons and fields, landmarks, headings, ARIA
roles, the page's language. Keyboard use and reading order are covered by the other browser tests."""

import re

import pytest

from tests.browser.conftest import accessibility_problems, log_in

pytestmark = pytest.mark.browser

PUBLIC = ["/", "/search?q=tinh+dau+tram", "/search?q=duoc+lieu&kind=offer&sector=medicinal", "/offers", "/needs",
          "/organizations", "/experts", "/dashboard", "/open-data", "/login", "/register", "/password/forgot"]  # fmt: skip
# Detail pages: the first link of each kind on these pages.
DETAILS = {"/offers": r"/offers/\d+$", "/needs": r"/needs/\d+$", "/organizations": r"/organizations/\d+$",
           "/experts": r"/experts/\d+$"}  # fmt: skip
WITH_FILES = ["Chưng cất phân đoạn chân không", "Nồi chưng cất tinh dầu tràm bằng inox"]
MEMBER = {
    "enterprise@demo.hue.vn": [
        "/me",
        "/inquiries",
        "/account",
        "/needs/new",
        "/saved-searches",
        "/search?q=sen+hue",
        "/listings/import",
        "/account/two-step/setup",
    ],
    "researcher@demo.hue.vn": ["/me", "/offers/new", "/account/password", "/account/two-step"],
    "admin@demo.hue.vn": ["/users", "/users?q=nguyen&state=active"],
}
STAFF = ["/review", "/pipeline", "/pipeline?view=list", "/dashboard", "/audit", "/glossary", "/memberships",
         "/commissioned/new", "/collaborations/new", "/listings/import", "/inquiries",
         "/inquiries?state=all"]  # fmt: skip


def problems(page, path: str) -> list[str]:  # type: ignore[no-untyped-def]
    """axe's findings on `path`, one readable line each: rule, impact, where, and how to mend it."""
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: HTTP {response.status if response else '?'}"
    page.wait_for_load_state("networkidle")
    return accessibility_problems(page)


def first_link(page, path: str, pattern: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(path)
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    found = [h for h in hrefs if re.search(pattern, h.split("?")[0])]
    assert found, f"no link matching {pattern} on {path}"
    return str(found[0])


def titled_link(page, path: str, title: str) -> str:  # type: ignore[no-untyped-def]
    """The link of the search hit holding `title` (in English, a translated listing shows it as its original)."""
    page.goto(path)
    return str(page.locator("main .search-hit", has_text=title).first.locator("a").first.get_attribute("href"))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_public_pages(page, language: str) -> None:  # type: ignore[no-untyped-def]
    if language == "en":
        page.goto("/lang/en?next=/")
    details = [first_link(page, path, pattern) for path, pattern in DETAILS.items()]
    for title in WITH_FILES:  # pictures, documents and a file kept for contacts
        details.append(titled_link(page, "/search?q=tinh+dau+tram&kind=offer", title))
    found = [line for path in [*PUBLIC, *details] for line in problems(page, path)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("email", list(MEMBER))
def test_member_pages(page, email: str) -> None:  # type: ignore[no-untyped-def]
    log_in(page, email)
    found = [line for path in MEMBER[email] for line in problems(page, path)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_staff_pages(page, language: str) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "staff@demo.hue.vn")
    if language == "en":
        page.goto("/lang/en?next=/")
    collaboration = first_link(page, "/pipeline?view=list", r"/collaborations/\d+$")
    found = [line for path in [*STAFF, collaboration] for line in problems(page, path)]
    assert not found, "\n".join(found)
