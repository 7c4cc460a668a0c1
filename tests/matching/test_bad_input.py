"""Bad input neither crashes nor hangs; texts without usable terms get no results."""

import time

import pytest

from matching import TfidfMatcher, usable_terms

NO_TERMS = ["", "   \n\t  ", "😀🎉🙏", "!!! ... ---"]
OTHER_SCRIPTS = ["技术转让与创新", "Технология передачи", "نقل التكنولوجيا"]


@pytest.mark.parametrize("text", NO_TERMS)
def test_a_text_without_usable_terms_gets_no_results(offers, text):
    matcher = TfidfMatcher().fit(offers)
    assert usable_terms(text) == 0
    assert matcher.rank([text]) == [[]]
    assert matcher.explain(text, 0) == []


@pytest.mark.parametrize("text", OTHER_SCRIPTS)
def test_other_scripts_are_handled(offers, text):
    matcher = TfidfMatcher().fit([*offers, text])
    assert matcher.rank([text], k=1)[0][0][0] == len(offers)
    assert matcher.rank(["tinh dầu tràm"], k=10)[0][0][0] == 0


def test_fit_on_a_corpus_of_empty_texts_gives_no_results():
    matcher = TfidfMatcher().fit(["", "  ", "😀"])
    assert matcher.rank(["tinh dầu tràm", ""]) == [[], []]
    assert matcher.explain("tinh dầu", 0) == []


def test_fit_on_no_texts_gives_no_results():
    assert TfidfMatcher().fit([]).rank(["tinh dầu"]) == [[]]


def test_a_one_megabyte_text_is_matched_quickly(offers):
    huge = ("Chiết xuất tinh dầu tràm ở Phong Điền. " * 27_000)[:1_000_000]
    started = time.perf_counter()
    matcher = TfidfMatcher().fit([*offers, huge])
    assert matcher.rank([huge], k=1)[0][0][0] == len(offers)
    assert "tinh dầu tràm" in " ".join(matcher.explain(huge, 0))
    assert time.perf_counter() - started < 15


def test_rank_with_k_below_one_is_refused(offers):
    with pytest.raises(ValueError, match="k must be"):
        TfidfMatcher().fit(offers).rank(["tinh dầu"], k=0)


def test_text_beyond_max_chars_is_ignored():
    matcher = TfidfMatcher(max_chars=12).fit(["Phong Điền, tinh dầu tràm"])
    assert matcher.rank(["phong điền"]) != [[]]
    assert matcher.rank(["tinh dầu tràm"]) == [[]]
