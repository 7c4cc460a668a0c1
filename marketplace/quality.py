"""The listing quality coach: a completeness score and a checklist of what makes a listing convincing.

It reads the same values as the form (typed text, not yet saved), so the page can update it
while the owner types, and reviewers see the same score in the review queue.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from marketplace.i18n import Msg
from marketplace.listing_forms import IP_NEEDS_REFERENCE, Kind

BIO_SECTORS = ("medicinal", "biotech", "agri_food")
FIGURE = re.compile(r"\d")  # a figure: 30 %, 2 lần, 1,8-cineole ≥ 80 — any digit counts
Values = Mapping[str, Any]
Row = tuple[str, int, Callable[[Values], bool], Msg, Msg]


@dataclass(frozen=True)
class Check:
    """One item of the checklist: what it asks for, whether the listing has it, how to get there."""

    key: str
    label: Msg
    hint: Msg
    done: bool
    weight: int
    too_short: bool = False  # written, but shorter than the check asks: "too short" rather than "missing"


@dataclass(frozen=True)
class Assessment:
    score: int
    checks: list[Check]

    @property
    def missing(self) -> list[Check]:
        """The checks not met, whether left empty or written too briefly."""
        return [c for c in self.checks if not c.done]

    @property
    def empty(self) -> list[Check]:
        """The checks not met because nothing was written for them."""
        return [c for c in self.missing if not c.too_short]

    @property
    def too_short(self) -> list[Check]:
        return [c for c in self.missing if c.too_short]

    @property
    def level(self) -> str:
        """ "weak", "fair" or "strong", for the score's colour and wording."""
        return "strong" if self.score >= 80 else "fair" if self.score >= 50 else "weak"


def _text(values: Values, field: str) -> str:
    return str(values.get(field) or "").strip()


def _long(field: str, minimum: int) -> Callable[[Values], bool]:
    return lambda v: len(_text(v, field)) >= minimum


def _keyword_count(values: Values) -> int:
    raw = values.get("keywords") or ""
    words = raw if isinstance(raw, list) else re.split(r"[,;\n]", str(raw))
    return len({w.strip().lower() for w in words if w.strip()})


def _listed(values: Values, field: str) -> bool:
    raw = values.get(field)
    return bool([x for x in raw if x] if isinstance(raw, list) else raw)


def _ip_stated(values: Values) -> bool:
    status = _text(values, "ip_status")
    return bool(status) and (status not in IP_NEEDS_REFERENCE or bool(_text(values, "ip_reference")))


def _figures(values: Values) -> bool:
    advantages = _text(values, "advantages")
    return len(advantages) >= MEASURED["advantages"][1] and FIGURE.search(advantages) is not None


def _budget(values: Values) -> bool:
    """A positive amount in either budget field (typed with or without thousands separators)."""
    amounts = [re.sub(r"[.,\s]", "", _text(values, f)) for f in ("budget_min_vnd", "budget_max_vnd")]
    return any(a.isdigit() and int(a) > 0 for a in amounts)


def _deadline(values: Values) -> bool:
    """A deadline that has not passed."""
    try:
        return date.fromisoformat(_text(values, "deadline")) >= date.today()
    except ValueError:
        return False


def _bio(values: Values) -> bool:
    return all(_text(values, f) for f in ("species", "latin_name")) and any(
        _text(values, f) for f in ("plant_part", "active_compounds")
    )


# The text field and the length a check asks for, by check: a field with some text but fewer characters is
# reported "too short" rather than missing.
MEASURED = {
    "title": ("title", 25),
    "summary": ("summary", 80),
    "description": ("description", 300),
    "trl": ("trl_justification", 60),
    "advantages": ("advantages", 60),
    "applications": ("applications", 60),
    "problem": ("problem", 150),
    "outcome": ("desired_outcome", 60),
    "constraints": ("constraints", 30),
}


