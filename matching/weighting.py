"""TF-IDF weighting of sparse term-count matrices (counting: `matching.encoding`)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

DTYPE = np.float32


def kept_terms(df: np.ndarray, max_share: np.ndarray, n_docs: int, min_df: int, prune_from: int) -> np.ndarray:
    """Return the mask of terms in at least min_df documents and, in corpora of at least
    prune_from documents, in at most their max_share of them."""
    keep = df >= min_df
    if n_docs >= prune_from:
        keep &= df <= max_share * n_docs
    return keep


def drop_columns(counts: sp.csr_matrix, keep: np.ndarray) -> sp.csr_matrix:
    """Return counts restricted to the kept columns, renumbered in order."""
    if keep.all():
        return counts
    new_ids = (np.cumsum(keep) - 1).astype(counts.indices.dtype)
    kept = keep[counts.indices]
    indptr = np.concatenate([[0], np.cumsum(kept)])[counts.indptr].astype(counts.indptr.dtype)
    return sp.csr_matrix(
        (counts.data[kept], new_ids[counts.indices[kept]], indptr), shape=(counts.shape[0], int(keep.sum()))
    )


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
        relative = (lengths / max(mean_length, 1e-9)).astype(DTYPE)[_row_of_entries(tf)]
        tf.data = tf.data * (k1 + 1.0) / (tf.data + k1 * (1.0 - b + b * relative))
    elif kind != "raw":
        raise ValueError(f"tf must be 'raw', 'sublinear' or 'bm25', got {kind!r}")
    return tf


def _row_of_entries(matrix: sp.csr_matrix) -> np.ndarray:
    """Return the row number of every stored entry."""
    return np.repeat(np.arange(matrix.shape[0], dtype=np.int32), np.diff(matrix.indptr))


def weigh_in_place(tf: sp.csr_matrix, idf: np.ndarray, exact: np.ndarray, view_scale: np.ndarray) -> sp.csr_matrix:
    """Return tf × idf with each row's views (folded, exact) scaled to norms view_scale[row]."""
    view = exact[tf.indices].astype(np.intp)
    tf.data *= idf[tf.indices]
    rows = _row_of_entries(tf)
    squares = np.bincount(2 * rows + view, weights=tf.data.astype(np.float64) ** 2, minlength=2 * tf.shape[0])
    norms = np.sqrt(squares).reshape(-1, 2)
    factor = np.divide(view_scale, norms, out=np.zeros_like(norms), where=norms > 0).astype(DTYPE)
    tf.data *= factor[rows, view]
    return tf
