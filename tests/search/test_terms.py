"""Reading what was typed: words, phrases, the prefix being typed, glossary synonyms."""

from marketplace.search.synonyms import Synonyms
from marketplace.search.terms import Term, Terms, parse


def test_words_are_folded_for_the_index_but_kept_for_display() -> None:
    terms = parse("Phong  ĐIỀN ")
    assert [t.words for t in terms.items] == [("phong",), ("điền",)]
    assert terms.fts5() == '"phong" AND "dien"'
    assert terms.tsquery() == "'phong' & 'dien'"


def test_the_last_word_is_a_prefix_until_a_space_follows() -> None:
    assert parse("tinh dầu tr").items[-1] == Term(("tr",), prefix=True)
    assert parse("tinh dầu tr ").items[-1] == Term(("tr",))
    # the first letter of a word being typed waits for the second (a prefix of one letter would match half
    # the index, the letter as a word next to nothing); alone, or after a space, it is a word
    assert parse("tinh dầu t") == parse("tinh dầu ") == Terms((Term(("tinh",)), Term(("dầu",))))
    assert parse("t").items == (Term(("t",)),)
    assert parse("vitamin c ").items[-1] == Term(("c",))
    assert parse("trl 5").items[-1] == Term(("5",))  # a digit is a whole number


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


def marked(text: str, query: str) -> str:
    from marketplace.search import marking

    return marking.mark(text, marking.pattern(parse(query))).replace("\ue000", "[").replace("\ue001", "]")


def test_matches_are_marked_in_the_original_text_whatever_the_accents() -> None:
    assert marked("Nhà máy điện ở Phong Điền", "phong dien ") == "Nhà máy [điện] ở [Phong] [Điền]"
    assert marked("Chưng cất tinh dầu tràm gió", "tinh dầu tr") == "Chưng cất [tinh] [dầu] [tràm] gió"
    assert marked("Dầu tràm, dầu-tràm và tràm dầu", '"dầu tràm"') == "[Dầu tràm], [dầu-tràm] và tràm dầu"


def test_a_snippet_is_cut_around_the_first_match_at_word_boundaries() -> None:
    from marketplace.search import marking

    text = "Mở đầu dài " * 30 + "quy trình nuôi cấy nấm đông trùng hạ thảo" + " phần cuối" * 30
    snippet = marking.snippet(text, marking.pattern(parse("dong trung ")))
    assert snippet is not None and snippet.startswith("…") and snippet.endswith("…")
    assert "\ue000đông\ue001 \ue000trùng\ue001" in snippet
    assert len(snippet) < 260
    assert marking.snippet("không có gì", marking.pattern(parse("dong trung "))) is None


def test_a_short_prefix_is_the_last_word_typed_with_fewer_than_three_letters() -> None:
    assert parse("cây giống sạ").short_prefix() == Term(("sạ",), prefix=True)
    assert parse("cây giống sạch").short_prefix() is None  # a prefix long enough to weigh
    assert parse("cây sạ ").short_prefix() is None  # a space after it: a whole word
    assert parse("cà").without(Term(("cà",), prefix=True)) == Terms((Term(("cà",)),))  # alone: the word typed
    assert parse("sấy ca").without(Term(("ca",), prefix=True)) == Terms((Term(("sấy",)),))
