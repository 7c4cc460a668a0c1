"""Readable, translated labels for the domain's fixed vocabularies."""

import json
from functools import lru_cache

from marketplace.config import get_settings
from marketplace.i18n import N_, current_locale, gettext

LABELS: dict[str, dict[str, str]] = {
    "org_kind": {
        "university": N_("University"),
        "research_institute": N_("Research institute"),
        "academy_institute": N_("Academy institute (VAST)"),
        "hospital": N_("Hospital"),
        "enterprise": N_("Enterprise"),
        "cooperative": N_("Cooperative"),
        "startup": N_("Startup"),
        "government": N_("Government agency"),
        "intermediary": N_("Intermediary / support centre"),
    },
    "role": {
        "researcher": N_("Researcher"),
        "enterprise": N_("Enterprise"),
        "staff": N_("Department staff"),
        "admin": N_("Administrator"),
    },
    "ip_status": {
        "none": N_("No IP protection"),
        "filed": N_("Application filed"),
        "patent": N_("Granted patent"),
        "utility_solution": N_("Granted utility solution"),
        "trade_secret": N_("Trade secret"),
        "expired": N_("Protection expired"),
    },
    "collaboration_type": {
        "licence": N_("Licence"),
        "transfer": N_("Transfer of ownership"),
        "joint_development": N_("Joint development"),
        "consulting": N_("Consulting / technical service"),
        "capital_contribution": N_("Capital contribution with technology"),
        "research_contract": N_("Research contract"),
    },
    "listing_status": {
        "draft": N_("Draft"),
        "submitted": N_("Awaiting review"),
        "published": N_("Published"),
        "rejected": N_("Sent back"),
        "archived": N_("Archived"),
        "expired": N_("Expired"),
    },
    "listing_kind": {"offer": N_("Technology offer"), "need": N_("Technology need")},
    "stage": {
        "proposed": N_("Proposed"),
        "contacted": N_("Contacted"),
        "negotiating": N_("Negotiating"),
        "agreement_signed": N_("Agreement signed"),
        "implementing": N_("Implementing"),
        "commercialized": N_("Commercialized"),
        "closed": N_("Closed"),
    },
    "task_level": {
        "national": N_("National"),
        "ministerial": N_("Ministerial"),
        "city": N_("City"),
        "institutional": N_("Institutional"),
    },
    "meeting_status": {"planned": N_("Planned"), "held": N_("Held"), "cancelled": N_("Cancelled")},
    "event_kind": {"fair": N_("Technology fair"), "matchmaking": N_("Matchmaking day"), "workshop": N_("Workshop")},
    "event_status": {"draft": N_("Draft"), "published": N_("Published"), "cancelled": N_("Cancelled")},
    "event_meeting_status": {
        "requested": N_("Waiting for an answer"),
        "accepted": N_("Accepted"),
        "declined": N_("Declined"),
        "cancelled": N_("Withdrawn"),
    },
    "proposal_status": {"new": N_("New"), "accepted": N_("Accepted"), "dismissed": N_("Dismissed")},
    "inquiry_status": {
        "pending": N_("Waiting for an answer"),
        "accepted": N_("Accepted"),
        "declined": N_("Declined"),
        "withdrawn": N_("Withdrawn"),
    },
    "decline_reason": {
        "not_relevant": N_("Not relevant to us"),
        "wrong_stage": N_("Wrong stage of development"),
        "no_budget": N_("No budget at present"),
        "already_partnered": N_("Already have a partner"),
        "ip_constraints": N_("Intellectual property constraints"),
        "timing": N_("Timing does not suit"),
        "too_vague": N_("The listing or message is too vague"),
        "other": N_("Other reason"),
    },
}


def label(vocabulary: str, value: str | None) -> str:
    """The translated label of `value` in `vocabulary` (the raw value when unknown)."""
    if value is None:
        return ""
    found = LABELS.get(vocabulary, {}).get(str(value))
    return gettext(found) if found else str(value)


def options(vocabulary: str) -> list[tuple[str, str]]:
    """(value, translated label) pairs for a select or checkbox group."""
    return [(value, gettext(text)) for value, text in LABELS[vocabulary].items()]


@lru_cache
def _sectors() -> dict[str, dict[str, str]]:
    path = get_settings().SEED_DIR / "sectors.json"
    return {row["code"]: row for row in json.loads(path.read_text(encoding="utf-8"))}


def sector_name(code: str | None) -> str:
    """The sector's name in the reader's language."""
    row = _sectors().get(code or "")
    if row is None:
        return code or ""
    return row["name_vi"] if current_locale.get() == "vi" else row["name_en"]


def sector_options() -> list[tuple[str, str]]:
    """(code, name) of every sector in taxonomy order."""
    return [(code, sector_name(code)) for code in _sectors()]
