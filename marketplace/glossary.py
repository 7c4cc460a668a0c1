"""The Department's bilingual glossary: search synonyms ("digital twin" also finds "bản sao số") and the
matcher's translations ("tinh dầu tràm" meets "cajeput oil") both come from it.

It starts as the file shipped with the application (`seed_data/glossary.csv`); staff change it on
/glossary. While the `glossary_term` table is empty the file is the glossary; the first change copies
it there, and from then on the table is (`search.synonyms.glossary_in_force`).
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from marketplace import audit, validation
from marketplace.errors import Invalid
from marketplace.i18n import Msg
from marketplace.models import GlossaryTerm, User
from marketplace.search.synonyms import glossary_in_force, glossary_state, shipped_glossary
from matching.glossary import MAX_TERM_CHARS
from matching.text import fold, tokenize


@dataclass(frozen=True)
class Term:
    """A glossary entry as the page shows it."""

    vi: str
    en: str


def terms(session: Session, seed_dir: Path, wanted: str = "") -> list[Term]:
    """The terms in force holding `wanted` in either language, with or without accents (all without it),
    in alphabetical order of the Vietnamese (đ among the d's, not after z)."""
    glossary = glossary_in_force(session, seed_dir)
    key = fold(validation.one_line(wanted).lower())
    found = [
        Term(e.vi, e.en)
        for e in (glossary.entries if glossary else ())
        if key in fold(e.vi.lower()) or key in fold(e.en.lower())
    ]
    return sorted(found, key=lambda t: (fold(t.vi.lower()), t.vi.lower(), t.en.lower()))


def _take_over(session: Session, seed_dir: Path) -> None:
    """Copy the shipped file into the empty table, so that a change applies to the whole glossary."""
    if glossary_state(session)[0]:
        return
    glossary = shipped_glossary(seed_dir)
    for entry in glossary.entries if glossary else ():
        session.add(GlossaryTerm(vi=entry.vi, en=entry.en))
    session.flush()


def _same(terms: list[GlossaryTerm], vi: str, en: str) -> list[GlossaryTerm]:
    """The entries of the pair among `terms`, whatever the case (compared here: SQL's lower() is ASCII-only)."""
    key = (vi.casefold(), en.casefold())
    return [t for t in terms if (t.vi.casefold(), t.en.casefold()) == key]


def add(session: Session, actor: User, data: dict[str, Any], seed_dir: Path) -> Term:
    """Add a term (staff); the same pair twice, an empty or over-long side, or one without letters is refused."""
    errors: validation.Errors = {}
    vi = validation.text(errors, data, "vi", max_len=MAX_TERM_CHARS, single_line=True)
    en = validation.text(errors, data, "en", max_len=MAX_TERM_CHARS, single_line=True)
    for field, value in (("vi", vi), ("en", en)):
        if value and field not in errors and not tokenize(value):
            errors[field] = Msg("Please write a term with letters or digits.")
    validation.raise_if(errors)
    _take_over(session, seed_dir)
    if _same(list(session.exec(select(GlossaryTerm))), vi, en):
        raise Invalid({"vi": Msg("“%(vi)s = %(en)s” is already in the glossary.", vi=vi, en=en)})
    session.add(GlossaryTerm(vi=vi, en=en, added_by_id=actor.id))
    audit.record(session, actor_id=actor.id, action="glossary.add", entity="glossary", vi=vi, en=en)
    session.commit()
    return Term(vi, en)


def remove(session: Session, actor: User, data: dict[str, Any], seed_dir: Path) -> Term:
    """Take a term out (staff). The glossary keeps at least one term: empty, it would be the shipped file again."""
    vi, en = validation.one_line(data.get("vi")), validation.one_line(data.get("en"))
    _take_over(session, seed_dir)
    every = list(session.exec(select(GlossaryTerm)))
    found = _same(every, vi, en)
    if not found:
        raise Invalid({"vi": Msg("“%(vi)s = %(en)s” is not in the glossary.", vi=vi, en=en)})
    if len(every) <= len(found):
        raise Invalid({"vi": Msg("The glossary needs at least one term: add another before taking this one out.")})
    session.execute(delete(GlossaryTerm).where(col(GlossaryTerm.id).in_([t.id for t in found])))
    audit.record(session, actor_id=actor.id, action="glossary.remove", entity="glossary", vi=vi, en=en)
    session.commit()
    return Term(vi, en)
