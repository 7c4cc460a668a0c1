"""Readable explanations: the shared terms that contribute most to a match score."""

from __future__ import annotations

from collections import Counter, defaultdict

import scipy.sparse as sp

from matching.text import EXACT_PREFIX, FUNCTION_WORDS, fold, has_diacritics, token_lines

# Only the strongest shared features are merged into phrases (keeps explanations cheap: merging is quadratic).
MAX_CANDIDATES = 40
CANDIDATES_PER_TERM = 4
# Words that say nothing on their own at the edge of an explanation ("giữa các lô" → "lô", "a capsule" → "capsule").
EDGE_WORDS = frozenset(fold(w) for w in FUNCTION_WORDS) | frozenset(
    "a an the of and or to for in on with by from at as is are be that this its our we it into per within than "
    "giua nhu cung nhieu".split()
)


def _contributions(
    query: sp.csr_matrix, document: sp.csr_matrix, names: dict[int, str], limit: int = MAX_CANDIDATES
) -> list[tuple[str, float]]:
    """Return (folded n-gram, contribution) pairs, both views summed, largest first."""
    product = query.multiply(document).tocsr()
    totals: defaultdict[str, float] = defaultdict(float)
    for column, value in zip(product.indices, product.data, strict=True):
        name = names.get(int(column))
        if name is not None:
            totals[fold(name.removeprefix(EXACT_PREFIX))] += float(value)
    ranked = sorted(totals.items(), key=lambda item: -item[1])[:limit]
    return [(term, score) for term, score in ranked if score > 0]


def _occurs(phrase: list[str], folded_lines: list[str]) -> bool:
    """Return True when the folded phrase occurs contiguously in one of the lines."""
    needle = " " + " ".join(phrase) + " "
    return any(needle in line for line in folded_lines)


def _merge(a: list[str], b: list[str], lines: list[list[str]]) -> list[str] | None:
    """Return a and b as one phrase (containment, or overlap occurring in every text), else None."""
    if _contains(a, b):
        return a
    if _contains(b, a):
        return b
    for left, right in ((a, b), (b, a)):
        for overlap in range(min(len(left), len(right)) - 1, 0, -1):
            if left[-overlap:] == right[:overlap]:
                merged = left + right[overlap:]
                if all(_occurs(merged, text_lines) for text_lines in lines):
                    return merged
    return None


def _contains(outer: list[str], inner: list[str]) -> bool:
    """Return True when inner is a contiguous part of outer."""
    return any(outer[i : i + len(inner)] == inner for i in range(len(outer) - len(inner) + 1))


def _join_all(chosen: list[tuple[list[str], float]], lines: list[list[str]]) -> list[tuple[list[str], float]]:
    """Return the phrases after merging every pair that can be merged, scores summed."""
    merged_any = True
    while merged_any:
        merged_any = False
        for i in range(len(chosen)):
            for j in range(i + 1, len(chosen)):
                merged = _merge(chosen[i][0], chosen[j][0], lines)
                if merged is not None:
                    chosen[i] = (merged, chosen[i][1] + chosen.pop(j)[1])
                    merged_any = True
                    break
            if merged_any:
                break
    return chosen


def _phrases(ranked: list[tuple[str, float]], lines: list[list[str]]) -> list[list[str]]:
    """Return shared n-grams joined into the longest phrases found in both texts, best first."""
    chosen = _join_all([(term.split(), score) for term, score in ranked], lines)
    return [phrase for phrase, _ in sorted(chosen, key=lambda item: -item[1])]


def _trimmed(phrase: list[str]) -> list[str]:
    """Return the phrase without function words at either end (empty when nothing else is left)."""
    start, stop = 0, len(phrase)
    while start < stop and phrase[start] in EDGE_WORDS:
        start += 1
    while stop > start and phrase[stop - 1] in EDGE_WORDS:
        stop -= 1
    return phrase[start:stop]


def _surface(phrase: list[str], texts: list[list[tuple[list[str], list[str]]]]) -> str:
    """Return the most frequent written form of a folded phrase, accented forms first."""
    forms: Counter[str] = Counter()
    size = len(phrase)
    for lines in texts:
        for tokens, folded in lines:
            for i in range(len(tokens) - size + 1):
                if folded[i : i + size] == phrase:
                    forms[" ".join(tokens[i : i + size])] += 1
    if not forms:
        return " ".join(phrase)
    return max(forms, key=lambda form: (has_diacritics(form), forms[form]))


def explain_terms(
    query_text: str,
    document_text: str,
    query: sp.csr_matrix,
    document: sp.csr_matrix,
    names: dict[int, str],
    n: int,
) -> list[str]:
    """Return up to n readable terms shared by query and document, strongest first.

    `names` gives the analyser term of each column the two texts share.
    """
    limit = min(MAX_CANDIDATES, CANDIDATES_PER_TERM * n)
    ranked = _contributions(query, document, names, limit) if names else []
    token_sets = [token_lines(query_text), token_lines(document_text)]
    folded_lines = [[" " + fold(" ".join(tokens)) + " " for tokens in lines] for lines in token_sets]
    phrases = [p for p in map(_trimmed, _phrases(ranked, folded_lines)) if p][: 2 * n]
    # Each line folded once, token by token, for every phrase looked up in it.
    written = [
        [(tokens, folded[1:-1].split(" ")) for tokens, folded in zip(lines, folds, strict=True)]
        for lines, folds in zip(token_sets[::-1], folded_lines[::-1], strict=True)
    ]
    terms = list(dict.fromkeys(_surface(phrase, written) for phrase in phrases))
    return terms[:n]
