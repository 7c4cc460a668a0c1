"""The fast encoder counts exactly the features the string analyser gives, in every configuration."""

from collections import Counter

import pytest

from matching.encoding import Encoder
from matching.text import FUNCTION_WORDS, VietnameseAnalyzer

FITTED = [
    "Quy trình chưng cất tinh dầu tràm gió quy mô hộ gia đình, hiệu suất 1,2%.",
    "Nhu cầu: công nghệ sấy lạnh dược liệu cà gai leo của hợp tác xã Phong Điền\nvà các sản phẩm OCOP.",
    "Hoà tan hoạt chất; thuỷ phân enzyme — ở Huế, ý tưởng về ô-xy hoá.",
    "Essential oil distillation for cajeput (Melaleuca) in Thừa Thiên Huế",
    "",
    "😀 !!! 中文 текст ελληνικά",
]
QUERIES = [
    "tinh dau tram gio",  # accent-free: only known syllables
    "tinh dâu trầm hương cao cấp",  # wrong accent, unknown syllables whose folded forms are known
    "cây có múi và các loại cam\nsấy lạnh",
    "Đổi mới sáng tạo chuyển đổi số 2026",
]


def analyser_features(analyzer: VietnameseAnalyzer, text: str) -> Counter[str]:
    return Counter(analyzer(text))


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (1, 3), (2, 2), (2, 3)])
@pytest.mark.parametrize("exact_view", [True, False])
def test_fitted_texts_get_the_analyser_features(ngram_range, exact_view):
    analyzer = VietnameseAnalyzer(ngram_range, exact_view, FUNCTION_WORDS)
    encoder = Encoder(analyzer.stop_words, ngram_range, exact_view)
    rows, codes, accented = encoder.encode(FITTED, grow=True)
    for row, text in enumerate(FITTED):
        encoded = Counter(encoder.term(int(c)) for c in codes[rows == row])
        assert encoded == analyser_features(analyzer, text), text
    assert list(accented) == [True, True, True, True, False, False]  # fold() leaves other scripts alone


@pytest.mark.parametrize("ngram_range", [(1, 2), (1, 3)])
def test_new_texts_get_the_analyser_features_that_the_fitted_texts_know(ngram_range):
    analyzer = VietnameseAnalyzer(ngram_range, True, FUNCTION_WORDS)
    encoder = Encoder(analyzer.stop_words, ngram_range, True)
    fitted_rows, fitted_codes, _ = encoder.encode(FITTED, grow=True)
    known_codes = set(fitted_codes.tolist())
    known = {encoder.term(c) for c in known_codes}
    size = len(encoder.table.ids)
    rows, codes, accented = encoder.encode(QUERIES)
    assert len(encoder.table.ids) == size  # querying numbers no new syllable
    for row, text in enumerate(QUERIES):
        encoded = Counter(encoder.term(c) for c in codes[rows == row].tolist() if c in known_codes)
        expected = Counter({t: n for t, n in analyser_features(analyzer, text).items() if t in known})
        assert encoded == expected, text
    assert list(accented) == [False, True, True, True]


def test_an_unknown_accented_syllable_still_meets_its_folded_twin():
    encoder = Encoder(frozenset(), (1, 2), True)
    fitted = set(encoder.encode(["tinh dầu tràm"], grow=True).codes.tolist())
    _, codes, _ = encoder.encode(["tinh dâu"])
    assert {encoder.term(c) for c in codes.tolist() if c in fitted} == {"tinh", "dau", "tinh dau", "=tinh"}


def test_codes_know_their_kind():
    encoder = Encoder(frozenset(), (1, 2), True)
    _, codes, _ = encoder.encode(["dược liệu Huế"], grow=True)
    terms = [encoder.term(int(c)) for c in codes]
    assert list(encoder.kinds(codes)) == [2 if t.startswith("=") else 0 if " " in t else 1 for t in terms]
