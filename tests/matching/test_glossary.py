"""The bilingual glossary: the seed file, the loader's errors, expansion across languages."""

from pathlib import Path

import pytest

from matching import GlossaryError, TfidfMatcher, load_glossary
from matching.glossary import parse_glossary

SEED_GLOSSARY = Path(__file__).resolve().parents[2] / "seed_data" / "glossary.csv"


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(SEED_GLOSSARY)


def _write(tmp_path, content: str, encoding: str = "utf-8") -> Path:
    """Return the path of a glossary file holding content."""
    path = tmp_path / "glossary.csv"
    path.write_bytes(content.encode(encoding))
    return path


def test_seed_glossary_covers_the_domain(glossary):
    pairs = {(e.vi, e.en) for e in glossary.entries}
    assert len(pairs) >= 120
    expected = [
        ("dược liệu", "medicinal plant"),
        ("tinh dầu", "essential oil"),
        ("tràm", "cajeput"),
        ("sen", "lotus"),
        ("chiết xuất", "extraction"),
        ("truy xuất nguồn gốc", "traceability"),
        ("chuyển đổi số", "digital transformation"),
        ("nuôi trồng thủy sản", "aquaculture"),
        ("đầm phá", "lagoon"),
        ("chuẩn hóa", "standardisation"),
    ]
    assert set(expected) <= pairs


def test_vietnamese_terms_expand_to_english(glossary):
    assert {"essential oil", "lotus seed"} <= set(glossary.expand("Tinh dầu và hạt sen Huế"))


def test_english_terms_expand_to_vietnamese_plurals_included(glossary):
    assert {"tinh dầu", "truy xuất nguồn gốc"} <= set(glossary.expand("Essential oils with full traceability"))


def test_accent_free_text_expands_only_multi_syllable_terms(glossary):
    expanded = glossary.expand("tinh dau tram, tom hum")
    assert "cajeput oil" in expanded and "shrimp" not in expanded


def test_folded_forms_do_not_expand_inside_accented_text(glossary):
    assert "tea" not in glossary.expand("Kiểm tra chất lượng nước")


def test_glossary_lets_a_vietnamese_need_meet_an_english_offer(glossary):
    offers = [
        "Energy-saving cajeput essential oil distillation unit with heat recovery",
        "Phần mềm quản lý bán hàng cho cửa hàng tạp hóa",
        "Máy sấy nông sản bằng năng lượng mặt trời",
    ]
    need = "Lò chưng cất tinh dầu tràm tốn củi, cần thu hồi nhiệt"
    with_glossary = TfidfMatcher(glossary=glossary).fit(offers)
    assert with_glossary.rank([need], k=1)[0][0][0] == 0
    assert TfidfMatcher().fit(offers).rank([need], k=3)[0] == []
    assert {"tinh dầu", "tràm", "thu hồi nhiệt"} <= set(with_glossary.explain(need, 0, n=10))


def test_a_csv_saved_by_excel_with_bom_loads(tmp_path):
    glossary = load_glossary(_write(tmp_path, "\ufeffvi,en\nsen,lotus\n"))
    assert [(e.vi, e.en) for e in glossary.entries] == [("sen", "lotus")]


def test_blank_lines_are_skipped(tmp_path):
    assert len(load_glossary(_write(tmp_path, "vi,en\nsen,lotus\n\ntràm,cajeput\n"))) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("vi;en\nsen;lotus\n", "line 1: the header must be 'vi,en'"),
        ("vi,en\n", "no terms"),
        ("", "header"),
        ("vi,en\nsen\n", "line 2: expected 2 columns"),
        ("vi,en\nsen,lotus,extra\n", "line 2: expected 2 columns"),
        ("vi,en\nsen,lotus\n, essential oil\n", "line 3: column 'vi' is empty"),
        ("vi,en\nsen,lotus\nSen,Lotus\n", "line 3: duplicate of line 2"),
        ("vi,en\nsen,---\n", "line 2: column 'en' contains no letters"),
        ("vi,en\nsen," + "x" * 200 + "\n", "line 2: column 'en' is longer"),
    ],
)
def test_invalid_glossary_files_are_explained(tmp_path, content, message):
    with pytest.raises(GlossaryError, match=message.replace("(", r"\(")):
        load_glossary(_write(tmp_path, content))


def test_a_missing_file_is_explained(tmp_path):
    with pytest.raises(GlossaryError, match="not found"):
        load_glossary(tmp_path / "nope.csv")


def test_a_file_not_in_utf8_is_explained(tmp_path):
    with pytest.raises(GlossaryError, match="not UTF-8"):
        load_glossary(_write(tmp_path, "vi,en\ncà phê,café\n", encoding="latin-1"))


def test_parse_glossary_accepts_rows_in_memory():
    assert len(parse_glossary([["vi", "en"], ["đầm phá", "lagoon"]])) == 1
