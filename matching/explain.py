"""Readable explanations: the whole terms both texts share that contribute most to a match score.

A term is a phrase of both texts, as long as they share it ("chăm sóc hỗ trợ", never "chăm sóc hỗ"),
that cuts no glossary term or generic phrase in either text, has no function word, number, one-letter
token or place-name syllable, is not made only of generic project words ("thời gian", "hỗ trợ"), and
adds a fair share of the score. A single syllable is shown only when it is a glossary term ("tràm"),
an English word, or stands alone between punctuation, line ends or such tokens in both texts
("liệu" of "dược liệu" never is).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from matching.lexicon import Lexicon, Span
from matching.text import _LINES, EXACT_PREFIX, FUNCTION_WORDS, TOKEN_PATTERN, fold, has_diacritics, normalize

MAX_TERM_SYLLABLES = 8
MIN_SHARE = 0.05  # a term adding less than this share of the score is too weak to show
# Texts kept prepared: a batch explains each query for several candidates and each document for
# several queries. A prepared text takes about 130 times the memory of the text.
PREPARED_TEXTS = 256
BOUNDARY_WORDS = FUNCTION_WORDS | {"giữa"}
# Function words of English lines; "in vitro" in a Vietnamese line keeps its "in".
ENGLISH_WORDS = frozenset(
    "a an the of and or to for in on with by from at as is are be that this its our we it into per within than".split()
)
# Words that tell an English line from Vietnamese typed without accents ("an toan" is Vietnamese).
_ENGLISH_MARKERS = frozenset("the of and for with from is are this that by into within than our its".split())
_VIETNAMESE_MARKERS = frozenset(fold(word) for word in FUNCTION_WORDS) - {"do", "an", "to", "on", "it"}
_PUNCTUATION = re.compile(r"[^\w\s]+")

Gram = tuple[str, ...]
Occurrence = tuple[int, int, int]  # clause number, start, stop


@dataclass
class _Line:
    """One line or clause of a text between punctuation, with what an explanation may show of it."""

    tokens: list[str]  # normalised, accented as written
    folded: list[str]
    original: bool  # False for the glossary translations the matcher added
    english: bool
    shown: list[bool]  # may the token be part of a term
    whole: list[Span]  # glossary terms and generic phrases: a term must not cut them


def _reads_as_english(tokens: list[str]) -> bool:
    """Return True when a line without diacritics reads as English rather than accent-free Vietnamese."""
    return sum(t in _ENGLISH_MARKERS for t in tokens) > sum(t in _VIETNAMESE_MARKERS for t in tokens)


def _line(tokens: list[str], original: bool, accented: bool, english: bool, lexicon: Lexicon) -> _Line:
    """Return a clause with its showable tokens and the spans a term must not cut."""
    folded = [fold(t) for t in tokens]
    words = tokens if accented else folded  # text typed without accents is looked up folded
    shown = [not (t in BOUNDARY_WORDS or (english and t in ENGLISH_WORDS) or t.isdigit() or len(t) < 2) for t in tokens]
    terms = lexicon.whole.find(words, accented)
    for start, stop in terms:  # glossary terms stay whole ("cây có múi", "rattan and bamboo")
        shown[start:stop] = [True] * (stop - start)
    for start, stop in lexicon.places.find(words, accented):
        shown[start:stop] = [False] * (stop - start)
    whole = terms + lexicon.generic.find(words, accented)
    return _Line(tokens, folded, original, english, shown, whole)


def _lines(text: str, translations: str, lexicon: Lexicon) -> list[_Line]:
    """Return the clauses of a text and of the glossary translations added to it."""
    out = []
    for part, original in ((text, True), (translations, False)):
        for line in _LINES.split(normalize(part)):
            tokens = TOKEN_PATTERN.findall(line)
            accented = any(map(has_diacritics, tokens))
            english = not accented and _reads_as_english(tokens)
            for clause in _PUNCTUATION.split(line):
                if words := TOKEN_PATTERN.findall(clause):
                    out.append(_line(words, original, accented, english, lexicon))
    return out


def _grams(lines: list[_Line]) -> defaultdict[Gram, list[Occurrence]]:
    """Return every folded n-gram of showable tokens with its occurrences (line, start, stop)."""
    found: defaultdict[Gram, list[Occurrence]] = defaultdict(list)
    for number, line in enumerate(lines):
        folded, shown, size = tuple(line.folded), line.shown, len(line.tokens)  # a tuple's slices are the keys
        for start in range(size):
            if not shown[start]:
                continue
            for stop in range(start + 1, min(start + MAX_TERM_SYLLABLES, size) + 1):
                if not shown[stop - 1]:
                    break
                found[folded[start:stop]].append((number, start, stop))
    return found


@dataclass
class PreparedText:
    """A text's clauses and their showable n-grams: what explanations need of it, built once per text."""

    lines: list[_Line]
    grams: dict[Gram, list[Occurrence]]
    # Whether a gram occurs as whole words: the same text is explained against many others.
    _whole: dict[Gram, bool] = field(default_factory=dict)

    def occurrences(self, gram: Gram) -> list[tuple[_Line, int, int]]:
        """Return the clauses and positions where a gram of the text occurs."""
        return [(self.lines[number], start, stop) for number, start, stop in self.grams[gram]]

    def occurs_whole(self, gram: Gram) -> bool:
        """Return True when the gram occurs at least once as whole words, cutting no word."""
        whole = self._whole.get(gram)
        if whole is None:
            whole = self._whole[gram] = any(_clean(*occurrence) for occurrence in self.occurrences(gram))
        return whole


