"""Phrase sets: where glossary terms, generic words and place names occur in a clause."""

from matching.lexicon import PhraseSet

PHRASES = PhraseSet.of(["tinh dầu", "tinh dầu tràm", "tràm", "A Lưới"])


def test_spans_find_every_phrase_including_overlapping_ones_in_order():
    tokens = "chiết xuất tinh dầu tràm ở a lưới".split()
    assert PHRASES.spans(tokens, accented=True) == [(2, 4), (2, 5), (4, 5), (6, 8)]


def test_spans_in_text_without_accents_match_the_folded_phrases():
    assert PHRASES.spans("tinh dau tram o a luoi".split(), accented=False) == [(0, 2), (0, 3), (2, 3), (4, 6)]


def test_accented_text_matches_only_the_accented_spelling():
    assert PHRASES.spans("tinh dau trầm".split(), accented=True) == []


def test_a_phrase_cut_by_the_end_of_the_clause_is_not_found():
    assert PHRASES.spans(["tinh"], accented=True) == []


def test_covers_needs_every_token_in_a_phrase_or_the_extra_words():
    assert PHRASES.covers("tinh dầu tràm".split(), accented=True)
    assert PHRASES.covers("tràm và tinh dầu".split(), accented=True, also=frozenset({"và"}))
    assert not PHRASES.covers("dầu tràm".split(), accented=True)
