"""Multi-field documents and multi-document profiles, matched with TfidfMatcher."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sklearn.base import BaseEstimator, clone

from matching.matcher import MatcherNotFittedError, TfidfMatcher
from matching.topn import Ranking

FieldValue = object  # str, a list of str, a mapping of str (e.g. bio facts), a number or None
FieldWeights = Mapping[str, int]

# Title and keywords say what a listing is about; long free text says much else too.
DEFAULT_WEIGHTS: FieldWeights = {"title": 3, "keywords": 2, "summary": 2}


def field_text(value: FieldValue) -> str:
    """Return the text of a field value, one line per list item or mapping value."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping):
        return "\n".join(filter(None, (field_text(v) for v in value.values())))
    if isinstance(value, Iterable):
        return "\n".join(filter(None, (field_text(v) for v in value)))
    raise TypeError(f"cannot turn a {type(value).__name__} into text")


def build_document(
    fields: Mapping[str, FieldValue], weights: FieldWeights | None = None, default_weight: int = 1
) -> str:
    """Return one text where each field is repeated `weights[name]` times (0 leaves it out)."""
    weights = DEFAULT_WEIGHTS if weights is None else weights
    lines: list[str] = []
    for name, value in fields.items():
        repeat = weights.get(name, default_weight)
        if not isinstance(repeat, int) or repeat < 0:
            raise ValueError(f"weight of field {name!r} must be a non-negative integer, got {repeat!r}")
        text = field_text(value)
        if text and repeat:
            lines.extend([text] * repeat)
    return "\n".join(lines)


def build_profile(documents: Iterable[Mapping[str, FieldValue]], weights: FieldWeights | None = None) -> str:
    """Return one text combining several documents (e.g. a researcher's publications and projects)."""
    return "\n".join(filter(None, (build_document(document, weights) for document in documents)))


class MultiFieldMatcher(BaseEstimator):  # type: ignore[misc]
    """Ranks multi-field records (offers, profiles) for multi-field queries (needs)."""

    def __init__(
        self,
        *,
        document_weights: FieldWeights | None = None,
        query_weights: FieldWeights | None = None,
        matcher: TfidfMatcher | None = None,
    ) -> None:
        self.document_weights = document_weights
        self.query_weights = query_weights
        self.matcher = matcher

    @property
    def version(self) -> str:
        """Return the version of the underlying matcher."""
        return (self.matcher or TfidfMatcher()).version

    def fit(self, records: Sequence[Mapping[str, FieldValue]], y: object = None) -> MultiFieldMatcher:
        """Fit the underlying TfidfMatcher on the weighted records; return self."""
        self.matcher_ = clone(self.matcher) if self.matcher is not None else TfidfMatcher()
        self.matcher_.fit([build_document(record, self.document_weights) for record in records])
        return self

    def _fitted(self) -> TfidfMatcher:
        if not hasattr(self, "matcher_"):
            raise MatcherNotFittedError("This MultiFieldMatcher is not fitted yet: call fit(records) first.")
        return self.matcher_

    def rank(self, queries: Sequence[Mapping[str, FieldValue]], k: int = 10) -> list[Ranking]:
        """Return, per query record, up to k (record index, score) pairs, best first."""
        matcher = self._fitted()
        return matcher.rank([build_document(query, self.query_weights) for query in queries], k)

    def explain(self, query: Mapping[str, FieldValue], index: int, n: int = 5) -> list[str]:
        """Return the terms contributing most to the score of record `index` for query."""
        return self._fitted().explain(build_document(query, self.query_weights), index, n)