@lru_cache(maxsize=PREPARED_TEXTS)
def prepare_text(text: str, translations: str, lexicon: Lexicon) -> PreparedText:
    """Return a text (and the glossary translations added to it) prepared for explanations (kept for reuse)."""
    lines = _lines(text, translations, lexicon)
    return PreparedText(lines, _grams(lines))


def _clean(line: _Line, start: int, stop: int) -> bool:
    """Return True when tokens start:stop of the line are whole words (no glossary term or generic phrase cut)."""
    if (start, stop) in line.whole:
        return True  # a glossary term is a word even inside a longer one ("tinh dầu" of "tinh dầu tràm")
    if any(a < stop and start < b and not (start <= a and b <= stop) for a, b in line.whole):
        return False
    if stop - start > 1 or line.english:
        return True
    # A lone syllable must stand alone, not be torn out of a longer run ("thảo" of "thảo dược", "tế" of "y tế").
    return _apart(line, start - 1) and _apart(line, stop)


def _apart(line: _Line, position: int) -> bool:
    """Return True when the token at position (or the clause's edge) ends a word: hidden and not one letter."""
    inside = 0 <= position < len(line.tokens)
    return not inside or (not line.shown[position] and len(line.tokens[position]) > 1)


def _contributions(query: sp.csr_matrix, document: sp.csr_matrix, names: dict[int, str]) -> dict[str, float]:
    """Return each shared folded n-gram's part of the score, both views summed."""
    # The element-wise product of the two one-row vectors, on the columns both have (ascending).
    columns, in_query, in_document = np.intersect1d(
        query.indices, document.indices, assume_unique=True, return_indices=True
    )
    products = query.data[in_query] * document.data[in_document]
    totals: defaultdict[str, float] = defaultdict(float)
    for column, value in zip(columns.tolist(), products.tolist(), strict=True):
        name = names.get(column)
        if name is not None and value > 0:
            totals[fold(name.removeprefix(EXACT_PREFIX))] += value
    return totals


def _score(gram: Gram, contributions: dict[str, float]) -> float:
    """Return the summed contributions of the features inside a term."""
    size = len(gram)
    return sum(
        contributions.get(" ".join(gram[i : i + n]), 0.0) for n in range(1, size + 1) for i in range(size - n + 1)
    )


def _surface(occurrences: list[tuple[_Line, int, int]]) -> str:
    """Return the most frequent written form of a term, accented forms and the listings' own text first."""
    forms = Counter(" ".join(line.tokens[start:stop]) for line, start, stop in occurrences)
    originals = Counter(" ".join(line.tokens[start:stop]) for line, start, stop in occurrences if line.original)
    return max(forms, key=lambda form: (has_diacritics(form), originals[form], forms[form]))


def _contains(outer: Gram, inner: Gram) -> bool:
    """Return True when inner is a contiguous part of outer."""
    return any(outer[i : i + len(inner)] == inner for i in range(len(outer) - len(inner) + 1))


def explain_terms(
    query_text: PreparedText,
    document_text: PreparedText,
    query: sp.csr_matrix,
    document: sp.csr_matrix,
    names: dict[int, str],
    n: int,
    lexicon: Lexicon,
) -> list[str]:
    """Return up to n whole terms shared by query and document, strongest first (possibly fewer, or none).

    Each text is prepared (`prepare_text`) from its own text and the glossary translations added to it;
    `names` gives the analyser term of each column the two texts share.
    """
    contributions = _contributions(query, document, names) if names else {}
    total = sum(contributions.values())
    if total <= 0:
        return []
    scored: dict[Gram, tuple[float, str]] = {}
    for gram in [
        g for g in query_text.grams if g in document_text.grams
    ]:  # in the query's order: equal scores stay put
        score = _score(gram, contributions)
        if score < MIN_SHARE * total or not (query_text.occurs_whole(gram) and document_text.occurs_whole(gram)):
            continue
        occurrences = query_text.occurrences(gram) + document_text.occurrences(gram)
        if not any(line.original for line, _, _ in occurrences):
            continue  # only in glossary translations: its own-language form is shown instead
        surface = _surface(occurrences)
        words = surface.split()
        if not lexicon.generic.covers(words, has_diacritics(surface), BOUNDARY_WORDS | ENGLISH_WORDS):
            scored[gram] = (score, surface)
    kept = [gram for gram in scored if not any(other != gram and _contains(other, gram) for other in scored)]
    kept.sort(key=lambda gram: -scored[gram][0])
    return list(dict.fromkeys(scored[gram][1] for gram in kept))[:n]
