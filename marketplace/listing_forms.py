"""The offer and need forms: what each field accepts, and a listing shown back as form values.

A draft needs only a title, a sector (and an offer its TRL); everything else is checked for shape
and length. A listing sent for review, or already public, must be complete (`strict`).
"""

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from marketplace import labels, validation
from marketplace.i18n import N_, Msg, format_date, format_vnd, gettext
from marketplace.models import IPStatus, Need, Offer, TaskLevel

Kind = Literal["offer", "need"]
LANGUAGES = ("vi", "en")
TITLE_MAX, SUMMARY_MAX, LONG_MAX, MEDIUM_MAX = 200, 600, 8000, 4000
BUDGET_MAX_VND = 1_000_000_000_000  # 1,000 billion đồng: far above any technology contract in Huế
MULTI_FIELDS = ("collaboration_types",)
BIO_LIMITS = {
    "species": 120,
    "latin_name": 120,
    "plant_part": 120,
    "active_compounds": 300,
    "standard": 120,
    "ocop": 120,
}
IP_NEEDS_REFERENCE = (IPStatus.FILED.value, IPStatus.PATENT.value, IPStatus.UTILITY_SOLUTION.value)
STAFF_NEED_FIELDS = ("commissioned", "funding_note", "st_task_code", "st_task_level")
FIELD_LABELS = {  # in the order the form shows the fields (error summaries list them so)
    "title": N_("Title"),
    "sector_code": N_("Sector"),
    "language": N_("Language of the listing"),
    "summary": N_("Summary"),
    "description": N_("Description"),
    "problem": N_("Problem"),
    "desired_outcome": N_("Desired outcome"),
    "constraints": N_("Constraints"),
    "keywords": N_("Keywords"),
    "advantages": N_("Advantages over existing solutions"),
    "applications": N_("Target users and applications"),
    "trl": N_("Technology readiness level (TRL)"),
    "trl_justification": N_("Why this TRL"),
    "ip_status": N_("Intellectual property"),
    "ip_reference": N_("Patent or application number"),
    "budget_min_vnd": N_("Budget from (VND)"),
    "budget_max_vnd": N_("Budget up to (VND)"),
    "deadline": N_("Deadline"),
    "min_trl": N_("Minimum TRL"),
    "collaboration_types": N_("Collaboration sought"),
    "terms": N_("Terms"),
    "species": N_("Species"),
    "latin_name": N_("Latin name"),
    "plant_part": N_("Plant part"),
    "active_compounds": N_("Active compounds"),
    "standard": N_("Cultivation or processing standard"),
    "ocop": N_("OCOP product"),
    "translated_title": N_("Translated title"),
    "translated_summary": N_("Translated summary"),
    "commissioned": N_("Commissioned by the Department"),
    "funding_note": N_("Funding"),
    "st_task_code": N_("S&T task code"),
    "st_task_level": N_("S&T task level"),
}
FORM_ORDER = {field: place for place, field in enumerate(FIELD_LABELS)}
TRL_LEVELS = [
    N_("TRL 1 — basic principles observed"),
    N_("TRL 2 — technology concept formulated"),
    N_("TRL 3 — experimental proof of concept"),
    N_("TRL 4 — validated in the laboratory"),
    N_("TRL 5 — validated in a relevant environment"),
    N_("TRL 6 — demonstrated in a relevant environment"),
    N_("TRL 7 — prototype demonstrated in operation"),
    N_("TRL 8 — system complete and qualified"),
    N_("TRL 9 — proven in operation"),
]


def field_label(field: str) -> str:
    """The translated label of a form field."""
    return gettext(FIELD_LABELS[field])


def trl_options() -> list[tuple[str, str]]:
    """(level, translated description) for the TRL selects."""
    return [(str(level), gettext(text)) for level, text in enumerate(TRL_LEVELS, start=1)]


def changed_fields(kind: Kind, saved: Mapping[str, Any], typed: Mapping[str, Any]) -> list[str]:
    """Fields whose saved value differs from what the user typed (shown after a stale save)."""
    fields = [f for f in FIELD_LABELS if hasattr(Offer if kind == "offer" else Need, f)]
    return [f for f in fields if _comparable(f, saved.get(f)) != _comparable(f, typed.get(f))]


