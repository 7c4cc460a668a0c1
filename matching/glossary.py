"""Bilingual Vietnamese–English glossary used to expand texts across languages."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from matching.text import fold, has_diacritics, token_lines

MAX_TERM_CHARS = 120
LINE_CACHE_SIZE = 50_000


class GlossaryError(ValueError):
    """The glossary file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class GlossaryEntry:
    """One Vietnamese term and its English equivalent."""

    vi: str
    en: str


def _english_key(tokens: Iterable[str]) -> tuple[str, ...]:
    """Return English tokens with a plural -s dropped, so "oils" meets "oil"."""
    return tuple(t[:-1] if len(t) > 3 and t.endswith("s") and not t.endswith("ss") else t for t in tokens)


def _phrase(text: str) -> tuple[str, ...]:
    """Return the lowercased NFC tokens of a glossary term."""
    return tuple(token for line in token_lines(text) for token in line)


@dataclass(frozen=True)
class Glossary:
    """Vietnamese↔English term pairs; `expand` returns the translations found in a text."""

    entries: tuple[GlossaryEntry, ...]
    _exact_vi: dict[tuple[str, ...], list[str]] = field(init=False, repr=False, compare=False)
    _folded_vi: dict[tuple[str, ...], list[str]] = field(init=False, repr=False, compare=False)
    _english: dict[tuple[str, ...], list[str]] = field(init=False, repr=False, compare=False)
    _longest: int = field(init=False, repr=False, compare=False)
    _starts: frozenset[str] = field(init=False, repr=False, compare=False)
    _lines: dict[tuple[tuple[str, ...], bool], tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact: dict[tuple[str, ...], list[str]] = {}
        folded: dict[tuple[str, ...], list[str]] = {}
        english: dict[tuple[str, ...], list[str]] = {}
        for entry in self.entries:
            vi, en = _phrase(entry.vi), _phrase(entry.en)
            exact.setdefault(vi, []).append(entry.en)
            folded.setdefault(tuple(fold(t) for t in vi), []).append(entry.en)
            english.setdefault(_english_key(en), []).append(entry.vi)
        longest = max((len(k) for table in (exact, english) for k in table), default=0)
        object.__setattr__(self, "_exact_vi", exact)
        object.__setattr__(self, "_folded_vi", folded)
        object.__setattr__(self, "_english", english)
        object.__setattr__(self, "_longest", longest)
        # The first words of all terms: most positions of a text start none, and are skipped at once.
        starts = frozenset(key[0] for table in (exact, folded, english) for key in table if key)
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_lines", {})

    def __len__(self) -> int:
        return len(self.entries)

    def _lookup(self, span: tuple[str, ...], accent_free: bool) -> list[str]:
        """Return the translations of one token span.

        Folded Vietnamese terms only match text typed entirely without accents, and only when
        they have several syllables: "tom" or "pin" alone are too often other words.
        """
        found = self._exact_vi.get(span)
        if found is None and not any(has_diacritics(t) for t in span):
            found = self._english.get(_english_key(span))
            if found is None and accent_free and len(span) > 1:
                found = self._folded_vi.get(span)
        return found or []

    def expand(self, text: str) -> list[str]:
        """Return the distinct translations of the glossary terms in text, longest match first."""
        lines = token_lines(text)
        accent_free = not any(has_diacritics(t) for tokens in lines for t in tokens)
        out: dict[str, None] = {}
        for tokens in lines:
            out.update(dict.fromkeys(self._expand_line(tuple(tokens), accent_free)))
        return list(out)

    def _expand_line(self, tokens: tuple[str, ...], accent_free: bool) -> tuple[str, ...]:
        """Return the translations found in one line; remembered, as fields repeat and texts recur."""
        key = (tokens, accent_free)
        found = self._lines.get(key)  # one lookup: another thread may clear the cache meanwhile
        if found is not None:
            return found
        if len(self._lines) > LINE_CACHE_SIZE:
            self._lines.clear()
        out: dict[str, None] = {}
        i = 0
        while i < len(tokens):
            if tokens[i] not in self._starts and _english_key(tokens[i : i + 1])[0] not in self._starts:
                i += 1
                continue
            for length in range(min(self._longest, len(tokens) - i), 0, -1):
                translations = self._lookup(tuple(tokens[i : i + length]), accent_free)
                if translations:
                    out.update(dict.fromkeys(translations))
                    i += length
                    break
            else:
                i += 1
        self._lines[key] = result = tuple(out)
        return result


def _check_row(row: list[str], line: int, name: str) -> GlossaryEntry:
    """Return the entry of one CSV row or raise GlossaryError saying what is wrong."""
    if len(row) != 2:
        raise GlossaryError(f"{name} line {line}: expected 2 columns (vi,en), found {len(row)}")
    vi, en = (unicodedata.normalize("NFC", cell).strip() for cell in row)
    for column, value in (("vi", vi), ("en", en)):
        if not value:
            raise GlossaryError(f"{name} line {line}: column '{column}' is empty")
        if len(value) > MAX_TERM_CHARS:
            raise GlossaryError(f"{name} line {line}: column '{column}' is longer than {MAX_TERM_CHARS} characters")
        if not _phrase(value):
            raise GlossaryError(f"{name} line {line}: column '{column}' contains no letters or digits")
    return GlossaryEntry(vi=vi, en=en)


def parse_glossary(rows: Iterable[list[str]], name: str = "glossary") -> Glossary:
    """Return the glossary of CSV rows (header `vi,en` first); raise GlossaryError when invalid."""
    iterator = iter(rows)
    header = [cell.strip().lower() for cell in next(iterator, [])]
    if header != ["vi", "en"]:
        raise GlossaryError(f"{name} line 1: the header must be 'vi,en', found {','.join(header)!r}")
    entries: list[GlossaryEntry] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in enumerate(iterator, start=2):
        if not any(cell.strip() for cell in row):
            continue
        entry = _check_row(row, line, name)
        key = (entry.vi.lower(), entry.en.lower())
        if key in seen:
            raise GlossaryError(f"{name} line {line}: duplicate of line {seen[key]} ({entry.vi} = {entry.en})")
        seen[key] = line
        entries.append(entry)
    if not entries:
        raise GlossaryError(f"{name}: no terms after the header")
    return Glossary(tuple(entries))


def load_glossary(path: str | Path) -> Glossary:
    """Return the glossary stored in a UTF-8 CSV file with columns vi,en."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return parse_glossary(csv.reader(handle, strict=True), name=path.name)
    except FileNotFoundError:
        raise GlossaryError(f"glossary file not found: {path}") from None
    except UnicodeDecodeError as error:
        raise GlossaryError(f"{path.name}: not UTF-8 text (byte {error.start}); save it as CSV UTF-8") from None
    except csv.Error as error:
        raise GlossaryError(f"{path.name}: malformed CSV ({error})") from None
