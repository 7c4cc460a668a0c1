"""Paging: how many pages a list fills, and the asked page moved into range with its offset."""

import pytest

from marketplace.db import Paging, page_count, paginate


@pytest.mark.parametrize(("total", "pages"), [(0, 1), (1, 1), (10, 1), (11, 2), (20, 2), (21, 3)])
def test_page_count_rounds_up_and_is_never_zero(total: int, pages: int) -> None:
    assert page_count(total, 10) == pages


def test_an_empty_list_has_one_page_starting_at_the_first_row() -> None:
    assert paginate(0, 1, 10) == Paging(number=1, pages=1, offset=0)


def test_an_empty_list_asked_for_a_later_page_shows_its_only_page() -> None:
    assert paginate(0, 5, 10) == Paging(number=1, pages=1, offset=0)


def test_a_page_in_range_starts_after_the_pages_before_it() -> None:
    assert paginate(25, 2, 10) == Paging(number=2, pages=3, offset=10)


def test_the_last_page_may_be_partly_filled() -> None:
    assert paginate(25, 3, 10) == Paging(number=3, pages=3, offset=20)


def test_a_page_past_the_end_shows_the_last_one() -> None:
    assert paginate(25, 99, 10) == Paging(number=3, pages=3, offset=20)


@pytest.mark.parametrize("asked", [0, -1, -100])
def test_a_page_before_the_first_shows_the_first(asked: int) -> None:
    assert paginate(25, asked, 10) == Paging(number=1, pages=3, offset=0)


def test_a_full_last_page_is_not_followed_by_an_empty_one() -> None:
    assert paginate(20, 3, 10) == Paging(number=2, pages=2, offset=10)
