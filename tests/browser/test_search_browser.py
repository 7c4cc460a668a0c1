"""Active search in a real browser: typing updates the results and the address, facets narrow them."""

from urllib.parse import parse_qs, urlsplit

from tests.browser.conftest import screenshot


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_typing_without_accents_finds_accented_listings_and_the_address_follows(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/search")
    page.get_by_label("Bạn đang tìm gì?").fill("tinh dau tram")
    page.wait_for_url(lambda url: query_of(url).get("q") == ["tinh dau tram"])
    marks = page.locator(".search-hit mark").all_inner_texts()
    assert any("tràm" in m.lower() for m in marks)
    screenshot(page, "search-typing")
    page.locator("#facet-sector input[value=medicinal]").check()
    page.wait_for_url(lambda url: query_of(url).get("sector") == ["medicinal"])
    assert page.locator("#facet-sector input[value=medicinal]").is_checked()
    assert page.locator(".search-chips .chip").inner_text().startswith("Dược liệu")
    screenshot(page, "search-facet")


def test_a_shared_search_address_opens_the_same_results(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/search?q=chuyen+doi+so&kind=offer&sort=newest")
    assert page.get_by_label("Bạn đang tìm gì?").input_value() == "chuyen doi so"
    assert page.locator("#facet-kind input[value=offer]").is_checked()
    assert page.locator("select[name=sort]").input_value() == "newest"
    assert page.locator(".search-hit .badge.offer").count() == page.locator(".search-hit").count() > 0


def test_the_search_page_on_a_phone(page) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/search?q=sen+hue")
    assert page.locator(".search-hit").count() > 0
    assert page.locator(".search-jump a").is_visible()
    screenshot(page, "search-phone")
