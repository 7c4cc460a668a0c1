"""Top-k products: sparse_dot_topn and the scipy fallback agree."""

import pytest

from matching import TfidfMatcher, topn

QUERIES = [
    "tinh dầu tràm",
    "đầm phá Tam Giang",
    "truy xuất nguồn gốc OCOP",
    "lá sen",
    "😀",
    "chuyển đổi số làng nghề",
    "trầm hương dó bầu",
]


def _rankings(offers, monkeypatch, *, use_topn: bool, chunk_size: int = 5000):
    with monkeypatch.context() as patch:
        if use_topn:
            assert topn.sp_matmul_topn is not None
            patch.setattr(topn, "MIN_ROWS_FOR_TOPN", 0)
        else:
            patch.setattr(topn, "sp_matmul_topn", None)
        return TfidfMatcher(chunk_size=chunk_size).fit(offers).rank(QUERIES, k=3)


def _same(left, right):
    assert [[i for i, _ in row] for row in left] == [[i for i, _ in row] for row in right]
    for row_left, row_right in zip(left, right, strict=True):
        assert [s for _, s in row_left] == pytest.approx([s for _, s in row_right], abs=1e-6)


def test_scipy_fallback_equals_sparse_dot_topn(offers, monkeypatch):
    _same(_rankings(offers, monkeypatch, use_topn=False), _rankings(offers, monkeypatch, use_topn=True))


def test_results_do_not_depend_on_the_chunk_size(offers, monkeypatch):
    for use_topn in (True, False):
        _same(
            _rankings(offers, monkeypatch, use_topn=use_topn, chunk_size=2),
            _rankings(offers, monkeypatch, use_topn=use_topn),
        )


def test_queries_are_vectorised_chunk_by_chunk(offers, monkeypatch):
    monkeypatch.setattr(topn, "sp_matmul_topn", None)
    matcher = TfidfMatcher().fit(offers)
    seen = []

    def vectorize(start, stop):
        seen.append(stop - start)
        return matcher.transform(QUERIES[start:stop])

    rankings = topn.top_k(vectorize, len(QUERIES), matcher.index_, 3, chunk_size=3)
    assert seen == [3, 3, 1]
    assert rankings == matcher.rank(QUERIES, k=3)


def test_ties_are_broken_by_the_lower_index():
    matcher = TfidfMatcher().fit(["sen Huế", "sen Huế", "sen Huế"])
    assert [i for i, _ in matcher.rank(["sen"], k=3)[0]] == [0, 1, 2]
