"""Every user-facing message has a Vietnamese translation; formats follow each language."""

from marketplace.i18n import current_locale, format_date, format_vnd, sort_key
from marketplace.i18n_check import missing, used_messages


def test_every_message_in_code_and_templates_is_translated_to_vietnamese() -> None:
    assert len(used_messages()) > 150
    assert missing("vi") == {}


def test_amounts_of_dong_are_written_the_vietnamese_way() -> None:
    from datetime import date

    token = current_locale.set("vi")
    try:
        assert format_vnd(2_500_000_000) == "2.500.000.000 ₫"
        assert format_date(date(2026, 11, 25)) == "25/11/2026"
    finally:
        current_locale.reset(token)
    token = current_locale.set("en")
    try:
        assert format_vnd(2_500_000_000) == "VND 2,500,000,000"
    finally:
        current_locale.reset(token)


def test_names_sort_in_vietnamese_alphabetical_order() -> None:
    names = ["Cơ sở Liên Hương", "Đại học Huế", "công ty Dược", "Dược liệu Phong Điền", "An Lỗ", "Ấp Bắc", "Ăn",
             "Bính", "Bình", "Binh", "Viện 10", "Viện 2"]  # fmt: skip
    assert sorted(names, key=sort_key) == [
        "An Lỗ", "Ăn", "Ấp Bắc",  # a, ă, â
        "Binh", "Bình", "Bính",  # tones only between otherwise equal names: ngang, huyền, sắc
        "công ty Dược", "Cơ sở Liên Hương",  # ô before ơ, case ignored
        "Dược liệu Phong Điền", "Đại học Huế",  # đ after d
        "Viện 10", "Viện 2",
    ]  # fmt: skip
