"""The searching part of the Meilisearch stand-in: tokens, synonyms, filters, facets, ranking and `_formatted`.

Modelled on Meilisearch's documented behaviour, not a full engine: tokens are runs of letters and
digits, folded like Meilisearch does (every mark, and đ → d); the last query word is a prefix unless
a space follows it; "quoted words" must be side by side; `matchingStrategy` is always "all"; no typo
tolerance (tests do not rely on it).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from matching.text import fold

WORD = re.compile(r"[^\W_]+")


class BadRequest(Exception):
    """A request Meilisearch would refuse with 400; `code` is its error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def normalise(text: str) -> str:
    return fold(unicodedata.normalize("NFC", text).lower())


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(folded token, start, end) of each word of the original text."""
    text = unicodedata.normalize("NFC", text)
    return [(normalise(m.group()), m.start(), m.end()) for m in WORD.finditer(text)]


@dataclass
class Term:
    """What one query part needs: any of its options, each a sequence of words side by side."""

    options: list[tuple[str, ...]]
    prefix: bool = False

    def positions(self, words: list[str]) -> list[int]:
        found = []
        for option in self.options:
            for i in range(len(words) - len(option) + 1):
                head = all(words[i + k] == w for k, w in enumerate(option[:-1]))
                last = words[i + len(option) - 1]
                if head and (
                    last.startswith(option[-1]) if self.prefix and len(self.options) == 1 else last == option[-1]
                ):
                    found.append(i)
        return found


@dataclass
class Query:
    terms: list[Term] = field(default_factory=list)

    def highlight_words(self) -> tuple[set[str], set[str]]:
        exact, prefixes = set(), set()
        for term in self.terms:
            for option in term.options:
                exact.update(option)
                if term.prefix:
                    prefixes.add(option[-1])
        return exact, prefixes


def parse_query(q: str, synonyms: dict[str, list[str]]) -> Query:
    """Words and phrases of `q`; runs of words that form a synonym key get the synonym as an option."""
    parts: list[tuple[tuple[str, ...], bool]] = []  # (words, quoted)
    position = 0
    for m in re.finditer(r'"([^"]*)"', q):
        parts += [((normalise(w),), False) for w in WORD.findall(q[position : m.start()])]
        words = tuple(normalise(w) for w in WORD.findall(m.group(1)))
        if words:
            parts.append((words, True))
        position = m.end()
    parts += [((normalise(w),), False) for w in WORD.findall(q[position:])]
    prefix_last = bool(parts) and not parts[-1][1] and q[-1:].isalnum()
    table = {
        tuple(normalise(w) for w in WORD.findall(k)): [tuple(normalise(w) for w in WORD.findall(v)) for v in vs]
        for k, vs in synonyms.items()
    }
    terms: list[Term] = []
    i = 0
    while i < len(parts):
        for length in range(len(parts) - i, 0, -1):
            span = parts[i : i + length]
            key = tuple(w for words, quoted in span for w in words)
            if all(not quoted for _, quoted in span) and key in table:
                terms.append(Term([key, *table[key]], prefix=False))
                i += length
                break
        else:
            words, _ = parts[i]
            terms.append(Term([words], prefix=prefix_last and i == len(parts) - 1))
            i += 1
    return Query(terms)


def _values(doc: dict[str, Any], attribute: str) -> list[Any]:
    value = doc.get(attribute)
    return value if isinstance(value, list) else [value]


# --- filters ----------------------------------------------------------------------------------
FILTER_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\[|\]|\(|\)|,|!=|>=|<=|=|>|<|[^\s\[\](),=!<>]+)')


def parse_filter(expression: Any, filterable: list[str]) -> Any:
    """A predicate for Meilisearch's filter syntax (string, or list of strings / lists of strings)."""
    if expression is None or expression == [] or expression == "":
        return lambda doc: True
    if isinstance(expression, list):
        parts = [
            parse_filter(e if isinstance(e, str) else " OR ".join(f"({x})" for x in e), filterable) for e in expression
        ]
        return lambda doc: all(p(doc) for p in parts)
    found = FILTER_TOKEN.findall(expression)
    if "".join(found).replace(" ", "") != expression.replace(" ", ""):
        raise BadRequest("invalid_search_filter", f"cannot parse filter {expression!r}")
    parser = _FilterParser(found, filterable)
    predicate = parser.disjunction()
    if parser.i != len(found):
        raise BadRequest("invalid_search_filter", f"unexpected {found[parser.i]!r} in filter")
    return predicate