def _too_short(values: Values, key: str) -> bool:
    field, minimum = MEASURED.get(key, ("", 0))
    return 0 < len(_text(values, field)) < minimum


# (key, weight, test, label, hint); labels and hints are msgids translated when shown.
# fmt: off
COMMON: list[Row] = [
    ("title", 5, _long(*MEASURED["title"]), Msg("A specific title"),
     Msg("Name the result and what it does, e.g. “Quy trình chưng cất tinh dầu tràm đạt 1,8-cineole ≥ 60 %”.")),
    ("keywords", 8, lambda v: 3 <= _keyword_count(v) <= 15, Msg("Three or more keywords"),
     Msg("Add 3–15 keywords, separated by commas, in the words companies search for.")),
    ("collaboration", 10, lambda v: _listed(v, "collaboration_types"), Msg("Collaboration type sought"),
     Msg("Tick how you want to work together: licence, transfer, joint development…")),
]
OFFER: list[Row] = [
    ("summary", 10, lambda v: 80 <= len(_text(v, "summary")) <= 600, Msg("A summary of one or two sentences"),
     Msg("Write 80–600 characters: what it is, for whom, and the main benefit.")),
    ("description", 8, _long(*MEASURED["description"]), Msg("A full description"),
     Msg("Describe the method or product in at least 300 characters.")),
    ("trl", 12, _long(*MEASURED["trl"]), Msg("TRL with a justification"),
     Msg("Say why this TRL: pilot batches, tests done, where it has been used.")),
    ("ip", 10, _ip_stated, Msg("IP status with its reference number"),
     Msg("State the IP status; for a filed or granted patent or utility solution give its number.")),
    ("advantages", 15, _figures, Msg("Advantages over existing solutions, with figures"),
     Msg("Compare with what is used today and give numbers: yield +30 %, cost −20 %, 2 times faster.")),
    ("applications", 10, _long(*MEASURED["applications"]), Msg("Target users and applications"),
     Msg("Say who would use it (which companies, cooperatives, hospitals) and for what.")),
]
BIO: list[Row] = [
    ("bio", 12, _bio, Msg("Bio-resource details"),
     Msg("Give the species with its Latin name and the plant part or active compounds used.")),
]
NEED: list[Row] = [
    ("problem", 15, _long(*MEASURED["problem"]), Msg("The problem, described in detail"),
     Msg("Explain the problem in at least 150 characters: what goes wrong today, how often, at what cost.")),
    ("outcome", 15, _long(*MEASURED["outcome"]), Msg("The desired outcome"),
     Msg("Describe the result you expect, if possible with a measurable target.")),
    ("constraints", 8, _long(*MEASURED["constraints"]), Msg("Constraints"),
     Msg("Mention limits on cost, equipment, standards, location or raw materials.")),
    ("budget", 12, _budget, Msg("A budget range"),
     Msg("Give an approximate budget in VND; partners answer sooner when they know it.")),
    ("deadline", 8, _deadline, Msg("A deadline"), Msg("Say by when you need the result.")),
    ("min_trl", 5, lambda v: bool(_text(v, "min_trl")), Msg("Minimum readiness (TRL)"),
     Msg("Say how mature a solution must be: a lab result (TRL 3–4) or a proven product (TRL 7–9).")),
]
# fmt: on


def assess(kind: Kind, values: Values) -> Assessment:
    """The score (0–100) and checklist of an offer or need, from its form values or model fields."""
    rows = COMMON + (OFFER if kind == "offer" else NEED)
    if kind == "offer" and _text(values, "sector_code") in BIO_SECTORS:
        rows = rows + BIO
    checks = [
        Check(key, label, hint, bool(test(values)), weight, too_short=_too_short(values, key))
        for key, weight, test, label, hint in rows
    ]
    total = sum(c.weight for c in checks)
    score = round(100 * sum(c.weight for c in checks if c.done) / total)
    return Assessment(score=score, checks=checks)
