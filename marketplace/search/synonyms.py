"""Bilingual synonyms from the Department's glossary, and which glossary is in force.

"digital twin" also finds "bản sao số", and "tinh dau" also finds "essential oil". Meilisearch gets
the same pairs as its `synonyms` setting; the database backends expand the query with them.

The glossary in force is the `glossary_term` table that staff edit (`marketplace.glossary`), or, while
it is empty, the file shipped with the application (seed_data/glossary.csv, `vi,en` rows). The matcher
reads it from here too. Each process keeps the glossary it built and builds it again when the table's
count or newest entry has changed, so that a change reaches every worker.
"""

import logging
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace.models import GlossaryTerm
from marketplace.search.terms import WORD, Terms
from matching import Glossary, GlossaryEntry, GlossaryError, load_glossary
from matching.text import fold

log = logging.getLogger("marketplace.search")


State = tuple[Any, ...]


def glossary_state(session: Session) -> State:
    """What tells one version of the table from another: how many terms, and the newest one's time."""
    return tuple(session.exec(select(func.count(), func.max(GlossaryTerm.added_at))).one())  # type: ignore[call-overload]


_built: dict[tuple[str, Path], tuple[State, Glossary | None]] = {}
_lock = threading.Lock()


def glossary_in_force(session: Session, seed_dir: Path) -> Glossary | None:
    """The glossary in force: the table's terms, or the shipped file's while the table is empty
    (None when neither holds any)."""
    key, now = (str(session.get_bind().engine.url), seed_dir), glossary_state(session)
    with _lock:
        built = _built.get(key)
    if built is not None and built[0] == now:
        return built[1]
    if now[0]:
        rows = session.exec(select(GlossaryTerm.vi, GlossaryTerm.en).order_by(col(GlossaryTerm.id))).all()
        glossary: Glossary | None = Glossary(tuple(GlossaryEntry(vi, en) for vi, en in rows))
    else:
        glossary = shipped_glossary(seed_dir)
    with _lock:
        _built[key] = (now, glossary)
    return glossary


def forget_glossaries() -> None:
    """Build every glossary again at its next use (tests)."""
    with _lock:
        _built.clear()


def shipped_glossary(seed_dir: Path) -> Glossary | None:
    """The glossary file shipped with the application, if present and usable."""
    return read_glossary(seed_dir / "glossary.csv")


def read_glossary(path: Path) -> Glossary | None:
    """The glossary of a `vi,en` CSV file; none when the file is missing or cannot be read (search
    and matching still work)."""
    if not path.exists():
        return None
    try:
        return load_glossary(path)
    except (GlossaryError, OSError) as exc:
        log.warning("glossary file not used: %s", exc)
        return None


def _key(phrase: Iterable[str]) -> tuple[str, ...]:
    return tuple(fold(w.lower()) for w in phrase)


def nfc_lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


class Synonyms:
    """Phrase ↔ phrase pairs. Words typed with accents look up the accented phrase ("cà" is not "cá",
    fish); words typed without accents look up every phrase that folds to them."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self.pairs = [(a.strip(), b.strip()) for a, b in pairs if a.strip() and b.strip()]
        self._exact: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        self._folded: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for first, second in self.pairs:
            a, b = tuple(WORD.findall(nfc_lower(first))), tuple(WORD.findall(nfc_lower(second)))
            if a and b and _key(a) != _key(b):
                for phrase, other in ((a, b), (b, a)):
                    self._exact.setdefault(phrase, []).append(other)
                    self._folded.setdefault(_key(phrase), []).append(other)
        self.longest = max((len(k) for k in self._folded), default=0)

    def _lookup(self, words: tuple[str, ...]) -> list[tuple[str, ...]]:
        folded = _key(words)
        return self._exact.get(words, []) if folded != words else self._folded.get(folded, [])

    @classmethod
    def of(cls, glossary: Glossary | None) -> "Synonyms":
        """The pairs of a glossary (none without one)."""
        return cls((e.vi, e.en) for e in glossary.entries) if glossary else cls()

    @classmethod
    def from_glossary(cls, path: Path) -> "Synonyms":
        """The pairs of a glossary file; none when it is missing or cannot be read."""
        return cls.of(read_glossary(path))

    def meilisearch(self) -> dict[str, list[str]]:
        """The pairs as Meilisearch's `synonyms` setting (both directions)."""
        table: dict[str, list[str]] = {}
        for first, second in self.pairs:
            table.setdefault(first.lower(), []).append(second.lower())
            table.setdefault(second.lower(), []).append(first.lower())
        return table

    def expand(self, terms: Terms) -> Terms:
        """The terms with each glossary phrase typed as single words merged into one term with alternatives."""
        if not self._folded:
            return terms
        items, i = list(terms.items), 0
        while i < len(items):
            for length in range(min(self.longest, len(items) - i), 0, -1):
                span = items[i : i + length]
                if any(len(t.words) != 1 or t.alternatives for t in span):
                    continue
                words = tuple(t.words[0] for t in span)
                found = self._lookup(words)
                if found:
                    items[i : i + length] = [replace(span[-1], words=words, alternatives=tuple(dict.fromkeys(found)))]
                    break
            i += 1
        return Terms(tuple(items))
