"""The search contract: every case runs on each backend (see conftest: database, Meilisearch stand-in, real)."""

from datetime import timedelta

import pytest
from sqlmodel import Session

from marketplace.models import ExpertiseProfile
from marketplace.models._base import utcnow
from marketplace.search import database as search_database
from marketplace.search import meili as search_meili
from marketplace.search import results as search_results
from tests.builders import make_need, make_offer, make_org, make_user
from tests.search.conftest import Backend


def test_accent_free_words_find_accented_text_including_d_stroke(backend: Backend, db: Session) -> None:
    make_offer(db, title="Giống lúa chịu mặn cho vùng Phong Điền", keywords=["lúa"])
    make_offer(db, title="Nền tảng chuyển đổi số cho hợp tác xã", keywords=["phần mềm"])
    assert backend.titles("phong dien ") == ["Giống lúa chịu mặn cho vùng Phong Điền"]
    assert backend.titles("chuyen doi so ") == ["Nền tảng chuyển đổi số cho hợp tác xã"]


def test_accented_and_upper_case_words_find_the_same_listing(backend: Backend, db: Session) -> None:
    make_offer(db, title="Chưng cất tinh dầu tràm đạt chuẩn xuất khẩu")
    expected = ["Chưng cất tinh dầu tràm đạt chuẩn xuất khẩu"]
    assert backend.titles("tinh dầu tràm ") == expected
    assert backend.titles("TINH DẦU TRÀM ") == expected
    assert backend.titles("tinh da\u0302\u0300u tra\u0300m ") == expected  # typed in decomposed (NFD) form


def test_the_last_word_matches_as_a_prefix_while_typing(backend: Backend, db: Session) -> None:
    make_offer(db, title="Chưng cất tinh dầu tràm gió")
    assert backend.titles("tinh dầu tr") == ["Chưng cất tinh dầu tràm gió"]
    assert backend.titles("tinh dầu tr ") == []  # a space ends the word
    # a word's first letter waits for the second: the results stay those of the words before it
    assert backend.titles("tinh dầu t") == ["Chưng cất tinh dầu tràm gió"]


def test_quoted_words_must_stand_side_by_side(backend: Backend, db: Session) -> None:
    make_offer(db, title="Dầu tràm nguyên chất Lộc Thủy", summary="", description="", keywords=[])
    make_offer(db, title="Tràm gió và dầu dừa cho mỹ phẩm", summary="", description="", keywords=[])
    assert backend.titles('"dầu tràm"') == ["Dầu tràm nguyên chất Lộc Thủy"]
    assert sorted(backend.titles("dầu tràm ")) == ["Dầu tràm nguyên chất Lộc Thủy", "Tràm gió và dầu dừa cho mỹ phẩm"]


def test_english_words_find_english_listings(backend: Backend, db: Session) -> None:
    make_offer(db, title="Low-cost sensor network for lagoon water quality", language="en", keywords=["IoT"])
    assert backend.titles("lagoon water ") == ["Low-cost sensor network for lagoon water quality"]


def test_glossary_synonyms_cross_languages(backend: Backend, db: Session) -> None:
    make_offer(db, title="Bản sao số vận hành hệ thống thủy lợi sông Hương", keywords=["thủy lợi"])
    assert backend.titles("digital twin ") == ["Bản sao số vận hành hệ thống thủy lợi sông Hương"]


def test_words_in_a_title_outrank_a_sector_name_holding_them(backend: Backend, db: Session) -> None:
    """A QA review: for "chuyen doi so" the needs whose only match was their sector's name ("Chuyển
    đổi số và phần mềm" / "Digital transformation and software", which the glossary matches twice)
    came before the course with those words in its title."""
    org = make_org(db)
    make_offer(
        db,
        org,
        title="Khóa đào tạo chuyển đổi số thực hành cho hợp tác xã và hộ kinh doanh: bán hàng trực tuyến, sổ sách",
        summary="Lớp học ngắn ngày tại Huế cho xã viên và chủ hộ kinh doanh.",
        sector_code="education",
        keywords=["đào tạo"],
    )
    for title in ("Automatic inspection of weld seams", "Speech recognition for a Huế accent", "Night-time alerts"):
        make_need(
            db,
            org,
            title=title,
            problem="We need help.",
            desired_outcome="",
            sector_code="digital",
            keywords=["IoT"],
            language="en",
        )
    found = backend.titles("chuyen doi so ")
    assert len(found) == 4  # the sector's name still finds the needs
    assert found[0].startswith("Khóa đào tạo chuyển đổi số")


