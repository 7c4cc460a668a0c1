"""Field checks shared by every form and API body: each adds a translated message to `errors`."""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit

from marketplace.errors import Invalid
from marketplace.i18n import Msg, format_number

EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']{2,}$")
# Characters nobody means to type: control characters (NUL, which PostgreSQL refuses in text, and the rest
# of C0/C1 but tab and line breaks), zero-width characters and bidirectional overrides, which pasted text
# brings along invisibly and which make two identical-looking titles differ.
INVISIBLE_RE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
LINE_BREAKS_RE = re.compile(r"\s*[\t\n\r\v\f\u2028\u2029]+\s*")
Errors = dict[str, Msg]


def nfc(value: Any) -> str:
    """`value` as NFC text without invisible characters or surrounding space (pasted text is sometimes NFD)."""
    return INVISIBLE_RE.sub("", unicodedata.normalize("NFC", str(value or ""))).strip()


def one_line(value: Any) -> str:
    """`nfc(value)` with tabs and line breaks turned into single spaces, for fields typed on one line."""
    return LINE_BREAKS_RE.sub(" ", nfc(value))


def text(
    errors: Errors,
    data: Mapping[str, Any],
    field: str,
    *,
    max_len: int,
    required: bool = True,
    min_len: int = 0,
    single_line: bool = False,
) -> str:
    """A text field: required, minimum and maximum length; `single_line` folds tabs and line breaks to spaces."""
    value = one_line(data.get(field)) if single_line else nfc(data.get(field))
    if required and not value:
        errors[field] = Msg("This field is required.")
    elif value and len(value) < min_len:
        errors[field] = Msg("Please write at least %(min)d characters.", min=min_len)
    elif len(value) > max_len:
        # numbers formatted now, in the reader's language (207.999 in Vietnamese, 207,999 in English)
        limit, now = format_number(max_len), format_number(len(value))
        errors[field] = Msg("Please keep this under %(max)s characters (now %(now)s).", max=limit, now=now)
    return value


def email(errors: Errors, data: Mapping[str, Any], field: str = "email") -> str:
    """A lower-cased e-mail address of a plausible shape."""
    value = text(errors, data, field, max_len=254).lower()
    if value and field not in errors and not EMAIL_RE.match(value):
        errors[field] = Msg("Please enter a valid e-mail address, e.g. ten@donvi.vn.")
    return value


def integer(
    errors: Errors, data: Mapping[str, Any], field: str, *, low: int, high: int, required: bool = True
) -> int | None:
    """A whole number between `low` and `high`."""
    raw = nfc(data.get(field)).replace(".", "").replace(",", "").replace(" ", "")
    if not raw:
        if required:
            errors[field] = Msg("This field is required.")
        return None
    try:
        value = int(raw)
    except ValueError:
        errors[field] = Msg("Please enter a whole number.")
        return None
    if not low <= value <= high:
        # formatted now, in the reader's language (1.000.000 in Vietnamese, 1,000,000 in English)
        low_text, high_text = format_number(low), format_number(high)
        errors[field] = Msg("Please enter a number from %(low)s to %(high)s.", low=low_text, high=high_text)
        return None
    return value


def choice(
    errors: Errors, data: Mapping[str, Any], field: str, allowed: Iterable[str], required: bool = True
) -> str | None:
    """One value out of `allowed`."""
    value = nfc(data.get(field))
    if not value:
        if required:
            errors[field] = Msg("Please choose one option.")
        return None
    if value not in set(allowed):
        errors[field] = Msg("Please choose one of the options offered.")
        return None
    return value


def choices(
    errors: Errors, values: Iterable[Any], field: str, allowed: Iterable[str], required: bool = False
) -> list[str]:
    """Several values out of `allowed`, in the order given, without repeats."""
    allowed_set = set(allowed)
    picked = list(dict.fromkeys(nfc(v) for v in values if nfc(v)))
    if any(v not in allowed_set for v in picked):
        errors[field] = Msg("Please choose among the options offered.")
    elif required and not picked:
        errors[field] = Msg("Please choose at least one option.")
    return [v for v in picked if v in allowed_set]


