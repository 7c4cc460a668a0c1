"""Top-k rows of sparse products in bounded memory (sparse_dot_topn, or scipy as fallback)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import scipy.sparse as sp

try:
    from sparse_dot_topn import sp_matmul_topn
except ImportError:  # pragma: no cover - exercised by monkeypatching in the tests
    sp_matmul_topn = None

Ranking = list[tuple[int, float]]

# sparse_dot_topn copies the index arrays of B on every call, which costs more than the
# product itself for a handful of queries: below this many rows scipy is faster.
MIN_ROWS_FOR_TOPN = 256


def _sorted_row(indices: np.ndarray, scores: np.ndarray, k: int) -> Ranking:
    """Return the k best (index, score) pairs with positive scores, ties by lower index."""
    positive = scores > 0
    indices, scores = indices[positive], scores[positive]
    if len(scores) > k:
        keep = np.argpartition(-scores, k - 1)[:k]
        indices, scores = indices[keep], scores[keep]
    order = np.lexsort((indices, -scores))
    return [(int(i), float(s)) for i, s in zip(indices[order], scores[order], strict=True)]


def _rows(product: sp.csr_matrix, k: int) -> Iterator[Ranking]:
    """Yield the ranking of every row of a sparse score matrix."""
    indptr, indices, data = product.indptr, product.indices, product.data
    for row in range(product.shape[0]):
        start, stop = indptr[row], indptr[row + 1]
        yield _sorted_row(indices[start:stop], data[start:stop], k)


def _dense_row(queries: sp.csr_matrix, row: int, index: sp.csr_matrix, k: int) -> Ranking:
    """Return the ranking of one query row: its postings summed into one dense score vector."""
    start, stop = queries.indptr[row], queries.indptr[row + 1]
    if start == stop:
        return []
    postings = index[queries.indices[start:stop]]
    scores = postings.T @ queries.data[start:stop]
    candidates = np.flatnonzero(scores > 0)
    return _sorted_row(candidates, scores[candidates], k)


def _topn_product(queries: sp.csr_matrix, index: sp.csr_matrix, k: int, n_threads: int) -> sp.csr_matrix:
    """Return queries @ index keeping the k largest positive values per row."""
    assert sp_matmul_topn is not None
    return sp_matmul_topn(queries, index, top_n=k, threshold=0.0, sort=True, n_threads=n_threads)


def top_k(
    vectorize: Callable[[int, int], sp.csr_matrix],
    n_queries: int,
    index: sp.csr_matrix,
    k: int,
    chunk_size: int = 5000,
    n_threads: int = 2,
) -> list[Ranking]:
    """Return, for each query row, the k best columns of `index` (features × documents).

    Queries are vectorised and multiplied chunk by chunk: sparse_dot_topn keeps only k results per
    row; without it (or for a few queries) each row is scored into one dense vector of n_documents.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    use_topn = sp_matmul_topn is not None and n_queries >= MIN_ROWS_FOR_TOPN
    out: list[Ranking] = []
    for start in range(0, n_queries, chunk_size):
        queries = vectorize(start, min(start + chunk_size, n_queries))
        if index.nnz == 0 or queries.nnz == 0:
            out.extend([] for _ in range(queries.shape[0]))
            continue
        if use_topn:
            out.extend(_rows(_topn_product(queries, index, k, n_threads), k))
        else:
            out.extend(_dense_row(queries, row, index, k) for row in range(queries.shape[0]))
    return out
