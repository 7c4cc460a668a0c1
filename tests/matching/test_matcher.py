"""TfidfMatcher: ranking, explanations, scikit-learn conventions."""

import pytest
from sklearn.base import clone

from matching import MATCHER_VERSION, MatcherNotFittedError, TfidfMatcher
from matching.text import fold, normalize


def test_rank_puts_the_matching_offer_first_with_cosine_scores(offers):
    ranking = TfidfMatcher().fit(offers).rank(["Cần quy trình chưng cất tinh dầu tràm"], k=3)[0]
    assert ranking[0][0] == 0
    scores = [score for _, score in ranking]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)


def test_a_text_scores_one_against_itself(offers):
    top_index, top_score = TfidfMatcher().fit(offers).rank([offers[3]], k=1)[0][0]
    assert top_index == 3
    assert top_score == pytest.approx(1.0, abs=1e-5)


def test_rank_keeps_at_most_k_results_and_omits_zero_scores(offers):
    rankings = TfidfMatcher().fit(offers).rank(["tinh dầu tràm", "sen", "xyzzy"], k=2)
    assert all(len(ranking) <= 2 for ranking in rankings)
    assert rankings[2] == []
    assert all(score > 0 for ranking in rankings for _, score in ranking)


def test_accent_free_query_finds_the_accented_offer(offers):
    matcher = TfidfMatcher().fit(offers)
    assert matcher.rank(["tinh dau tram phong dien"], k=1)[0][0][0] == 0
    assert matcher.rank(["dam pha tam giang"], k=1)[0][0][0] == 2


def test_accents_separate_words_that_fold_alike(offers):
    matcher = TfidfMatcher().fit(offers)
    assert matcher.rank(["tràm"], k=1)[0][0][0] == 0  # cajeput
    assert matcher.rank(["trầm"], k=1)[0][0][0] == 1  # agarwood
    assert {i for i, _ in matcher.rank(["tram"], k=5)[0]} == {0, 1}


def test_rank_one_equals_rank_of_a_single_query(offers):
    matcher = TfidfMatcher().fit(offers)
    assert matcher.rank_one("lá sen giảm mỡ máu") == matcher.rank(["lá sen giảm mỡ máu"])[0]


def test_similarity_matrix_agrees_with_rank(offers):
    matcher = TfidfMatcher().fit(offers)
    row = matcher.similarity(["mã QR truy xuất nguồn gốc"]).toarray()[0]
    index, score = matcher.rank(["mã QR truy xuất nguồn gốc"], k=1)[0][0]
    assert row.argmax() == index
    assert row[index] == pytest.approx(score)


def test_explain_returns_accented_terms_occurring_in_both_texts(offers):
    query = "Hợp tác xã cần chưng cất tinh dầu tràm tiết kiệm củi"
    terms = TfidfMatcher().fit(offers).explain(query, 0, n=3)
    assert "tinh dầu tràm" in terms and "chưng cất" in terms
    for term in terms:
        assert term in normalize(offers[0])
        assert term in normalize(query)


def test_explain_shows_the_accented_form_for_an_accent_free_query(offers):
    terms = TfidfMatcher().fit(offers).explain("tinh dau tram phong dien", 0)
    assert "tinh dầu tràm" in terms and "phong điền" not in terms  # a place says where, not what
    assert all(fold(term) in "tinh dau tram phong dien" for term in terms)


def test_explain_rejects_an_index_outside_the_fitted_texts(offers):
    with pytest.raises(IndexError):
        TfidfMatcher().fit(offers).explain("tinh dầu", len(offers))


@pytest.mark.parametrize("call", ["rank", "explain", "transform", "similarity", "known_terms"])
def test_using_the_matcher_before_fit_raises_a_clear_error(call):
    matcher = TfidfMatcher()
    arguments = {"rank": (["tinh dầu"],), "explain": ("tinh dầu", 0), "transform": (["x"],)}
    with pytest.raises(MatcherNotFittedError, match="fit"):
        getattr(matcher, call)(*arguments.get(call, ("tinh dầu",)))


def test_hyperparameters_are_kept_unchanged_and_clone_works(offers):
    matcher = TfidfMatcher(accent_weight=0.3, ngram_range=(1, 3))
    params = matcher.get_params()
    matcher.fit(offers)
    assert matcher.get_params() == params
    copy = clone(matcher)
    assert copy.get_params() == params and not hasattr(copy, "index_")


def test_fit_returns_self_and_learned_state_ends_in_underscore(offers):
    matcher = TfidfMatcher()
    assert matcher.fit(offers) is matcher
    assert matcher.n_documents_ == len(offers) and matcher.index_.shape[1] == len(offers)


def test_version_is_exposed_for_storing_with_proposals():
    assert TfidfMatcher.version == TfidfMatcher().version == MATCHER_VERSION


def test_accent_weight_out_of_range_is_refused(offers):
    with pytest.raises(ValueError, match="accent_weight"):
        TfidfMatcher(accent_weight=1.0).fit(offers)


def test_folded_only_matcher_still_ranks(offers):
    matcher = TfidfMatcher(accent_weight=0.0).fit(offers)
    assert matcher.rank(["truy xuat nguon goc"], k=1)[0][0][0] == 3


def test_known_terms_tells_whether_a_query_can_match(offers):
    matcher = TfidfMatcher().fit(offers)
    assert matcher.known_terms("tinh dầu tràm") > 0
    assert matcher.known_terms("blockchain quantum") == 0


def test_small_corpora_keep_terms_found_in_every_document():
    texts = ["dược liệu sen", "dược liệu tràm", "dược liệu gừng"]
    matcher = TfidfMatcher().fit(texts)
    assert {"duoc lieu", "=dược liệu"} <= set(matcher.vocabulary_)


def test_refitting_renames_the_columns(offers):
    matcher = TfidfMatcher().fit(offers)
    assert "=tràm" in matcher.vocabulary_
    matcher.fit(["Máy sấy nông sản bằng năng lượng mặt trời"])
    assert "=tràm" not in matcher.vocabulary_ and "=sấy" in matcher.vocabulary_
