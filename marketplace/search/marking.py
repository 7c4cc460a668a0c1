"""Matches marked in the original accented text, and the snippet that shows them.

The database backends find documents with their full-text index and mark the few shown here, with
the same reading of the query: the text is folded character for character (đ → d, every mark
dropped), so positions found in the folded text are positions in the original one.
"""

import re
from collections.abc import Sequence

import numpy as np

from marketplace.search.documents import MARK_END, MARK_START
from marketplace.search.terms import Terms
from matching.text import FOLD_TABLE, fold

SNIPPET_CHARS = 180
EDGE = re.compile(r"[^\W_]")


def pattern(terms: Terms) -> re.Pattern[str] | None:
    """One regular expression finding every term (phrases with any separator, the prefix, synonyms)."""
    choices = []
    for term in terms.items:
        for index, phrase in enumerate((term.words, *term.alternatives)):
            body = r"[\W_]+".join(re.escape(fold(w.lower())) for w in phrase)
            choices.append(body + (r"[^\W_]*" if term.prefix and index == 0 else ""))
    if not choices:
        return None
    choices.sort(key=len, reverse=True)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(choices) + r")(?![^\W_])")


# Code point → code point of its folded form, for every character `fold` changes (all below U+1F00).
FOLD_CODES = np.arange(max(FOLD_TABLE) + 1, dtype=np.uint32)
FOLD_CODES[list(FOLD_TABLE)] = [ord(base) for base in FOLD_TABLE.values()]


def twins(texts: Sequence[str]) -> list[str]:
    """Each text's folded lower-case twin, of the same length, so positions in one are positions in the other.

    All are folded in one pass over their code points: `str.translate` looks each character up in a
    dictionary, which for the 40-80 texts of a page of results took half a millisecond. Documents are
    composed (NFC) when written (`documents`), so the texts are not normalised again here."""
    lowered = [text.lower() for text in texts]
    codes = np.frombuffer("".join(lowered).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    folded = np.where(codes < len(FOLD_CODES), FOLD_CODES[np.minimum(codes, len(FOLD_CODES) - 1)], codes)
    joined = folded.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    found, at = [], 0
    for text, low in zip(texts, lowered, strict=True):
        twin, at = joined[at : at + len(low)], at + len(low)
        # a few capitals lower-case to two characters ("İ"): fold those texts character by character
        found.append(twin if len(low) == len(text) else fold("".join(c.lower()[:1] or c for c in text)))
    return found


def mark(text: str, found: re.Pattern[str] | None, twin: str | None = None) -> str:
    """The whole text with each match between the marker characters (`twin`: its folded twin, if made)."""
    text = text or ""
    if found is None:
        return text
    folded = twin if twin is not None else twins([text])[0]
    return _wrap(text, [m.span() for m in found.finditer(folded)], 0, len(text))


def snippet(text: str, found: re.Pattern[str] | None, twin: str | None = None) -> str | None:
    """About SNIPPET_CHARS characters around the first match, marked; None when nothing matches."""
    text = text or ""
    folded = twin if twin is not None else twins([text])[0]
    spans = [m.span() for m in found.finditer(folded)] if found else []
    if not spans:
        return None
    start = max(0, spans[0][0] - SNIPPET_CHARS // 3)
    while start > 0 and EDGE.match(text[start - 1]):
        start -= 1  # do not cut a word
    end = min(len(text), start + SNIPPET_CHARS)
    while end < len(text) and EDGE.match(text[end]):
        end += 1
    inside = [(a, b) for a, b in spans if a >= start and b <= end]
    return ("…" if start else "") + _wrap(text, inside, start, end) + ("…" if end < len(text) else "")


def _wrap(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    pieces, cursor = [], start
    for a, b in spans:
        if a >= cursor:
            pieces += [text[cursor:a], MARK_START, text[a:b], MARK_END]
            cursor = b
    pieces.append(text[cursor:end])
    return "".join(pieces)


def highlighted(found: re.Pattern[str] | None, documents: Sequence[Sequence[str]]) -> list[tuple[str, str]]:
    """For each document's (title, summary, other texts…): the title marked, and the summary's snippet
    if it matches, else the first other text's, else the summary's start."""
    texts = [text or "" for document in documents for text in document]
    folded = iter(zip(texts, twins(texts), strict=True))
    shown = []
    for document in documents:
        (title, title_twin), *rest = [next(folded) for _ in document]
        summary = rest[0][0]
        best = next((s for text, twin in rest if (s := snippet(text, found, twin)) is not None), None)
        shown.append(
            (
                mark(title, found, title_twin),
                best or summary[:SNIPPET_CHARS] + ("…" if len(summary) > SNIPPET_CHARS else ""),
            )
        )
    return shown
