"""TfidfMatcher: ranks fitted texts (offers, profiles) for query texts (needs, listings)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from matching import weighting
from matching.encoding import Encoder, columns_of, count_matrix
from matching.explain import PreparedText, explain_terms, prepare_text
from matching.glossary import Glossary
from matching.lexicon import Lexicon
from matching.text import FUNCTION_WORDS, VietnameseAnalyzer
from matching.topn import Ranking, top_k

MATCHER_VERSION = "tfidf-3"  # 2: no n-grams made only of function words; 3: explained by whole shared terms


_EXACT = 2  # Encoder.kinds: 0 folded phrase, 1 folded syllable, 2 exact-view term
# Starts the glossary translations added to a text: a line break to the analyser, so scores do not
# see it, while explanations tell the listing's own words from the added ones.
GLOSSARY_MARK = "\u2029"


class MatcherNotFittedError(NotFittedError):
    """The matcher was used before `fit`."""


class TfidfMatcher(BaseEstimator):  # type: ignore[misc]
    """Cosine TF-IDF matcher over folded + accented Vietnamese syllable n-grams.

    Each text has two L2-normalised views, folded ("tinh dau") and exact ("tinh dầu");
    a score is (1 - accent_weight) × folded cosine + accent_weight × exact cosine, so the
    exact spelling wins ties while accent-free queries still match (they use the folded view).
    Texts are cut at `max_chars`; a text with no usable terms gets no results (see `usable_terms`).
    From `prune_from` documents on, terms in more than a share of them are dropped to keep all-pairs
    ranking affordable: folded phrases above max_df, single folded syllables above syllable_max_df,
    exact-view terms above accent_max_df (their folded twins remain).
    """

    version = MATCHER_VERSION

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (1, 2),
        accent_weight: float = 0.5,
        tf: str = "bm25",
        idf: str = "bm25",
        k1: float = 1.5,
        b: float = 1.0,
        stop_words: Iterable[str] | None = FUNCTION_WORDS,
        min_df: int = 1,
        max_df: float = 0.2,
        syllable_max_df: float = 0.05,
        accent_max_df: float = 0.05,
        prune_from: int = 1000,
        glossary: Glossary | None = None,
        max_chars: int | None = 100_000,
        chunk_size: int = 5000,
        n_threads: int = 2,
    ) -> None:
        self.ngram_range = ngram_range
        self.accent_weight = accent_weight
        self.tf = tf
        self.idf = idf
        self.k1 = k1
        self.b = b
        self.stop_words = stop_words
        self.min_df = min_df
        self.max_df = max_df
        self.syllable_max_df = syllable_max_df
        self.accent_max_df = accent_max_df
        self.prune_from = prune_from
        self.glossary = glossary
        self.max_chars = max_chars
        self.chunk_size = chunk_size
        self.n_threads = n_threads

    # -- fitting -------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], y: object = None) -> TfidfMatcher:
        """Learn vocabulary and weights from the candidate texts; return self."""
        if not 0.0 <= self.accent_weight < 1.0:
            raise ValueError(f"accent_weight must be in [0, 1), got {self.accent_weight}")
        self.analyzer_ = VietnameseAnalyzer(self.ngram_range, self.accent_weight > 0, self.stop_words)
        self.encoder_ = Encoder(self.analyzer_.stop_words, self.ngram_range, self.accent_weight > 0)
        # Kept as analysed (cut, glossary lines added) so explanations need not expand them again.
        self.documents_ = [self._expand(text) for text in texts]
        self.lexicon_ = Lexicon.of(self.glossary)
        rows, codes, _ = self.encoder_.encode(self.documents_, grow=True)
        features, columns = np.unique(codes, return_inverse=True)
        counts = count_matrix(rows, columns, len(self.documents_), len(features), weighting.DTYPE)
        kinds = self.encoder_.kinds(features)
        max_share = np.array([self.max_df, self.syllable_max_df, self.accent_max_df])[kinds]
        df = weighting.document_frequency(counts)
        keep = weighting.kept_terms(df, max_share, counts.shape[0], self.min_df, self.prune_from)
        counts = weighting.drop_columns(counts, keep)
        self.features_ = features[keep]  # sorted feature codes, one per column
        self._vocabulary: dict[str, int] | None = None  # `vocabulary_`, built on first use
        self._document_vectors: dict[int, sp.csr_matrix] = {}  # of the fitted texts explained so far
        self._last_query: tuple[str, str, sp.csr_matrix] | None = None  # query, expanded, vector
        self.exact_ = kinds[keep] == _EXACT
        self.n_documents_ = counts.shape[0]
        df = weighting.document_frequency(counts)
        self.idf_ = weighting.inverse_document_frequency(df, self.n_documents_, self.idf)
        self.mean_length_ = float(counts.sum() / max(self.n_documents_, 1))
        self.index_ = self._weigh(counts, as_query=[False] * self.n_documents_).T.tocsr()
        return self

    @property
    def vocabulary_(self) -> dict[str, int]:
        """The analyser term ("tinh dau", "=tinh dầu") of every column (built on first use: it is large)."""
        self._check_fitted()
        if self._vocabulary is None:
            self._vocabulary = {self.encoder_.term(int(code)): j for j, code in enumerate(self.features_)}
        return self._vocabulary

    def _count(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
        """Return the term counts of (expanded) texts in the fitted columns, and which texts have diacritics."""
        rows, codes, accented = self.encoder_.encode(texts)
        found, columns = columns_of(codes, self.features_)
        return count_matrix(rows[found], columns, len(texts), len(self.features_), weighting.DTYPE), accented

    def _check_fitted(self) -> None:
        if not hasattr(self, "index_"):
            raise MatcherNotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit(texts) with the candidate texts first."
            )

    def _expand(self, text: str) -> str:
        """Return text (cut at max_chars) with the glossary translations of its terms as extra lines."""
        # A pasted megabyte would cost seconds per request; no listing or profile needs that much.
        text = text[: self.max_chars] if self.max_chars else text
        if self.glossary is None:
            return text
        return text + GLOSSARY_MARK + "\n".join(self.glossary.expand(text))

    def _parts(self, expanded: str) -> tuple[str, str]:
        """Return an expanded text's own text and its glossary translations."""
        if self.glossary is None:
            return expanded, ""
        text, _, translations = expanded.rpartition(GLOSSARY_MARK)
        return text, translations

    def _view_scale(self, as_query: Sequence[bool], accent_free: Sequence[bool]) -> np.ndarray:
        """Return per-row norms for the (folded, exact) views."""
        alpha = self.accent_weight
        both = [math.sqrt(1 - alpha), math.sqrt(alpha)]
        # An accent-free query keeps only its folded view, scaled so its scores are folded cosines.
        folded_only = [1 / math.sqrt(1 - alpha), 0.0]
        rows = [folded_only if q and free else both for q, free in zip(as_query, accent_free, strict=True)]
        return np.asarray(rows, dtype=weighting.DTYPE).reshape(-1, 2)

    def _weigh(
        self, counts: sp.csr_matrix, as_query: Sequence[bool], accent_free: Sequence[bool] | None = None
    ) -> sp.csr_matrix:
        """Return the TF-IDF rows of a count matrix, each view normalised."""
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        tf = weighting.term_frequency(counts, self.tf, lengths, self.mean_length_, self.k1, self.b)
        accent_free = accent_free if accent_free is not None else [False] * counts.shape[0]
        return weighting.weigh_in_place(tf, self.idf_, self.exact_, self._view_scale(as_query, accent_free))

    # -- querying ------------------------------------------------------------------------
    def transform(self, texts: Sequence[str], as_query: bool = True) -> sp.csr_matrix:
        """Return the weighted vectors of texts (rows) in the fitted feature space."""
        self._check_fitted()
        return self._vectors([self._expand(text) for text in texts], as_query)

    def _vectors(self, expanded: Sequence[str], as_query: bool) -> sp.csr_matrix:
        """Return the weighted vectors of texts already expanded (`_expand`)."""
        counts, accented = self._count(expanded)
        return self._weigh(counts, [as_query] * len(expanded), list(~accented))

    def rank(self, queries: Sequence[str], k: int = 10) -> list[list[tuple[int, float]]]:
        """Return, per query, up to k (fitted index, cosine score) pairs, best first, scores > 0."""
        self._check_fitted()
        return top_k(
            lambda start, stop: self.transform(queries[start:stop]),
            len(queries),
            self.index_,
            k,
            chunk_size=self.chunk_size,
            n_threads=self.n_threads,
        )

    def rank_one(self, query: str, k: int = 10) -> Ranking:
        """Return the ranking of a single query (e.g. a listing just published)."""
        return self.rank([query], k)[0]

    def similarity(self, queries: Sequence[str]) -> sp.csr_matrix:
        """Return the full sparse score matrix, queries × fitted texts."""
        self._check_fitted()
        return (self.transform(queries) @ self.index_).tocsr()

    def known_terms(self, query: str) -> int:
        """Return how many weighted features of query occur in the fitted texts (0: nothing can match)."""
        self._check_fitted()
        return int(self.transform([query]).nnz)

    def explain(self, query: str, index: int, n: int = 5) -> list[str]:
        """Return up to n whole (accented) terms contributing most to the score of fitted text `index`."""
        self._check_fitted()
        if not 0 <= index < self.n_documents_:
            raise IndexError(f"index {index} is outside the {self.n_documents_} fitted texts")
        expanded, vectors = self._explained_query(query)
        document_vector = self._document_vector(index)
        shared = set(vectors.indices.tolist()) & set(document_vector.indices.tolist())
        names = {j: self.encoder_.term(int(self.features_[j])) for j in shared}
        texts = self._prepare(expanded), self._prepare(self.documents_[index])
        return explain_terms(*texts, vectors, document_vector, names, n, self.lexicon_)

    def _explained_query(self, query: str) -> tuple[str, sp.csr_matrix]:
        """Return a query expanded and its vector, reusing the last query's."""
        # A listing's candidates are explained one after another: remembering one query is enough.
        # The tuple is replaced whole, so threads sharing the matcher never see half of one.
        last = self._last_query
        if last is None or last[0] != query:
            expanded = self._expand(query)
            last = self._last_query = (query, expanded, self._vectors([expanded], as_query=True))
        return last[1], last[2]

    def _document_vector(self, index: int) -> sp.csr_matrix:
        """Return the vector of fitted text `index` as explanations weigh it (kept once computed)."""
        vector = self._document_vectors.get(index)
        if vector is None:
            vector = self._document_vectors[index] = self._vectors([self.documents_[index]], as_query=False)
        return vector

    def _prepare(self, expanded: str) -> PreparedText:
        """Return an expanded text's own text and glossary translations, prepared for explanations."""
        return prepare_text(*self._parts(expanded), self.lexicon_)
