"""Explanations show whole shared Vietnamese terms: no fragments, numbers, generic words or places."""

import json
from pathlib import Path

import pytest

from matching import TfidfMatcher, fold, load_glossary
from matching.lexicon import DATA, read_words

SEED = Path(__file__).resolve().parents[2] / "seed_data"

OFFER = (
    "Nước súc miệng thảo dược từ lá ổi và trà xanh cho bệnh nhân xạ trị\n"
    "Chăm sóc hỗ trợ bệnh nhân ung thư tại khoa ung bướu, ổn định 18 tháng, thử nghiệm năm 2020 ở A Lưới.\n"
    "Chiết xuất tinh dầu tràm gió bằng chưng cất hơi nước; nhân giống in vitro cây dược liệu"
)
OTHERS = [
    "Phần mềm quản lý bán hàng cho cửa hàng tạp hóa",
    "Máy sấy nông sản bằng năng lượng mặt trời",
    "Cá giống nuôi lồng trên đầm phá",
]
NEED = (
    "Khoa ung bướu cần nước súc miệng cho bệnh nhân xạ trị, chăm sóc hỗ trợ trong thời gian dài.\n"
    "Thử nghiệm 18 tháng từ năm 2020 ở A Lưới; tìm thảo mộc và vật liệu mới.\n"
    "Hợp tác xã cần tinh dầu tràm và nhân giống in vitro"
)


@pytest.fixture(scope="module")
def terms() -> list[str]:
    glossary = load_glossary(SEED / "glossary.csv")
    return TfidfMatcher(glossary=glossary).fit([OFFER, *OTHERS]).explain(NEED, 0, n=10)


def test_explanations_show_the_longest_shared_phrase(terms):
    assert {"tinh dầu tràm", "chăm sóc hỗ trợ", "nước súc miệng", "nhân giống in vitro"} <= set(terms)


def test_explanations_never_show_a_phrase_cut_inside_a_word(terms):
    assert not {"chăm sóc hỗ", "tinh dầu", "sóc hỗ trợ", "vitro", "nhân giống in"} & set(terms)


def test_explanations_never_show_a_syllable_torn_out_of_a_word(terms):
    assert not {"thảo", "liệu", "hỗ", "dầu", "trợ"} & set(terms)


def test_explanations_never_show_numbers_or_years(terms):
    assert not any(token.isdigit() for term in terms for token in term.split())


def test_explanations_never_show_generic_project_words(terms):
    assert not {"thời gian", "thử nghiệm", "hỗ trợ", "tháng", "năm"} & set(terms)


def test_explanations_never_show_place_name_syllables(terms):
    assert not any(word in {"lưới", "a"} for term in terms for word in term.split())


def test_an_accent_free_need_is_explained_in_the_offers_accented_words():
    matcher = TfidfMatcher().fit([OFFER, *OTHERS])
    terms = matcher.explain("cham soc ho tro benh nhan ung thu, tinh dau tram o A Luoi", 0)
    assert "tinh dầu tràm" in terms and "chăm sóc hỗ trợ bệnh nhân ung thư" in terms
    assert not any(fold(word) == "luoi" for term in terms for word in term.split())


def test_a_weak_match_shows_few_terms_rather_than_filler():
    matcher = TfidfMatcher().fit([OFFER, *OTHERS])
    assert matcher.explain("Xây dựng hệ thống trong thời gian ngắn, hỗ trợ nghiên cứu ứng dụng", 0) == []


def test_a_one_syllable_glossary_word_may_stand_alone():
    glossary = load_glossary(SEED / "glossary.csv")
    matcher = TfidfMatcher(glossary=glossary).fit(["Giống tràm năng suất cao", *OTHERS])
    assert matcher.explain("Cần cây tràm cho vùng cát", 0) == ["tràm"]


def test_the_place_list_has_every_ward_of_the_seed_data():
    places = set(read_words(DATA / "places.txt"))
    wards = json.loads((SEED / "wards.json").read_text(encoding="utf-8"))
    for ward in wards:
        for name in ward["name"].rstrip("0123456789 ").split(" - "):
            assert name in places


def test_explaining_other_queries_in_between_changes_no_terms():
    matcher = TfidfMatcher().fit([OFFER, *OTHERS])
    first = matcher.explain(NEED, 0, n=10)
    matcher.explain("Máy sấy nông sản cho hợp tác xã", 2)
    matcher.explain("cham soc ho tro benh nhan ung thu", 0)
    assert matcher.explain(NEED, 0, n=10) == first


def test_a_refitted_matcher_explains_its_new_texts():
    matcher = TfidfMatcher().fit([OFFER, *OTHERS])
    matcher.explain(NEED, 0)
    texts = [OFFER, "Trà xanh và lá ổi cho khoa ung bướu", *OTHERS]  # new words: other columns
    matcher.fit(texts)
    assert matcher.explain(NEED, 0, n=10) == TfidfMatcher().fit(texts).explain(NEED, 0, n=10)