class _FilterParser:
    def __init__(self, found: list[str], filterable: list[str]) -> None:
        self.found, self.i, self.filterable = found, 0, filterable

    def peek(self) -> str | None:
        return self.found[self.i] if self.i < len(self.found) else None

    def take(self) -> str:
        if self.i >= len(self.found):
            raise BadRequest("invalid_search_filter", "filter ends too early")
        self.i += 1
        return self.found[self.i - 1]

    def disjunction(self) -> Any:
        parts = [self.conjunction()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.conjunction())
        return lambda doc: any(p(doc) for p in parts)

    def conjunction(self) -> Any:
        parts = [self.negation()]
        while self.peek() == "AND":
            self.take()
            parts.append(self.negation())
        return lambda doc: all(p(doc) for p in parts)

    def negation(self) -> Any:
        if self.peek() == "NOT":
            self.take()
            inner = self.negation()
            return lambda doc: not inner(doc)
        if self.peek() == "(":
            self.take()
            inner = self.disjunction()
            if self.take() != ")":
                raise BadRequest("invalid_search_filter", "missing )")
            return inner
        return self.condition()

    def value(self) -> str:
        raw = self.take()
        return raw[1:-1].replace('\\"', '"').replace("\\\\", "\\") if raw.startswith('"') else raw

    def condition(self) -> Any:
        attribute = self.take()
        if attribute not in self.filterable:
            raise BadRequest("invalid_search_filter", f"Attribute `{attribute}` is not filterable.")
        operator = self.take()
        if operator == "IN":
            if self.take() != "[":
                raise BadRequest("invalid_search_filter", "expected [ after IN")
            wanted = [self.value()]
            while self.peek() == ",":
                self.take()
                wanted.append(self.value())
            if self.take() != "]":
                raise BadRequest("invalid_search_filter", "expected ]")
            return lambda doc: any(str(v) in wanted for v in _values(doc, attribute) if v is not None)
        if operator not in ("=", "!="):
            raise BadRequest("invalid_search_filter", f"operator {operator} is not supported by the stand-in")
        wanted_value = self.value()
        equal = lambda doc: any(str(v) == wanted_value for v in _values(doc, attribute) if v is not None)  # noqa: E731
        return equal if operator == "=" else (lambda doc: not equal(doc))


# --- ranking and formatting ---------------------------------------------------------------------
def match_positions(query: Query, doc: dict[str, Any], searchable: list[str]) -> list[list[tuple[int, int]]] | None:
    """For each term, the (attribute index, word position) where it matches; None when a term is missing."""
    words = [[t for t, _, _ in tokens(str(doc.get(a) or ""))] for a in searchable]
    found = []
    for term in query.terms:
        places = [(a, p) for a, ws in enumerate(words) for p in term.positions(ws)]
        if not places:
            return None
        found.append(places)
    return found


def rank_key(
    rules: list[str], query: Query, places: list[list[tuple[int, int]]], doc: dict[str, Any], sort: list[str]
) -> tuple[Any, ...]:
    """The sort key of one matching document, rule by rule (smaller first)."""
    key: list[Any] = []
    for rule in rules:
        if rule == "attribute":
            key.append(sum(min(a for a, _ in p) for p in places))
        elif rule == "proximity":
            key.append(sum(_distance(x, y) for x, y in zip(places, places[1:], strict=False)))
        elif rule == "exactness":
            key.append(-sum(1 for t in query.terms if not t.prefix))
        elif rule == "sort":
            key += [_ordered(doc, spec) for spec in sort]
        elif ":" in rule:
            key.append(_ordered(doc, rule))
    return tuple(key)


def _distance(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> int:
    close = [abs(p - q) for a, p in first for b, q in second if a == b]
    return min(min(close, default=8), 8)


def _ordered(doc: dict[str, Any], spec: str) -> tuple[int, Any]:
    name, _, direction = spec.partition(":")
    value = doc.get(name)
    if value is None:
        return (1, 0)
    return (0, -value if direction == "desc" and isinstance(value, int | float) else value)


def formatted(doc: dict[str, Any], query: Query, options: dict[str, Any]) -> dict[str, Any]:
    """`_formatted`: highlighted and cropped copies of the requested attributes."""
    highlight = set(options.get("attributesToHighlight") or [])
    crop = set(options.get("attributesToCrop") or [])
    pre, post = options.get("highlightPreTag", "<em>"), options.get("highlightPostTag", "</em>")
    exact, prefixes = query.highlight_words()
    out = dict(doc)
    for name in highlight | crop:
        text = doc.get(name)
        if not isinstance(text, str):
            continue
        spans = tokens(text)
        hits = [i for i, (t, _, _) in enumerate(spans) if t in exact or any(t.startswith(p) for p in prefixes)]
        first, last = 0, len(spans) - 1
        if name in crop and len(spans) > int(options.get("cropLength", 10)):
            length = int(options.get("cropLength", 10))
            first = max(0, min((hits[0] if hits else 0) - length // 3, len(spans) - length))
            last = first + length - 1
        out[name] = _render(
            text,
            spans,
            first,
            last,
            hits if name in highlight else [],
            pre,
            post,
            options.get("cropMarker", "…") if name in crop else "",
        )
    return out


def _render(
    text: str,
    spans: list[tuple[str, int, int]],
    first: int,
    last: int,
    hits: list[int],
    pre: str,
    post: str,
    marker: str,
) -> str:
    if not spans:
        return text
    start = spans[first][1] if first > 0 else 0
    end = spans[last][2] if last < len(spans) - 1 else len(text)
    pieces, cursor = [], start
    for i in hits:
        if first <= i <= last:
            _, s, e = spans[i]
            pieces += [text[cursor:s], pre, text[s:e], post]
            cursor = e
    pieces.append(text[cursor:end])
    return (marker if first > 0 else "") + "".join(pieces) + (marker if last < len(spans) - 1 else "")
