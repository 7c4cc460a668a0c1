"""An offer's or need's own translation by its owner: shown to readers of the other language beside the original.

A listing is written in one language (`language`, nearly always Vietnamese); its owner may add its title and
summary in the other one (`translated_title`, `translated_summary`). A reader browsing in that language sees the
translation first, marked with its language and "translated by the owner", with the original title beside it;
readers of the listing's own language see the original only. Works on offers, needs and search hits alike.
"""

from dataclasses import dataclass
from typing import Any

from marketplace.i18n import N_, current_locale, gettext

LANGUAGES = ("vi", "en")
NOTES = {
    "vi": N_("Translated by the owner; original in Vietnamese"),
    "en": N_("Translated by the owner; original in English"),
}


def other_language(language: str | None) -> str:
    """The language a listing written in `language` is translated into."""
    return "vi" if language == "en" else "en"


@dataclass(frozen=True)
class Translation:
    """The owner's translation of a listing's title (and perhaps summary) into `language`."""

    language: str
    title: str
    summary: str | None
    original_language: str
    original_title: str

    @property
    def note(self) -> str:
        """The note "Translated by the owner; original in Vietnamese", in the reader's language."""
        return gettext(NOTES.get(self.original_language, NOTES["vi"]))


def of(listing: Any) -> Translation | None:
    """The listing's translation, whoever reads it; None when it has none."""
    title = getattr(listing, "translated_title", None)
    if not title:
        return None
    original = getattr(listing, "language", None) or "vi"
    summary = getattr(listing, "translated_summary", None) or None
    return Translation(other_language(original), str(title), summary, original, str(listing.title))


def for_reader(listing: Any, locale: str | None = None) -> Translation | None:
    """The translation to show the reader (the page's language by default): only to readers of its language."""
    found = of(listing)
    if found is None or (locale or current_locale.get()) != found.language:
        return None
    return found


def shown_language(listing: Any) -> str:
    """The language of the title and summary the reader is shown: the translation's, or the listing's own."""
    found = for_reader(listing)
    return found.language if found else (getattr(listing, "language", None) or "vi")


def named_after(title: str, *listings: Any) -> Any | None:
    """The listing among `listings` (None skipped) whose own title is `title`, as a collaboration opened from an
    offer or need is named until staff rename it; None when there is none."""
    return next((listing for listing in listings if listing is not None and listing.title == title), None)


def as_json(listing: Any) -> dict[str, str | None] | None:
    """The translation as the JSON API gives it: {"language", "title", "summary"}, or None."""
    found = of(listing)
    if found is None:
        return None
    return {"language": found.language, "title": found.title, "summary": found.summary}
