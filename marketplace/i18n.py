"""Translations (gettext catalogs read with Babel) and Vietnamese/English formatting.

Message ids are English; `locales/vi/LC_MESSAGES/*.po` hold the Vietnamese text, one catalog file
per area of the application, merged at start-up. The current language lives in a context variable
set once per request.
"""

import unicodedata
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
LOCALE_DIR = Path(__file__).resolve().parent / "locales"
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")

current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


@lru_cache
def catalog(locale: str) -> dict[str, str | tuple[str, ...]]:
    """Every translated message of `locale`, merged from its catalog files."""
    messages: dict[str, str | tuple[str, ...]] = {}
    for path in sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if not message.id or not message.string or message.fuzzy:
                    continue
                key = str(message.id[0] if isinstance(message.id, (tuple, list)) else message.id)
                string = message.string
                messages[key] = tuple(string) if isinstance(string, (tuple, list)) else str(string)
    return messages


def gettext(msgid: str, **params: Any) -> str:
    """`msgid` in the current language, with `%(name)s` parameters filled in."""
    found = catalog(current_locale.get()).get(msgid) if current_locale.get() != "en" else None
    text = found if isinstance(found, str) else msgid
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    """The singular or plural form for `n` (Vietnamese has one form)."""
    params.setdefault("num", n)
    if current_locale.get() != "en":
        found = catalog(current_locale.get()).get(singular)
        if isinstance(found, tuple):
            return found[0] % params
        if isinstance(found, str):
            return found % params
    return (singular if n == 1 else plural) % params


_ = gettext


class Msg:
    """A message translated when it is shown, so domain code can raise it without knowing the reader."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params

    def __str__(self) -> str:
        return gettext(self.msgid, **self.params)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.msgid, self.params) == (other.msgid, other.params)

    def __hash__(self) -> int:
        return hash(self.msgid)

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r})"


def N_(msgid: str) -> str:
    """Marks a module-level string for the catalog; translate it with `_()` where it is shown."""
    return msgid


def babel_locale() -> str:
    return "vi_VN" if current_locale.get() == "vi" else "en_GB"


def format_date(value: date | datetime | None) -> str:
    """A date as Vietnamese (25/11/2026) or English (25 Nov 2026) readers expect it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value).date()
    pattern = "dd/MM/yyyy" if current_locale.get() == "vi" else "d MMM yyyy"
    return babel_format_date(value, pattern, locale=babel_locale())


def format_datetime(value: datetime | None) -> str:
    """A moment in Huế's time zone: 14:05 25/11/2026."""
    if value is None:
        return ""
    pattern = "HH:mm dd/MM/yyyy" if current_locale.get() == "vi" else "d MMM yyyy, HH:mm"
    return babel_format_datetime(local_time(value), pattern, locale=babel_locale())


def local_time(value: datetime) -> datetime:
    """`value` in Huế's time zone (naive values are taken as UTC, as SQLite returns them)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(TIMEZONE)


def format_vnd(amount: int | None) -> str:
    """An amount of đồng: 1.500.000.000 ₫ in Vietnamese, VND 1,500,000,000 in English."""
    if amount is None:
        return ""
    if current_locale.get() == "vi":
        return f"{format_decimal(amount, locale='vi_VN')} ₫"
    return f"VND {format_decimal(amount, locale='en_GB')}"


def format_number(value: float | int) -> str:
    """A number with the reader's separators."""
    return format_decimal(value, locale=babel_locale())


# Vietnamese alphabetical order: ă and â after a, đ after d, ê after e, ô and ơ after o, ư after u;
# tones count only between otherwise equal names, in dictionary order (ngang, huyền, hỏi, ngã, sắc, nặng).
_ALPHABET = {letter: 128 + rank for rank, letter in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def sort_key(name: str) -> tuple[int, ...]:
    """Where a name goes in an alphabetical list, in Vietnamese order, case ignored ("Công ty" before "Cơ sở")."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFC", name).casefold():
        parts = unicodedata.normalize("NFD", char)
        tones.append(next((_TONES[mark] for mark in parts if mark in _TONES), 0))
        letter = unicodedata.normalize("NFC", "".join(mark for mark in parts if mark not in _TONES))
        letters.append(_ALPHABET.get(letter) or _other(letter))
    return (*letters, -1, *tones)


def _other(char: str) -> int:
    """Spaces, digits and punctuation before the letters; other scripts after them."""
    if not char:
        return 0
    return ord(char[0]) if ord(char[0]) < 128 else 1024 + ord(char[0])
