"""Bilingual synonyms from the Department's glossary (seed_data/glossary.csv, `vi,en` rows).

"digital twin" also finds "bản sao số", and "tinh dau" also finds "essential oil". Meilisearch gets
the same pairs as its `synonyms` setting; the database backends expand the query with them.
"""

import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from marketplace.search.terms import WORD, Terms
from matching.text import fold

log = logging.getLogger("marketplace.search")


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
    def from_glossary(cls, path: Path) -> "Synonyms":
        """The glossary's pairs; none when the file is missing or cannot be read (search still works)."""
        if not path.exists():
            return cls()
        from matching.glossary import GlossaryError, load_glossary

        try:
            return cls((e.vi, e.en) for e in load_glossary(path).entries)
        except (GlossaryError, OSError) as exc:
            log.warning("glossary not used for search synonyms: %s", exc)
            return cls()

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
