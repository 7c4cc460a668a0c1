"""Ranking metrics with binary relevance."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence, Set


def precision_at(ranked: Sequence[int], relevant: Set[int], k: int) -> float:
    """Return the share of the first k positions holding a relevant item."""
    return sum(1 for item in ranked[:k] if item in relevant) / k


def recall_at(ranked: Sequence[int], relevant: Set[int], k: int) -> float:
    """Return the share of relevant items found in the first k positions."""
    return sum(1 for item in ranked[:k] if item in relevant) / len(relevant)


def reciprocal_rank(ranked: Sequence[int], relevant: Set[int], k: int | None = None) -> float:
    """Return 1 / position of the first relevant item (0 when none in the first k)."""
    for position, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            return 1.0 / position
    return 0.0


def ndcg_at(ranked: Sequence[int], relevant: Set[int], k: int) -> float:
    """Return normalised discounted cumulative gain at k."""
    gain = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return gain / ideal


Metric = Callable[[Sequence[int], Set[int]], float]

JUDGED_METRICS: dict[str, Metric] = {
    "P@1": lambda r, g: precision_at(r, g, 1),
    "P@5": lambda r, g: precision_at(r, g, 5),
    "MRR": lambda r, g: reciprocal_rank(r, g),
    "nDCG@10": lambda r, g: ndcg_at(r, g, 10),
}

VIRE_METRICS: dict[str, Metric] = {
    "P@1": lambda r, g: precision_at(r, g, 1),
    "R@10": lambda r, g: recall_at(r, g, 10),
    "MRR@10": lambda r, g: reciprocal_rank(r, g, 10),
    "nDCG@10": lambda r, g: ndcg_at(r, g, 10),
    "R@20": lambda r, g: recall_at(r, g, 20),
}


def mean_metrics(
    rankings: Sequence[Sequence[int]], relevant: Sequence[Set[int]], metrics: dict[str, Metric], scale: float = 1.0
) -> dict[str, float]:
    """Return each metric averaged over queries (times scale, rounded to 4 decimals)."""
    n = max(len(rankings), 1)
    return {
        name: round(scale * sum(metric(r, g) for r, g in zip(rankings, relevant, strict=True)) / n, 2)
        for name, metric in metrics.items()
    }