def future_date(
    errors: Errors, data: Mapping[str, Any], field: str, *, today: date, required: bool = False
) -> date | None:
    """A date (YYYY-MM-DD) that is today or later, within ten years."""
    raw = nfc(data.get(field))
    if not raw:
        if required:
            errors[field] = Msg("This field is required.")
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        errors[field] = Msg("Please enter a date such as 31/12/2026.")
        return None
    if value < today:
        errors[field] = Msg("This date is in the past.")
    elif value.year > today.year + 10:
        errors[field] = Msg("This date is too far in the future.")
    return value


def day(errors: Errors, data: Mapping[str, Any], field: str, *, required: bool = False) -> date | None:
    """A calendar date as a date input sends it (YYYY-MM-DD) or as Vietnamese write it (31/12/2026), any year
    from 2000 to ten years ahead."""
    raw = nfc(data.get(field))
    if not raw:
        if required:
            errors[field] = Msg("This field is required.")
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            value = datetime.strptime(raw, pattern).date()
            break
        except ValueError:
            continue
    else:
        errors[field] = Msg("Please enter a date such as 31/12/2026.")
        return None
    if not 2000 <= value.year <= datetime.now(UTC).year + 10:
        errors[field] = Msg("Please enter a date between 2000 and ten years from now.")
        return None
    return value


# What a moment field accepts: the browser's datetime-local value, or a date and time typed as Vietnamese write them.
MOMENT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%H:%M %d/%m/%Y")


def moment(
    errors: Errors, data: Mapping[str, Any], field: str, *, zone: tzinfo, after: datetime | None = None,
    required: bool = True, years_ahead: int = 5,
) -> datetime | None:  # fmt: skip
    """A date and time typed in local time (`zone`, Huế's), as aware UTC; later than `after` when given,
    within `years_ahead` years."""
    raw = nfc(data.get(field))
    if not raw:
        if required:
            errors[field] = Msg("This field is required.")
        return None
    for pattern in MOMENT_FORMATS:
        try:
            value = datetime.strptime(raw, pattern).replace(tzinfo=zone).astimezone(UTC)
            break
        except ValueError:
            continue
    else:
        errors[field] = Msg("Please enter a date and time such as 31/12/2026 09:30.")
        return None
    if after is not None and value <= after:
        errors[field] = Msg("This moment has already passed: please choose a later one.")
    elif value.year > datetime.now(UTC).year + years_ahead:
        errors[field] = Msg("This date is too far in the future.")
    return value


def web_link(errors: Errors, data: Mapping[str, Any], field: str, *, max_len: int, required: bool = False) -> str:
    """A full web address starting with http:// or https:// (a meeting's link), or "" when left empty."""
    value = text(errors, data, field, max_len=max_len, required=required, single_line=True)
    if value and field not in errors:
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or "." not in parts.netloc or " " in value:
            errors[field] = Msg(
                "Please enter a full web address starting with https://, e.g. https://meet.google.com/abc-defg-hij."
            )
    return value


def keywords(
    errors: Errors, data: Mapping[str, Any], field: str = "keywords", *, max_count: int = 15, max_len: int = 60
) -> list[str]:
    """A comma- or semicolon-separated keyword list."""
    raw = nfc(data.get(field))
    words = list(dict.fromkeys(one_line(w) for w in re.split(r"[,;\n]", raw) if w.strip()))
    if len(words) > max_count:
        errors[field] = Msg("Please give at most %(max)d keywords.", max=max_count)
    elif any(len(w) > max_len for w in words):
        errors[field] = Msg("Each keyword must be under %(max)d characters.", max=max_len)
    elif any(not any(ch.isalnum() for ch in w) for w in words):  # "🌿" or "---" says nothing a search can find
        errors[field] = Msg("Each keyword must contain a letter or a digit.")
    return words


def raise_if(errors: Errors) -> None:
    """Raise `Invalid` when any field failed its check."""
    if errors:
        raise Invalid(errors)