def test_matches_are_marked_in_the_original_accented_text(backend: Backend, db: Session) -> None:
    make_offer(db, title="Nhà máy điện mặt trời áp mái ở Phong Điền", summary="Điện mặt trời cho hợp tác xã.")
    hit = backend.find("phong dien ").hits[0]
    assert "<mark>Điền</mark>" in str(hit.title)
    assert "<mark>Phong</mark>" in str(hit.title)


def test_a_listing_found_by_its_sector_name_shows_its_own_text_not_the_label(backend: Backend, db: Session) -> None:
    make_offer(
        db,
        title="Ứng dụng quản lý vùng trồng cho hợp tác xã",
        summary="Ghi nhật ký canh tác và truy xuất nguồn gốc trên điện thoại.",
        description="Hợp tác xã nhập dữ liệu mùa vụ, in tem QR cho từng lô hàng.",
        keywords=["nhật ký canh tác"],
        sector_code="digital",  # "Chuyển đổi số và phần mềm" / "Digital transformation and software"
    )
    hit = backend.find("chuyen doi so ").hits[0]
    assert hit.title.striptags() == "Ứng dụng quản lý vùng trồng cho hợp tác xã"
    assert str(hit.snippet) == "Ghi nhật ký canh tác và truy xuất nguồn gốc trên điện thoại."
    assert backend.titles("digital transformation ") == ["Ứng dụng quản lý vùng trồng cho hợp tác xã"]


def test_text_typed_by_users_is_escaped_in_highlights(backend: Backend, db: Session) -> None:
    make_offer(db, title="Cảm biến <b>độ mặn</b> & nhiệt độ", summary="Đo <script>độ mặn</script> liên tục.")
    hit = backend.find("do man ").hits[0]
    assert "<b>" not in str(hit.title) and "&lt;b&gt;" in str(hit.title)
    assert "<script>" not in str(hit.snippet)


def test_the_public_finds_only_published_listings(backend: Backend, db: Session) -> None:
    org = make_org(db)
    make_offer(db, org, title="Chế phẩm sinh học xử lý chuồng trại (bản nháp)", status="draft", published_at=None)
    make_offer(db, org, title="Chế phẩm sinh học xử lý chuồng trại đã công bố")
    make_offer(db, org, title="Chế phẩm sinh học xử lý chuồng trại chờ duyệt", status="submitted", published_at=None)
    assert backend.titles("che pham sinh hoc ") == ["Chế phẩm sinh học xử lý chuồng trại đã công bố"]


def test_owners_and_staff_also_find_drafts_but_other_organizations_do_not(backend: Backend, db: Session) -> None:
    org = make_org(db)
    make_offer(db, org, title="Chế phẩm vi sinh ủ phân hữu cơ", status="draft", published_at=None)
    member, staff, outsider = make_user(db, org), make_user(db, role="staff"), make_user(db)
    assert backend.titles("che pham vi sinh ", user=member) == ["Chế phẩm vi sinh ủ phân hữu cơ"]
    assert backend.titles("che pham vi sinh ", user=staff) == ["Chế phẩm vi sinh ủ phân hữu cơ"]
    assert backend.titles("che pham vi sinh ", user=outsider) == []
    assert backend.find("che pham vi sinh ", user=member).hits[0].status == "draft"


def test_organizations_and_researchers_are_found_too(backend: Backend, db: Session) -> None:
    org = make_org(db, name_vi="Viện Công nghệ Sinh học Huế", kind="research_institute", ward="Thuận Hóa")
    researcher = make_user(db, org, full_name="PGS.TS. Lê Văn Điệp")
    db.add(
        ExpertiseProfile(
            user_id=researcher.id, keywords=["nấm dược liệu", "đông trùng hạ thảo"], summary="Nuôi cấy nấm."
        )
    )
    db.commit()
    assert backend.titles("cong nghe sinh hoc hue ", kind="organization") == ["Viện Công nghệ Sinh học Huế"]
    expert = backend.find("dong trung ha thao ").hits
    assert [(h.kind, h.title.striptags(), h.org_name_vi) for h in expert] == [
        ("expert", "PGS.TS. Lê Văn Điệp", "Viện Công nghệ Sinh học Huế")
    ]


def test_facet_counts_follow_the_matches(backend: Backend, db: Session) -> None:
    make_offer(
        db, title="Cao khô cà gai leo", sector_code="medicinal", trl=7, collaboration_types=["licence", "transfer"]
    )
    make_offer(db, title="Trà túi lọc cà gai leo", sector_code="agri_food", trl=4, collaboration_types=["licence"])
    make_need(
        db,
        title="Cần vùng nguyên liệu cà gai leo",
        sector_code="medicinal",
        min_trl=5,
        collaboration_types=["consulting"],
    )
    facets = counts(backend.find("ca gai leo "))
    assert facets["kind"] == {"offer": 2, "need": 1}
    assert facets["sector"] == {"medicinal": 2, "agri_food": 1}
    assert facets["trl"] == {"7-9": 1, "4-6": 2}
    assert facets["collaboration"] == {"licence": 2, "transfer": 1, "consulting": 1}


