"""The VIRE retrieval protocol (Nguyen & Quan, EACL 2026 Findings) for one CSV subset."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import numpy as np

from matching.evaluate.metrics import VIRE_METRICS, mean_metrics
from matching.matcher import TfidfMatcher

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def passage_key(text: str) -> str:
    """Return the corpus key of a passage: NFKC, no control/zero-width characters, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(_ZERO_WIDTH.sub("", text).split())


def load_vire(path: str | Path) -> tuple[list[str], list[str], list[int]]:
    """Return (corpus of distinct contexts, questions, index of each question's context)."""
    corpus: list[str] = []
    position: dict[str, int] = {}
    questions: list[str] = []
    gold: list[int] = []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            key = passage_key(row["context"])
            if key not in position:
                position[key] = len(corpus)
                corpus.append(key)
            questions.append(row["question"])
            gold.append(position[key])
    return corpus, questions, gold


def evaluate_vire(path: str | Path, matcher: TfidfMatcher) -> dict[str, float]:
    """Return P@1, R@10, MRR@10, nDCG@10, R@20 (%) ranking the whole corpus, ties in corpus order."""
    corpus, questions, gold = load_vire(path)
    matcher.fit(corpus)
    scores = matcher.similarity(questions).toarray()
    rankings = [np.argsort(-row, kind="stable").tolist() for row in scores]
    result = mean_metrics(rankings, [{g} for g in gold], VIRE_METRICS, scale=100.0)
    return {name: round(value, 2) for name, value in result.items()} | {
        "queries": len(questions),
        "corpus": len(corpus),
    }
