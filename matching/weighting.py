"""Term counting and TF-IDF weighting of sparse term matrices."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np
import scipy.sparse as sp

DTYPE = np.float32


def count_terms(
    texts: Iterable[str], analyze: Callable[[str], list[str]], vocabulary: dict[str, int], grow: bool
) -> sp.csr_matrix:
    """Return the term-count matrix of texts; with grow, unseen terms join the vocabulary."""
    indptr, indices, counts = [0], [], []
    for text in texts:
        counter = Counter(analyze(text))
        if grow:
            ids = [vocabulary.setdefault(term, len(vocabulary)) for term in counter]
            values = list(counter.values())
        else:
            pairs = [(vocabulary[t], c) for t, c in counter.items() if t in vocabulary]
            ids, values = [p[0] for p in pairs], [p[1] for p in pairs]
        indices.extend(ids)
        counts.extend(values)
        indptr.append(len(indices))
    shape = (len(indptr) - 1, len(vocabulary))
    return sp.csr_matrix(
        (np.asarray(counts, dtype=DTYPE), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=shape,
    )


def prune_terms(
    counts: sp.csr_matrix, vocabulary: dict[str, int], min_df: int, max_df: float
) -> tuple[sp.csr_matrix, dict[str, int]]:
    """Return counts and vocabulary without the terms outside [min_df, max_df] documents."""
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    max_count = max_df if isinstance(max_df, int) and not isinstance(max_df, bool) else max_df * n_docs
    keep = (df >= min_df) & (df <= max_count)
    if keep.all():
        return counts, vocabulary
    new_ids = np.cumsum(keep) - 1
    counts = counts[:, np.flatnonzero(keep)].tocsr()
    names = {j: t for t, j in vocabulary.items() if keep[j]}
    return counts, {t: int(new_ids[j]) for j, t in names.items()}


def document_frequency(counts: sp.csr_matrix) -> np.ndarray:
    """Return in how many rows each column is non-zero."""
    return np.bincount(counts.indices, minlength=counts.shape[1])


def inverse_document_frequency(df: np.ndarray, n_docs: int, kind: str) -> np.ndarray:
    """Return idf weights: "smooth" (scikit-learn) or "bm25" (Robertson–Spärck Jones, ≥ 0)."""
    df = df.astype(np.float64)
    if kind == "smooth":
        return (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(DTYPE)
    if kind == "bm25":
        return np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(DTYPE)
    raise ValueError(f"idf must be 'smooth' or 'bm25', got {kind!r}")


def term_frequency(
    counts: sp.csr_matrix, kind: str, lengths: np.ndarray, mean_length: float, k1: float, b: float
) -> sp.csr_matrix:
    """Return counts turned into tf: "raw", "sublinear" (1 + ln tf) or "bm25" (saturated)."""
    tf = counts.astype(DTYPE, copy=True)
    if kind == "sublinear":
        np.log(tf.data, out=tf.data)
        tf.data += 1.0
    elif kind == "bm25":
        relative = np.repeat(lengths / max(mean_length, 1e-9), np.diff(tf.indptr)).astype(DTYPE)
        tf.data = tf.data * (k1 + 1.0) / (tf.data + k1 * (1.0 - b + b * relative))
    elif kind != "raw":
        raise ValueError(f"tf must be 'raw', 'sublinear' or 'bm25', got {kind!r}")
    return tf


def normalize_views(weights: sp.csr_matrix, exact: np.ndarray, view_scale: np.ndarray) -> sp.csr_matrix:
    """Return rows scaled so each view (folded, exact) has norm view_scale[row, view]."""
    squares = weights.multiply(weights).tocsr()
    norms = np.column_stack([squares @ (~exact).astype(DTYPE), squares @ exact.astype(DTYPE)])
    np.sqrt(norms, out=norms)
    factor = np.divide(view_scale, norms, out=np.zeros_like(norms), where=norms > 0).astype(DTYPE)
    rows = np.repeat(np.arange(weights.shape[0]), np.diff(weights.indptr))
    out = weights.copy()
    out.data *= factor[rows, exact[out.indices].astype(np.intp)]
    return out
