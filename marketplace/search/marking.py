"""Matches marked in the original accented text, and the snippet that shows them.

The database backends find documents with their full-text index and mark the few shown here, with
the same reading of the query: the text is folded character for character (đ → d, every mark
dropped), so positions found in the folded text are positions in the original one.
"""

import re
import unicodedata

from marketplace.search.documents import MARK_END, MARK_START
from marketplace.search.terms import Terms
from matching.text import fold

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


def _folded(text: str) -> tuple[str, str]:
    """The text (NFC) and its folded lower-case twin of the same length."""
    text = unicodedata.normalize("NFC", text)
    folded = fold(text.lower())
    return text, folded if len(folded) == len(text) else fold("".join(c.lower()[:1] or c for c in text))


def mark(text: str, found: re.Pattern[str] | None) -> str:
    """The whole text with each match between the marker characters."""
    text, folded = _folded(text or "")
    if found is None:
        return text
    return _wrap(text, [m.span() for m in found.finditer(folded)], 0, len(text))


def snippet(text: str, found: re.Pattern[str] | None) -> str | None:
    """About SNIPPET_CHARS characters around the first match, marked; None when nothing matches."""
    text, folded = _folded(text or "")
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


def best_snippet(found: re.Pattern[str] | None, summary: str, *others: str) -> str:
    """The summary's snippet if it matches, else the first other field's, else the summary's start."""
    for text in (summary, *others):
        marked = snippet(text, found)
        if marked is not None:
            return marked
    return summary[:SNIPPET_CHARS] + ("…" if len(summary) > SNIPPET_CHARS else "")
