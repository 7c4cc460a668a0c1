"""Vietnamese text analysis: normalisation, accent folding, syllable n-grams."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from itertools import compress

TOKEN_PATTERN = re.compile(r"(?u)\b\w+\b")

# Line breaks separate fields and list items: n-grams never cross them.
_LINES = re.compile(r"[\r\n\u2028\u2029]+")

# A short curated list of Vietnamese function words, matched on the ACCENTED form only:
# folded, "của" would also remove "cửa" (door), "là" "lá" (leaf), "có" "cổ" (ancient).
# Content words that generic lists drop ("số", "cây", "mới", "cao") are deliberately absent.
FUNCTION_WORDS = frozenset(
    """
    và của các những được cho với trong là này có để một đã đang sẽ thì mà từ tại theo
    về bị do nên nếu khi hay hoặc cũng rất đó ấy như vì nhưng còn đến
    """.split()
)


def _build_fold_table() -> dict[int, str]:
    """Return a str.translate table folding Latin letters with diacritics to ASCII."""
    table: dict[int, str] = {}
    ranges = [(0x00C0, 0x0250), (0x1E00, 0x1F00)]  # Latin-1 Sup., Ext-A/B, Ext. Additional
    for start, stop in ranges:
        for code in range(start, stop):
            base = "".join(ch for ch in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(ch))
            if len(base) == 1 and base != chr(code) and base.isascii():
                table[code] = base
    table[ord("đ")] = "d"
    table[ord("Đ")] = "D"
    return table


FOLD_TABLE = _build_fold_table()


def _tone_table() -> dict[str, str]:
    """Return new-style → old-style spellings of the tone-marked pairs oa, oe, uy ("oà" → "òa")."""
    table = {}
    for tone in "\u0300\u0301\u0303\u0309\u0323":
        for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
            nfc = unicodedata.normalize("NFC", first + unicodedata.normalize("NFC", second + tone))
            table[nfc] = unicodedata.normalize("NFC", first + tone) + second
    return table


# "hoà"/"hòa", "thuỷ"/"thủy": both tone placements are in use; keep one (the first vowel, as in
# "Thủy Biều") when the pair ends the syllable, so the exact view and the glossary agree.
_TONE_PAIRS = _tone_table()
_NEW_STYLE_TONE = re.compile("(?:" + "|".join(_TONE_PAIRS) + r")(?!\w)")


def normalize(text: str) -> str:
    """Return text in NFC, lowercased, with one tone placement for oa/oe/uy."""
    text = unicodedata.normalize("NFC", text).lower()
    if text.isascii():
        return text
    return _NEW_STYLE_TONE.sub(lambda m: _tone_pair(text, m), text)


def _tone_pair(text: str, match: re.Match[str], spellings: dict[str, str] = _TONE_PAIRS) -> str:
    """Return the other spelling of one matched pair (old style by default; "quý" keeps its tone on y)."""
    if match.start() > 0 and text[match.start() - 1] == "q":
        return match[0]
    return spellings[match[0]]


_OLD_STYLE = {old: new for new, old in _TONE_PAIRS.items()}
_OLD_STYLE_TONE = re.compile("(?:" + "|".join(_OLD_STYLE) + r")(?!\w)")


def tone_placements(word: str) -> tuple[str, ...]:
    """Return a word (normalised) as written with each tone placement in use, the one kept by
    `normalize` first: "thuỷ" and "thủy" → ("thủy", "thuỷ"); "hoàng", "quý", "cà" → themselves alone.

    For what is compared as written, marks and all (search ranks words typed with their marks first):
    a reader typing "hoà" means the listings that write "hòa" as much as those that write "hoà"."""
    kept = normalize(word)
    other = _OLD_STYLE_TONE.sub(lambda m: _tone_pair(kept, m, _OLD_STYLE), kept)
    return tuple(dict.fromkeys((kept, other)))


def fold(text: str) -> str:
    """Return text with every Vietnamese diacritic removed, including đ → d."""
    return text.translate(FOLD_TABLE)


def folded_words(text: str) -> str:
    """The words of text in lower case with every mark folded, one space apart: where typed words are looked for."""
    return " ".join(TOKEN_PATTERN.findall(fold(normalize(text))))


def begins_words(folded: str, words: Iterable[str]) -> bool:
    """Every one of `words` (folded) begins a word of `folded` ("cong ng" finds "công nghệ" while typing)."""
    padded = f" {folded}"
    return all(f" {w}" in padded for w in words)


def has_diacritics(text: str) -> bool:
    """Return True when folding would change the text."""
    return fold(text) != text


def tokenize(text: str) -> list[str]:
    """Return the lowercased NFC word tokens of text, one-letter syllables included."""
    return TOKEN_PATTERN.findall(normalize(text))


def token_lines(text: str) -> list[list[str]]:
    """Return the tokens of each line of text (n-grams do not cross lines)."""
    lines = (TOKEN_PATTERN.findall(line) for line in _LINES.split(normalize(text)))
    return [tokens for tokens in lines if tokens]


EXACT_PREFIX = "="  # marks features of the exact (accented) view; never part of a \w token


class VietnameseAnalyzer:
    """Callable analyzer: folded syllable n-grams, plus the exact accented n-grams as a second view."""

    def __init__(
        self,
        ngram_range: tuple[int, int] = (1, 2),
        exact_view: bool = True,
        stop_words: Iterable[str] | None = FUNCTION_WORDS,
    ) -> None:
        self.ngram_range = ngram_range
        self.exact_view = exact_view
        self.stop_words = frozenset(normalize(w) for w in stop_words or ())

    def _grams(self, tokens: list[str], keep: list[bool] | None) -> list[str]:
        """Return the n-grams of one line without those made only of function words ("và các")."""
        low, high = self.ngram_range
        keep = keep or [True] * len(tokens)
        out = list(compress(tokens, keep)) if low == 1 else []
        for n in range(max(low, 2), high + 1):
            grams = zip(*(tokens[i:] for i in range(n)), strict=False)
            content = map(any, zip(*(keep[i:] for i in range(n)), strict=False))
            out.extend(map(" ".join, compress(grams, content)))
        return out

    def __call__(self, text: str) -> list[str]:
        """Return the features of text."""
        features: list[str] = []
        for line in _LINES.split(normalize(text)):
            tokens = TOKEN_PATTERN.findall(line)
            if not tokens:
                continue
            folded = TOKEN_PATTERN.findall(fold(line))
            if len(folded) != len(tokens):  # folding never changes token boundaries; stay safe anyway
                folded = [fold(t) for t in tokens]
            keep = [t not in self.stop_words for t in tokens] if self.stop_words else None
            features.extend(self._grams(folded, keep))
            if self.exact_view:
                features.extend(map(EXACT_PREFIX.__add__, self._grams(tokens, keep)))
        return features


def usable_terms(text: str, stop_words: Iterable[str] | None = FUNCTION_WORDS) -> int:
    """Return how many distinct searchable words text contains (0: it cannot be matched)."""
    stops = frozenset(normalize(w) for w in stop_words or ())
    return len({fold(t) for t in tokenize(text) if t not in stops})
