"""The Department's bilingual glossary: search synonyms ("digital twin" also finds "bản sao số") and the
matcher's translations ("tinh dầu tràm" meets "cajeput oil") both come from it.

It starts as the file shipped with the application (`seed_data/glossary.csv`); staff change it on
/glossary. While the `glossary_term` table is empty the file is the glossary; the first change copies
it there, and from then on the table is (`search.synonyms.glossary_in_force`).
"""

import csv
import io
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


def size(session: Session, seed_dir: Path) -> int:
    """How many terms are in force."""
    glossary = glossary_in_force(session, seed_dir)
    return len(glossary.entries) if glossary else 0


def _take_over(session: Session, seed_dir: Path) -> None:
    """Copy the shipped file into the empty table, so that a change applies to the whole glossary."""
    if glossary_state(session)[0]:
        return
    glossary = shipped_glossary(seed_dir)
    for entry in glossary.entries if glossary else ():
        session.add(GlossaryTerm(vi=entry.vi, en=entry.en))
    session.flush()


def _key(vi: str, en: str) -> tuple[str, str]:
    """What tells one pair from another, whatever the case (compared here: SQL's lower() is ASCII-only)."""
    return vi.casefold(), en.casefold()


def _same(terms: list[GlossaryTerm], vi: str, en: str) -> list[GlossaryTerm]:
    """The entries of the pair among `terms`, whatever the case."""
    return [t for t in terms if _key(t.vi, t.en) == _key(vi, en)]


def _checked(data: dict[str, Any]) -> tuple[str, str]:
    """The Vietnamese and English sides of a term; an empty or over-long side, or one without letters, is refused."""
    errors: validation.Errors = {}
    vi = validation.text(errors, data, "vi", max_len=MAX_TERM_CHARS, single_line=True)
    en = validation.text(errors, data, "en", max_len=MAX_TERM_CHARS, single_line=True)
    for field, value in (("vi", vi), ("en", en)):
        if value and field not in errors and not tokenize(value):
            errors[field] = Msg("Please write a term with letters or digits.")
    validation.raise_if(errors)
    return vi, en


def add(session: Session, actor: User, data: dict[str, Any], seed_dir: Path) -> Term:
    """Add a term (staff); the same pair twice, an empty or over-long side, or one without letters is refused."""
    vi, en = _checked(data)
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


MAX_IMPORT_BYTES = 500_000  # under the app's limit on a request (MAX_REQUEST_BYTES), so the reason is told here
MAX_IMPORT_TERMS = 5_000
MAX_LINES_TOLD = 20  # wrong lines named in the answer; the rest are counted


@dataclass(frozen=True)
class Imported:
    """What an import did: terms added, and those left out as already in the glossary (or twice in the file)."""

    added: int
    already: int


def import_csv(session: Session, actor: User, content: bytes, seed_dir: Path) -> Imported:
    """Add the terms of a CSV file in the download's format (UTF-8, a `vi,en` header line, one term a line).

    Nothing is added while any line is wrong: the answer names each wrong line (`Invalid`, keys "file" or
    "line N"), to be mended in the file and sent again. Terms already in the glossary are left out."""
    rows = _csv_rows(content)
    problems: dict[str, Msg] = {}
    found: dict[tuple[str, str], Term] = {}
    read = 0
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            if len(row) != 2:
                raise Invalid({"row": Msg("Two columns are needed: the Vietnamese term, then the English one.")})
            vi, en = _checked({"vi": row[0], "en": row[1]})
        except Invalid as exc:
            if len(problems) < MAX_LINES_TOLD:
                problems[f"line {line}"] = Msg("Line %(line)d: %(problem)s", line=line, problem=_first(exc.errors))
            else:
                problems["more"] = Msg("… and more lines like these.")
            continue
        found.setdefault(_key(vi, en), Term(vi, en))
        read += 1
    if problems:
        raise Invalid(problems)
    if not found:
        raise Invalid({"file": Msg("The file holds no term below its vi,en line.")})
    if len(found) > MAX_IMPORT_TERMS:
        raise Invalid({"file": Msg("A file may hold up to %(max)d terms; split it.", max=MAX_IMPORT_TERMS)})
    _take_over(session, seed_dir)
    held = {_key(t.vi, t.en) for t in session.exec(select(GlossaryTerm))}
    new = [term for key, term in found.items() if key not in held]
    session.add_all([GlossaryTerm(vi=t.vi, en=t.en, added_by_id=actor.id) for t in new])
    imported = Imported(added=len(new), already=read - len(new))
    detail = {"added": imported.added, "already": imported.already}
    audit.record(session, actor_id=actor.id, action="glossary.import", entity="glossary", **detail)
    session.commit()
    return imported


def _csv_rows(content: bytes) -> list[list[str]]:
    """The rows of an uploaded CSV file, its first line the header `vi,en`; a file that is not one is refused."""
    if not content.strip():
        raise Invalid({"file": Msg("Please choose a CSV file.")})
    if len(content) > MAX_IMPORT_BYTES:
        raise Invalid({"file": Msg("The file is larger than 500 kB; split it.")})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(
            {"file": Msg("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”.")}
        ) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        raise Invalid({"file": Msg("The file cannot be read as CSV.")}) from None
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if header != ["vi", "en"]:
        raise Invalid({"file": Msg("The first line must name the columns vi,en, as in the downloaded file.")})
    return rows


def _first(errors: dict[str, Msg]) -> Msg:
    return next(iter(errors.values()))
