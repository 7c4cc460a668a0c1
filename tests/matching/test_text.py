"""Vietnamese analysis: normalisation, folding, tokens, function words."""

import unicodedata

from matching.text import (
    FUNCTION_WORDS,
    VietnameseAnalyzer,
    fold,
    normalize,
    token_lines,
    tokenize,
    tone_placements,
    usable_terms,
)


def test_fold_removes_every_vietnamese_mark_including_d_stroke():
    assert (
        fold("Phong Điền, đầm phá Thừa Thiên Huế, ưu tiên, ở, Ỷ") == "Phong Dien, dam pha Thua Thien Hue, uu tien, o, Y"
    )


def test_fold_leaves_other_scripts_alone():
    assert fold("技术 Технология تكنولوجيا") == "技术 Технология تكنولوجيا"


def test_normalize_turns_decomposed_text_into_lowercase_nfc():
    decomposed = unicodedata.normalize("NFD", "Tinh Dầu Tràm")
    assert normalize(decomposed) == "tinh dầu tràm"


def test_old_and_new_tone_placement_normalise_alike():
    assert normalize("hoà tan") == normalize("hòa tan")
    assert normalize("Thuỷ Biều") == normalize("Thủy Biều")
    assert normalize("hoàn thành") == "hoàn thành"


def test_a_word_is_spelt_with_each_tone_placement_in_use():
    assert tone_placements("thuỷ") == tone_placements("Thủy") == ("thủy", "thuỷ")
    assert tone_placements("hoà") == ("hòa", "hoà")
    assert tone_placements("khoẻ") == ("khỏe", "khoẻ")
    # one way only: a final consonant after the pair, qu (an onset), other vowels
    assert [tone_placements(w) for w in ("hoàng", "quý", "cà", "huế")] == [("hoàng",), ("quý",), ("cà",), ("huế",)]


def test_one_letter_syllables_are_kept():
    assert tokenize("Ở Huế, ý tưởng về ô-xy") == ["ở", "huế", "ý", "tưởng", "về", "ô", "xy"]


def test_analyzer_gives_folded_and_exact_unigrams_and_bigrams():
    features = VietnameseAnalyzer()("Tinh dầu tràm")
    assert {"tinh", "dau", "tram", "tinh dau", "dau tram"} <= set(features)
    assert {"=tinh", "=dầu", "=tràm", "=tinh dầu", "=dầu tràm"} <= set(features)


def test_function_words_drop_as_unigrams_but_stay_inside_bigrams():
    features = set(VietnameseAnalyzer()("tinh dầu của tràm"))
    assert "=của" not in features and "cua" not in features
    assert "=dầu của" in features


def test_ngrams_made_only_of_function_words_are_left_out():
    features = set(VietnameseAnalyzer()("cam và các loại cây có múi"))
    assert "=và các" not in features and "va cac" not in features
    assert {"=cam và", "=các loại", "=cây có", "=có múi"} <= features


def test_function_words_match_only_their_accented_form():
    features = set(VietnameseAnalyzer()("lá sen là dược liệu, cửa hàng"))
    assert "=lá" in features and "=cửa" in features
    assert "=là" not in features


def test_content_words_that_generic_lists_drop_are_kept():
    assert not {"số", "cây", "mới", "cao"} & FUNCTION_WORDS
    features = set(VietnameseAnalyzer()("chuyển đổi số cây dược liệu mới cao"))
    assert {"=số", "=cây", "=mới", "=cao"} <= features


def test_ngrams_do_not_cross_line_breaks():
    assert token_lines("tinh dầu\ntràm gió") == [["tinh", "dầu"], ["tràm", "gió"]]
    assert "dau tram" not in VietnameseAnalyzer()("tinh dầu\ntràm gió")


def test_usable_terms_counts_distinct_content_words():
    assert usable_terms("Tinh dầu tràm, tinh dầu sả") == 4
    assert usable_terms("và của các") == 0
    assert usable_terms("😀🎉 !!! ...") == 0
    assert usable_terms("") == 0
