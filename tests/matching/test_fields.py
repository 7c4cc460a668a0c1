"""Multi-field documents and multi-document profiles on top of TfidfMatcher."""

import pytest

from matching import MultiFieldMatcher, TfidfMatcher, build_document, build_profile


def test_build_document_repeats_each_field_by_its_weight():
    text = build_document({"title": "Tinh dầu tràm", "description": "Chưng cất hơi nước"}, {"title": 3})
    assert text.splitlines() == ["Tinh dầu tràm"] * 3 + ["Chưng cất hơi nước"]


def test_build_document_flattens_lists_and_mappings_and_skips_empty_fields():
    fields = {"keywords": ["sen", "tâm sen"], "bio": {"species": "Sen", "ocop": None, "stars": 4}, "terms": None}
    assert build_document(fields, {}) == "sen\ntâm sen\nSen\n4"


def test_a_zero_weight_leaves_a_field_out():
    assert build_document({"title": "Sen", "description": "Hạt sen"}, {"description": 0}) == "Sen"


def test_a_negative_weight_is_refused():
    with pytest.raises(ValueError, match="non-negative"):
        build_document({"title": "Sen"}, {"title": -1})


def test_weighted_title_outranks_a_passing_mention():
    offers = [
        {"title": "Máy sấy nông sản", "description": "Có thể sấy lá sen, lá tràm và nhiều loại lá khác"},
        {"title": "Cao khô lá sen", "description": "Sản phẩm hỗ trợ giảm mỡ máu"},
    ]
    ranking = MultiFieldMatcher().fit(offers).rank([{"title": "lá sen"}], k=2)[0]
    assert ranking[0][0] == 1


def test_a_profile_combines_a_researchers_publications_projects_and_keywords():
    profiles = [
        build_profile(
            [
                {"keywords": ["dược liệu", "tinh dầu"]},
                {"title": "Thành phần hóa học tinh dầu tràm gió Thừa Thiên Huế"},
                {"title": "Đề tài cấp tỉnh: chưng cất tinh dầu tràm tiết kiệm năng lượng"},
            ]
        ),
        build_profile([{"keywords": ["chuyển đổi số"]}, {"title": "Hệ thống truy xuất nguồn gốc nông sản"}]),
    ]
    matcher = TfidfMatcher().fit(profiles)
    assert matcher.rank(["Cần chuyên gia về tinh dầu tràm"], k=1)[0][0][0] == 0
    assert matcher.rank(["truy xuất nguồn gốc"], k=1)[0][0][0] == 1


def test_multi_field_matcher_explains_and_reports_its_version():
    matcher = MultiFieldMatcher(matcher=TfidfMatcher(accent_weight=0.25))
    matcher.fit([{"title": "Tinh dầu tràm Huế"}, {"title": "Gốm Phước Tích"}])
    assert matcher.explain({"title": "tinh dầu tràm"}, 0)[0] == "tinh dầu tràm"
    assert matcher.version == TfidfMatcher.version
    assert matcher.matcher.get_params()["accent_weight"] == 0.25 and not hasattr(matcher.matcher, "index_")