def _comparable(field: str, value: Any) -> str:
    """The value as text that ignores order, spacing and an unticked (absent) checkbox group."""
    if field == "keywords":
        value = re.split(r"[,;\n]", validation.nfc(value))
    if isinstance(value, list):
        return "|".join(sorted(validation.nfc(v) for v in value if validation.nfc(v)))
    return validation.nfc(value)


def sector_codes() -> list[str]:
    return [code for code, _name in labels.sector_options()]


def collaboration_codes() -> list[str]:
    return [code for code, _text in labels.options("collaboration_type")]


def parse(kind: Kind, data: Mapping[str, Any], *, strict: bool, today: date, staff: bool = False) -> dict[str, Any]:
    """The model values of a submitted offer or need form; raises `Invalid` with a message per bad field."""
    errors: validation.Errors = {}
    values = _common(errors, data, strict=strict)
    if kind == "offer":
        values |= _offer(errors, data, strict=strict)
    else:
        values |= _need(errors, data, strict=strict, today=today)
        if staff:
            values |= _commission(errors, data)
    validation.raise_if(dict(sorted(errors.items(), key=lambda item: FORM_ORDER.get(item[0], len(FORM_ORDER)))))
    return values


def _common(errors: validation.Errors, data: Mapping[str, Any], *, strict: bool) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": validation.text(errors, data, "title", max_len=TITLE_MAX, min_len=5, single_line=True),
        "sector_code": validation.choice(errors, data, "sector_code", sector_codes()),
        "keywords": validation.keywords(errors, data),
        "language": validation.choice(errors, data, "language", LANGUAGES, required=False) or "vi",
    }
    values |= _translation(errors, data)
    raw_types = data.get("collaboration_types") or []
    values["collaboration_types"] = validation.choices(
        errors,
        [raw_types] if isinstance(raw_types, str) else raw_types,
        "collaboration_types",
        collaboration_codes(),
        required=strict,
    )
    return values


def _translation(errors: validation.Errors, data: Mapping[str, Any]) -> dict[str, str | None]:
    """The owner's optional translation into the other language: a summary alone would have no title to show."""
    title = validation.text(errors, data, "translated_title", max_len=TITLE_MAX, required=False, single_line=True)
    summary = validation.text(errors, data, "translated_summary", max_len=SUMMARY_MAX, required=False)
    if summary and not title and "translated_title" not in errors:
        errors["translated_title"] = Msg("Please translate the title too, or leave the translated summary empty.")
    return {"translated_title": title or None, "translated_summary": summary or None}


def _trl(errors: validation.Errors, data: Mapping[str, Any], field: str) -> int | None:
    """A level chosen from the TRL select (1-9): when none is, the message says to choose one, as other selects do."""
    if not validation.nfc(data.get(field)):
        errors[field] = Msg("Please choose one option.")
        return None
    return validation.integer(errors, data, field, low=1, high=9)


def _offer(errors: validation.Errors, data: Mapping[str, Any], *, strict: bool) -> dict[str, Any]:
    values: dict[str, Any] = {
        "summary": validation.text(errors, data, "summary", max_len=SUMMARY_MAX, required=strict, min_len=30),
        "description": validation.text(errors, data, "description", max_len=LONG_MAX, required=strict),
        "applications": validation.text(errors, data, "applications", max_len=MEDIUM_MAX, required=False),
        "advantages": validation.text(errors, data, "advantages", max_len=MEDIUM_MAX, required=False),
        "trl": _trl(errors, data, "trl"),
        "trl_justification": validation.text(errors, data, "trl_justification", max_len=MEDIUM_MAX, required=False),
        "ip_status": validation.choice(errors, data, "ip_status", [s.value for s in IPStatus], required=strict),
        "ip_reference": _ip_reference(errors, data, strict=strict),
        "terms": validation.text(errors, data, "terms", max_len=MEDIUM_MAX, required=False),
    }
    for field, limit in BIO_LIMITS.items():
        values[field] = validation.text(errors, data, field, max_len=limit, required=False, single_line=True) or None
    return values


def _ip_reference(errors: validation.Errors, data: Mapping[str, Any], *, strict: bool) -> str | None:
    """The patent or application number; a complete listing whose IP is filed or granted must give it."""
    reference = validation.text(errors, data, "ip_reference", max_len=60, required=False, single_line=True)
    status = validation.nfc(data.get("ip_status"))
    if strict and not reference and "ip_reference" not in errors and status in IP_NEEDS_REFERENCE:
        errors["ip_reference"] = Msg("Please give the patent or application number for this IP status.")
    return reference or None