def test_a_chosen_facet_value_keeps_the_counts_of_its_alternatives(backend: Backend, db: Session) -> None:
    make_offer(db, title="Cao khô cà gai leo", sector_code="medicinal")
    make_offer(db, title="Trà túi lọc cà gai leo", sector_code="agri_food")
    result = backend.find("ca gai leo ", sector="medicinal")
    assert [h.title.striptags() for h in result.hits] == ["Cao khô cà gai leo"]
    assert counts(result)["sector"] == {"medicinal": 1, "agri_food": 1}
    assert [v.value for v in result.facets["sector"] if v.selected] == ["medicinal"]
    assert counts(result)["kind"] == {"offer": 1}


def test_each_facet_counts_under_the_other_filters_but_not_its_own(backend: Backend, db: Session) -> None:
    make_offer(db, title="Cao khô cà gai leo", sector_code="medicinal", collaboration_types=["licence", "transfer"])
    make_offer(db, title="Cà gai leo túi lọc", sector_code="medicinal", collaboration_types=["consulting"])
    make_offer(db, title="Trà cà gai leo", sector_code="agri_food", collaboration_types=["licence"])
    result = backend.find("ca gai leo ", sector="medicinal", collaboration="licence")
    assert [h.title.striptags() for h in result.hits] == ["Cao khô cà gai leo"]
    found = counts(result)
    assert found["sector"] == {"medicinal": 1, "agri_food": 1}  # under "licence", every sector
    assert found["collaboration"] == {"licence": 1, "transfer": 1, "consulting": 1}  # under "medicinal"
    assert found["kind"] == {"offer": 1}  # under both


def test_filters_by_collaboration_trl_organization_kind_and_ward(backend: Backend, db: Session) -> None:
    coop = make_org(db, name_vi="HTX Dược liệu Phong Điền", kind="cooperative", ward="Phong Điền")
    make_offer(db, coop, title="Sấy lạnh dược liệu giữ hoạt chất", trl=8, collaboration_types=["transfer"])
    make_offer(db, title="Sấy lạnh dược liệu quy mô phòng thí nghiệm", trl=3, collaboration_types=["research_contract"])
    assert backend.titles("say lanh ", collaboration="transfer") == ["Sấy lạnh dược liệu giữ hoạt chất"]
    assert backend.titles("say lanh ", trl="1-3") == ["Sấy lạnh dược liệu quy mô phòng thí nghiệm"]
    assert backend.titles("say lanh ", org_kind="cooperative", ward="Phong Điền") == [
        "Sấy lạnh dược liệu giữ hoạt chất"
    ]
    assert backend.titles("say lanh ", ward="Hương Trà") == []


def test_an_empty_search_lists_recent_listings_newest_first(backend: Backend, db: Session) -> None:
    now = utcnow()
    make_offer(db, title="Ưu đãi cũ", published_at=now - timedelta(days=40))
    make_need(db, title="Nhu cầu mới", published_at=now - timedelta(days=1))
    make_org(db, name_vi="Trường Đại học Nông Lâm")
    assert backend.titles("") == ["Nhu cầu mới", "Ưu đãi cũ"]
    assert counts(backend.find(""))["kind"]["organization"] >= 1


def test_sort_by_newest_and_by_freshness(backend: Backend, db: Session) -> None:
    now = utcnow()
    make_offer(
        db, title="Mô hình nuôi tôm A", published_at=now - timedelta(days=90), confirmed_at=now - timedelta(days=2)
    )
    make_offer(
        db, title="Mô hình nuôi tôm B", published_at=now - timedelta(days=10), confirmed_at=now - timedelta(days=10)
    )
    assert backend.titles("nuoi tom ", sort="newest") == ["Mô hình nuôi tôm B", "Mô hình nuôi tôm A"]
    assert backend.titles("nuoi tom ", sort="freshness") == ["Mô hình nuôi tôm A", "Mô hình nuôi tôm B"]


