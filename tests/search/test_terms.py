"""Reading what was typed: words, phrases, the prefix being typed, glossary synonyms."""

from marketplace.search.synonyms import Synonyms
from marketplace.search.terms import Term, parse


def test_words_are_folded_for_the_index_but_kept_for_display() -> None:
    terms = parse("Phong  ĐIỀN ")
    assert [t.words for t in terms.items] == [("phong",), ("điền",)]
    assert terms.fts5() == '"phong" AND "dien"'
    assert terms.tsquery() == "'phong' & 'dien'"


def test_the_last_word_is_a_prefix_until_a_space_follows() -> None:
    assert parse("tinh dầu tr").items[-1] == Term(("tr",), prefix=True)
    assert parse("tinh dầu tr ").items[-1] == Term(("tr",))
    assert parse("tinh dầu t").items[-1] == Term(("t",))  # one letter would match half the index


def test_quoted_words_make_a_phrase_and_an_unclosed_quote_is_ignored() -> None:
    assert parse('"dầu tràm" Huế').fts5() == '"dau tram" AND "hue"*'
    assert parse('"dầu tràm').fts5() == '"dau" AND "tram"*'


def test_operator_characters_never_reach_an_engine() -> None:
    terms = parse('NEAR(a* OR -b:c) ^d "ef')
    assert terms.fts5() == '"near" AND "a" AND "or" AND "b" AND "c" AND "d" AND "ef"*'
    assert terms.meilisearch() == "near a or b c d ef"


def test_accented_words_look_up_only_the_accented_glossary_phrase() -> None:
    synonyms = Synonyms([("cá", "fish"), ("tinh dầu", "essential oil")])
    assert synonyms.expand(parse("cà ")).fts5() == '"ca"'
    assert synonyms.expand(parse("cá ")).fts5() == '("ca" OR "fish")'
    assert synonyms.expand(parse("ca ")).fts5() == '("ca" OR "fish")'


def test_glossary_phrases_typed_as_words_become_one_term_with_their_translation() -> None:
    synonyms = Synonyms([("tinh dầu", "essential oil")])
    terms = synonyms.expand(parse("tinh dau tram "))
    assert terms.fts5() == '("tinh dau" OR "essential oil") AND "tram"'
    assert terms.tsquery() == "(('tinh' <-> 'dau') | ('essential' <-> 'oil')) & 'tram'"


def test_words_side_by_side_are_paired_for_ranking() -> None:
    assert [p.fts5() for p in parse("duoc lieu hue").adjacent_pairs()] == ['"duoc lieu"', '"lieu hue"*']