def _need(errors: validation.Errors, data: Mapping[str, Any], *, strict: bool, today: date) -> dict[str, Any]:
    values: dict[str, Any] = {
        "problem": validation.text(errors, data, "problem", max_len=LONG_MAX, required=strict, min_len=30),
        "desired_outcome": validation.text(errors, data, "desired_outcome", max_len=MEDIUM_MAX, required=strict),
        "constraints": validation.text(errors, data, "constraints", max_len=MEDIUM_MAX, required=False),
        "min_trl": validation.integer(errors, data, "min_trl", low=1, high=9, required=False),
        "budget_min_vnd": validation.integer(
            errors, data, "budget_min_vnd", low=0, high=BUDGET_MAX_VND, required=False
        ),
        "budget_max_vnd": validation.integer(
            errors, data, "budget_max_vnd", low=0, high=BUDGET_MAX_VND, required=False
        ),
        "deadline": validation.future_date(errors, data, "deadline", today=today),
    }
    low, high = values["budget_min_vnd"], values["budget_max_vnd"]
    if low is not None and high is not None and high < low:
        errors["budget_max_vnd"] = Msg("The highest budget cannot be below the lowest.")
    return values


def _commission(errors: validation.Errors, data: Mapping[str, Any]) -> dict[str, Any]:
    """Fields only Department staff fill in: a commissioned problem (đặt hàng) and its S&T task."""
    return {
        "commissioned": validation.nfc(data.get("commissioned")) in ("1", "on", "true"),
        "funding_note": validation.text(errors, data, "funding_note", max_len=1000, required=False) or None,
        "st_task_code": validation.text(errors, data, "st_task_code", max_len=60, required=False, single_line=True)
        or None,
        "st_task_level": validation.choice(errors, data, "st_task_level", [t.value for t in TaskLevel], required=False),
    }


def form_of(listing: Offer | Need) -> dict[str, Any]:
    """The listing's values as the form shows them (text, and a list for the checkbox group)."""
    shown: dict[str, Any] = {}
    for field, value in listing.model_dump().items():
        if field == "keywords":
            shown[field] = ", ".join(value)
        elif field in MULTI_FIELDS:
            shown[field] = list(value)
        elif isinstance(value, bool):
            shown[field] = "1" if value else ""
        elif isinstance(value, date):
            shown[field] = value.isoformat()
        else:
            shown[field] = "" if value is None else str(value)
    return shown


def flatten(submitted: Mapping[str, list[str]]) -> dict[str, Any]:
    """A submitted form with one value per field, except the checkbox groups which stay lists."""
    return {
        key: (values if key in MULTI_FIELDS else (values[-1] if values else "")) for key, values in submitted.items()
    }


def stored(values: Mapping[str, Any]) -> dict[str, Any]:
    """Parsed form values as JSON (a pending revision keeps them so): dates as ISO text."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def from_stored(values: Mapping[str, Any]) -> dict[str, Any]:
    """The model values of `stored(...)` again."""
    shown = dict(values)
    if shown.get("deadline"):
        shown["deadline"] = date.fromisoformat(shown["deadline"])
    return shown


def shown_value(field: str, value: Any) -> str:
    """A field's value as a reader sees it on the listing page (labels, not codes)."""
    if value is None or value == "" or value == []:
        return ""
    if field == "sector_code":
        return labels.sector_name(value)
    if field == "language":
        return dict((("vi", "Tiếng Việt"), ("en", "English"))).get(value, value)
    if field == "ip_status":
        return labels.label("ip_status", value)
    if field == "collaboration_types":
        return ", ".join(labels.label("collaboration_type", v) for v in value)
    if field == "keywords":
        return ", ".join(value)
    if field in ("budget_min_vnd", "budget_max_vnd"):
        return format_vnd(value)
    if field == "deadline":
        return format_date(value)
    return str(value)


def differences(listing: Offer | Need, values: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(label, public value, proposed value) of each field the proposed model values change."""
    changed = [f for f in FIELD_LABELS if f in values and getattr(listing, f, None) != values[f]]
    return [(field_label(f), shown_value(f, getattr(listing, f)), shown_value(f, values[f])) for f in changed]
