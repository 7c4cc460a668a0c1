"""What the reader typed, as words, quoted phrases and a last-word prefix, safe for every engine.

Only letters and digits survive: operator characters of FTS5, tsquery and Meilisearch
(`" * ( ) : - ^ NEAR AND OR`) become separators or plain words, so no input can change a query's meaning.
"""

import re
import unicodedata
from dataclasses import dataclass, replace

from markupsafe import Markup, escape

from marketplace.search.documents import MARK_END, MARK_START
from matching.text import fold, has_diacritics, tone_placements

WORD = re.compile(r"[^\W_]+")
QUOTED = re.compile(r'"([^"]*)"')
MAX_TERMS = 12
MIN_PREFIX = 2  # a one-letter prefix would match most of the index: wait for the second letter
WEIGHED_PREFIX = 3  # a shorter prefix may be left out of a relevance score (`Fts5Search.weighed`)


@dataclass(frozen=True)
class Term:
    """One word or a quoted phrase; `prefix` when its last word is still being typed; `alternatives`
    are other phrases that may stand in for it (glossary translations)."""

    words: tuple[str, ...]
    prefix: bool = False
    alternatives: tuple[tuple[str, ...], ...] = ()

    @property
    def folded(self) -> tuple[str, ...]:
        """The words without any diacritic, đ → d included."""
        return tuple(fold(w) for w in self.words)

    def fts5(self) -> str:
        """An FTS5 expression: every token quoted (no syntax can slip in), the prefix starred."""
        phrases = [f'"{" ".join(self.folded)}"' + ("*" if self.prefix else "")]
        phrases += [f'"{" ".join(fold(w) for w in other)}"' for other in self.alternatives]
        return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"

    def tsquery(self, weights: str = "") -> str:
        """A to_tsquery expression: lexemes quoted, phrases joined with <->, the prefix with :*; found
        only in the parts of the document given those `weights` ("ABC"), when given."""
        marks = f":{weights}" if weights else ""
        lexemes = [f"'{w}'{marks}" for w in self.folded]
        if self.prefix:
            lexemes[-1] += "*" if marks else ":*"
        other = [" <-> ".join(f"'{fold(w)}'{marks}" for w in words) for words in self.alternatives]
        phrases = [" <-> ".join(lexemes), *other]
        return (
            phrases[0] if len(phrases) == 1 and len(lexemes) == 1 else "(" + " | ".join(f"({p})" for p in phrases) + ")"
        )


@dataclass(frozen=True)
class Terms:
    """The terms of one query, in the order typed; every term must match."""

    items: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.items)

    def fts5(self) -> str:
        return " AND ".join(t.fts5() for t in self.items)  # FTS5 allows no implicit AND next to parentheses

    def tsquery(self) -> str:
        return " & ".join(t.tsquery() for t in self.items)

    def meilisearch(self) -> str:
        """A Meilisearch q: phrases quoted, and a trailing space unless the last word is a prefix."""
        text = " ".join(f'"{" ".join(t.words)}"' if len(t.words) > 1 else t.words[0] for t in self.items)
        return text if not self.items or self.items[-1].prefix else text + " "

    def short_prefix(self) -> Term | None:
        """The last term when it is a prefix of fewer than WEIGHED_PREFIX letters."""
        last = self.items[-1] if self.items else None
        return last if last is not None and last.prefix and len(last.words[-1]) < WEIGHED_PREFIX else None

    def without(self, term: Term) -> "Terms":
        """These terms less `term`; when it is the only one, it stays as the whole word typed (no prefix)."""
        kept = tuple(t for t in self.items if t != term)
        return Terms(kept or (replace(term, prefix=False),))

    def marked_words(self) -> list[tuple[tuple[str, ...], bool]]:
        """Each typed word written with a mark (a tone, a vowel mark or đ), as written with each tone
        placement in use ("hoà" and "hòa", `tone_placements`), and whether it is the prefix being typed:
        (("cà",), False), (("trà",), True) for "cà gai leo trà". Words typed without marks have none to tell apart."""
        found = []
        for term in self.items:
            for i, word in enumerate(term.words):
                if has_diacritics(word):
                    found.append((tone_placements(word), term.prefix and i == len(term.words) - 1))
        return found

    def adjacent_pairs(self) -> list[Term]:
        """Two-word phrases of consecutive single words: "duoc lieu hue" gives "duoc lieu" and "lieu hue".

        Vietnamese words are mostly two syllables, so documents holding such a pair rank higher.
        """
        pairs = []
        for first, second in zip(self.items, self.items[1:], strict=False):
            if len(first.words) == len(second.words) == 1 and not first.alternatives and not second.alternatives:
                pairs.append(Term(first.words + second.words, prefix=second.prefix))
        return pairs


def parse(text: str) -> Terms:
    """The terms of `text` (NFC, lower-case); the last bare word is a prefix unless a space follows it,
    and only its first letter, after other words, is left out until the second comes."""
    text = unicodedata.normalize("NFC", text).lower()
    if text.count('"') % 2:  # an unclosed quote is a phrase still being typed: read its words as words
        head, _, tail = text.rpartition('"')
        text = head + " " + tail
    items: list[Term] = []
    position = 0
    for quoted in QUOTED.finditer(text):
        items += [Term((w,)) for w in WORD.findall(text[position : quoted.start()])]
        words = tuple(WORD.findall(quoted.group(1)))
        if words:
            items.append(Term(words))
        position = quoted.end()
    tail_words = WORD.findall(text[position:])
    items += [Term((w,)) for w in tail_words]
    if tail_words and text[-1:].isalnum():  # the last word is still being typed
        last = tail_words[-1]
        if len(last) >= MIN_PREFIX:
            items[-1] = Term(items[-1].words, prefix=True)
        elif last.isalpha() and len(items) > 1:
            # its first letter: as a whole word it would find next to nothing ("tinh dầu t": 0 results,
            # "cà g": 4 listings on fish sauce), so the results wait for the second letter
            items.pop()
    return Terms(tuple(items[:MAX_TERMS]))


def marked(raw: str | None) -> Markup:
    """Text whose matches the engine wrapped in marker characters, as safe HTML with <mark> elements."""
    safe = str(escape(raw or ""))
    if safe.count(MARK_START) != safe.count(MARK_END):
        safe = safe.replace(MARK_START, "").replace(MARK_END, "")
    return Markup(safe.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S704  (escaped above)


def plain(raw: str | None) -> str:
    """Text without the marker characters."""
    return (raw or "").replace(MARK_START, "").replace(MARK_END, "")
