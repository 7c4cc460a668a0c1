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
from dataclasses import dataclass

import scipy.sparse as sp

from matching.lexicon import Lexicon, Span
from matching.text import _LINES, EXACT_PREFIX, FUNCTION_WORDS, TOKEN_PATTERN, fold, has_diacritics, normalize

MAX_TERM_SYLLABLES = 8
MIN_SHARE = 0.05  # a term adding less than this share of the score is too weak to show
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
    shown = [not (t in BOUNDARY_WORDS or (english and t in ENGLISH_WORDS) or t.isdigit() or len(t) < 2) for t in tokens]
    terms = lexicon.whole.spans(tokens, accented)
    for start, stop in terms:  # glossary terms stay whole ("cây có múi", "rattan and bamboo")
        shown[start:stop] = [True] * (stop - start)
    for start, stop in lexicon.places.spans(tokens, accented):
        shown[start:stop] = [False] * (stop - start)
    whole = terms + lexicon.generic.spans(tokens, accented)
    return _Line(tokens, [fold(t) for t in tokens], original, english, shown, whole)


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


def _grams(lines: list[_Line]) -> defaultdict[Gram, list[tuple[int, int, int]]]:
    """Return every folded n-gram of showable tokens with its occurrences (line, start, stop)."""
    found: defaultdict[Gram, list[tuple[int, int, int]]] = defaultdict(list)
    for number, line in enumerate(lines):
        for start in range(len(line.tokens)):
            for stop in range(start + 1, min(start + MAX_TERM_SYLLABLES, len(line.tokens)) + 1):
                if not line.shown[stop - 1]:
                    break
                if line.shown[start]:
                    found[tuple(line.folded[start:stop])].append((number, start, stop))
    return found


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
    product = query.multiply(document).tocsr()
    totals: defaultdict[str, float] = defaultdict(float)
    for column, value in zip(product.indices, product.data, strict=True):
        name = names.get(int(column))
        if name is not None and value > 0:
            totals[fold(name.removeprefix(EXACT_PREFIX))] += float(value)
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
    query_text: tuple[str, str],
    document_text: tuple[str, str],
    query: sp.csr_matrix,
    document: sp.csr_matrix,
    names: dict[int, str],
    n: int,
    lexicon: Lexicon,
) -> list[str]:
    """Return up to n whole terms shared by query and document, strongest first (possibly fewer, or none).

    Each text is (its own text, the glossary translations added to it); `names` gives the analyser
    term of each column the two texts share.
    """
    contributions = _contributions(query, document, names) if names else {}
    total = sum(contributions.values())
    if total <= 0:
        return []
    texts = [_lines(*query_text, lexicon), _lines(*document_text, lexicon)]
    grams = [_grams(lines) for lines in texts]
    scored: dict[Gram, tuple[float, str]] = {}
    for gram in grams[0].keys() & grams[1].keys():
        occurrences = [[(lines[i], a, b) for i, a, b in found[gram]] for lines, found in zip(texts, grams, strict=True)]
        score = _score(gram, contributions)
        if score < MIN_SHARE * total or not all(any(_clean(*o) for o in side) for side in occurrences):
            continue
        if not any(line.original for side in occurrences for line, _, _ in side):
            continue  # only in glossary translations: its own-language form is shown instead
        surface = _surface(occurrences[0] + occurrences[1])
        words = surface.split()
        if not lexicon.generic.covers(words, has_diacritics(surface), BOUNDARY_WORDS | ENGLISH_WORDS):
            scored[gram] = (score, surface)
    kept = [gram for gram in scored if not any(other != gram and _contains(other, gram) for other in scored)]
    kept.sort(key=lambda gram: -scored[gram][0])
    return list(dict.fromkeys(scored[gram][1] for gram in kept))[:n]