def test_a_stale_listing_ranks_below_an_equally_relevant_fresh_one(backend: Backend, db: Session) -> None:
    now = utcnow()
    text = {"summary": "", "description": "", "keywords": []}
    make_offer(
        db,
        title="Bẫy pheromone phòng sâu đục quả",
        published_at=now - timedelta(days=400),
        confirmed_at=now - timedelta(days=400),
        **text,
    )
    make_offer(
        db,
        title="Bẫy pheromone phòng sâu đục quả",
        published_at=now - timedelta(days=300),
        confirmed_at=now - timedelta(days=3),
        **text,
    )
    hits = backend.find("bay pheromone ").hits
    assert [h.confirmed_at.date() for h in hits if h.confirmed_at] == [
        (now - timedelta(days=3)).date(),
        (now - timedelta(days=400)).date(),
    ]


def test_results_come_in_pages_with_the_total(backend: Backend, db: Session) -> None:
    org = make_org(db)
    for n in range(5):
        make_offer(
            db, org, title=f"Quy trình nhân giống lan kim tuyến số {n}", published_at=utcnow() - timedelta(days=n)
        )
    first, last = backend.find("lan kim tuyen ", per_page=2), backend.find("lan kim tuyen ", per_page=2, page=3)
    assert (first.total, first.pages, len(first.hits), len(last.hits)) == (5, 3, 2, 1)
    assert backend.find("lan kim tuyen ", per_page=2, page=9).hits == []


def test_operator_characters_and_sql_are_plain_words(backend: Backend, db: Session) -> None:
    make_offer(db, title="Màng bọc chitosan bảo quản quả")
    for text in [
        '"',
        '" * ( ) : - NEAR AND OR',
        "chitosan' OR 1=1; DROP TABLE offer;--",
        "chitosan*",
        "-chitosan",
        "chitosan:title",
        "(chitosan",
        "NEAR(chitosan quả)",
        "🍊 chitosan 果",
        "^chitosan",
    ]:
        result = backend.find(text)
        assert result.total == len(result.hits) <= 1
    assert backend.titles("chitosan*") == ["Màng bọc chitosan bảo quản quả"]


def test_a_changed_listing_is_found_by_its_new_words_only(backend: Backend, db: Session) -> None:
    offer = make_offer(db, title="Máy bóc vỏ hạt sen")
    offer.title = "Máy tách tâm sen tự động"
    db.commit()
    assert backend.titles("boc vo ") == []
    assert backend.titles("tach tam sen ") == ["Máy tách tâm sen tự động"]


def test_archived_and_deleted_listings_leave_the_public_results(backend: Backend, db: Session) -> None:
    archived, deleted = (
        make_offer(db, title="Nước mắm Tam Giang giảm mặn"),
        make_offer(db, title="Nước mắm Tam Giang lên men"),
    )
    archived.status = "archived"
    db.delete(deleted)
    db.commit()
    assert backend.titles("nuoc mam ") == []


def test_renaming_an_organization_updates_its_listings(backend: Backend, db: Session) -> None:
    org = make_org(db, name_vi="Công ty TNHH Sen Huế")
    make_offer(db, org, title="Trà tim sen sấy lạnh")
    org.name_vi = "Công ty Cổ phần Sen Hồ Tịnh Tâm"
    db.commit()
    hits = backend.find("tinh tam ", kind="offer").hits
    assert [(h.title.striptags(), h.org_name_vi) for h in hits] == [
        ("Trà tim sen sấy lạnh", "Công ty Cổ phần Sen Hồ Tịnh Tâm")
    ]


def counts(result: object) -> dict[str, dict[str, int]]:
    return {name: {v.value: v.count for v in values} for name, values in result.facets.items()}  # type: ignore[attr-defined]


def test_totals_stop_counting_past_the_limit(backend: Backend, db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (search_results, search_database, search_meili):
        monkeypatch.setattr(module, "COUNT_LIMIT", 2)
    org = make_org(db)
    for n in range(4):
        make_offer(db, org, title=f"Vườn ươm giống bưởi Thanh Trà số {n}")
    result = backend.find("buoi thanh tra ", per_page=1)
    assert (result.total, result.more, result.pages, len(result.hits)) == (2, True, 2, 1)
    assert backend.find("buoi thanh tra so 1 ").more is False


def test_a_hit_carries_its_listings_language(backend: Backend, db: Session) -> None:
    make_offer(db, title="Low-cost salinity sensors for shrimp ponds", language="en", keywords=["IoT"])
    make_offer(db, title="Cảm biến độ mặn giá rẻ cho ao nuôi tôm", keywords=["cảm biến"])
    found = {hit.title.striptags(): hit.language for hit in backend.find("", kind="offer").hits}
    assert found == {"Low-cost salinity sensors for shrimp ponds": "en", "Cảm biến độ mặn giá rẻ cho ao nuôi tôm": "vi"}
