"""Words an explanation keeps whole or never shows: glossary terms, generic project words, place names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from matching.glossary import Glossary
from matching.text import fold, token_lines

DATA = Path(__file__).with_name("data")

Span = tuple[int, int]


def read_words(path: Path) -> list[str]:
    """Return the words or phrases of a data file: one a line, `#` starts a comment."""
    lines = (line.partition("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


Phrase = tuple[str, ...]


def _lengths_by_first_word(phrases: frozenset[Phrase]) -> dict[str, tuple[int, ...]]:
    """Return the lengths of the phrases starting with each word, shortest first."""
    lengths: defaultdict[str, set[int]] = defaultdict(set)
    for phrase in phrases:
        lengths[phrase[0]].add(len(phrase))
    return {word: tuple(sorted(found)) for word, found in lengths.items()}


@dataclass(frozen=True)
class PhraseSet:
    """Phrases as token tuples, accented (for text with diacritics) and folded (for text typed without)."""

    exact: frozenset[Phrase]
    folded: frozenset[Phrase]
    longest: int

    @classmethod
    def of(cls, phrases: Iterable[str]) -> PhraseSet:
        """Return the set of phrases, normalised like the texts they are looked up in."""
        exact = frozenset(tuple(token for line in token_lines(phrase) for token in line) for phrase in phrases) - {()}
        folded = frozenset(tuple(fold(token) for token in phrase) for phrase in exact)
        return cls(exact, folded, max(map(len, exact), default=0))

    def __contains__(self, phrase: object) -> bool:
        return phrase in self.exact

    # Most words start no phrase: looking up only the lengths that start with a word saves trying them all.
    @cached_property
    def _exact_lengths(self) -> dict[str, tuple[int, ...]]:
        return _lengths_by_first_word(self.exact)

    @cached_property
    def _folded_lengths(self) -> dict[str, tuple[int, ...]]:
        return _lengths_by_first_word(self.folded)

    def spans(self, tokens: list[str], accented: bool) -> list[Span]:
        """Return every (start, stop) where a phrase occurs in tokens (folded lookup in accent-free text)."""
        return self.find(tokens if accented else [fold(t) for t in tokens], accented)

    def find(self, words: list[str], accented: bool) -> list[Span]:
        """Return every (start, stop) where a phrase occurs in words, given folded when the text is not accented."""
        table, lengths = (self.exact, self._exact_lengths) if accented else (self.folded, self._folded_lengths)
        found = []
        for start, word in enumerate(words):
            for length in lengths.get(word, ()):
                stop = start + length
                if stop <= len(words) and tuple(words[start:stop]) in table:
                    found.append((start, stop))
        return found

    def covers(self, tokens: list[str], accented: bool, also: frozenset[str] = frozenset()) -> bool:
        """Return True when phrases of the set (and words of `also`) cover every token."""
        covered = [token in also for token in tokens]
        for start, stop in self.spans(tokens, accented):
            covered[start:stop] = [True] * (stop - start)
        return all(covered)


@dataclass(frozen=True)
class Lexicon:
    """What explanations know of words beyond the two texts."""

    whole: PhraseSet  # glossary terms: never split, and a one-syllable term may be shown alone
    generic: PhraseSet  # a term made only of these explains nothing
    places: PhraseSet  # their syllables are never shown

    @classmethod
    def of(cls, glossary: Glossary | None = None) -> Lexicon:
        """Return the lexicon of the shipped word lists and the glossary's terms (both languages)."""
        terms = [text for entry in glossary.entries for text in (entry.vi, entry.en)] if glossary else []
        return cls(whole=PhraseSet.of(terms), generic=shipped("generic_words.txt"), places=shipped("places.txt"))


@lru_cache
def shipped(name: str) -> PhraseSet:
    """Return the phrases of one of the word lists in matching/data (read once)."""
    return PhraseSet.of(read_words(DATA / name))
