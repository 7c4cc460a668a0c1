"""Judged-match evaluation on the seed data: offers ranked for each judged need."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from matching.evaluate.metrics import JUDGED_METRICS, mean_metrics
from matching.fields import FieldWeights, build_document
from matching.glossary import load_glossary
from matching.matcher import TfidfMatcher

# An owner's translation into the other language weighs as the field it translates (a need's summary
# translates its problem); the same fields and weights as marketplace.matchmaking.
OFFER_FIELDS = (
    "title", "summary", "description", "applications", "keywords", "bio", "translated_title", "translated_summary"
)  # fmt: skip
NEED_FIELDS = ("title", "problem", "desired_outcome", "keywords", "translated_title", "translated_summary")
OFFER_WEIGHTS: FieldWeights = {
    "title": 3,
    "keywords": 2,
    "summary": 2,
    "bio": 2,
    "translated_title": 3,
    "translated_summary": 2,
}
NEED_WEIGHTS: FieldWeights = {"title": 3, "keywords": 2, "translated_title": 3}

Record = dict[str, Any]


def _read_lists(folder: Path) -> list[Record]:
    """Return the records of every JSON list in folder, in file-name order."""
    records: list[Record] = []
    for path in sorted(folder.glob("*.json")):
        records.extend(json.loads(path.read_text(encoding="utf-8")))
    return records


def _read_judgements(folder: Path) -> dict[str, list[str]]:
    """Return {need key: [offer keys]} merged from every JSON object in folder."""
    judged: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.json")):
        judged.update(json.loads(path.read_text(encoding="utf-8")))
    return judged


def offer_text(offer: Record) -> str:
    """Return the weighted matching text of an offer."""
    return build_document({name: offer.get(name) for name in OFFER_FIELDS}, OFFER_WEIGHTS)


def need_text(need: Record) -> str:
    """Return the weighted matching text of a need."""
    return build_document({name: need.get(name) for name in NEED_FIELDS}, NEED_WEIGHTS)


def _score(
    matcher: TfidfMatcher, offers: list[Record], needs: list[Record], relevant: list[set[int]], cross: list[bool]
) -> dict[str, Any]:
    """Return the judged metrics of a matcher fitted on the offers, overall and across languages."""
    matcher.fit([offer_text(offer) for offer in offers])
    rankings = [[i for i, _ in ranking] for ranking in matcher.rank([need_text(n) for n in needs], k=10)]
    result: dict[str, Any] = mean_metrics(rankings, relevant, JUDGED_METRICS, scale=100.0)
    subset = [i for i, flag in enumerate(cross) if flag]
    result["cross_language"] = mean_metrics(
        [rankings[i] for i in subset], [relevant[i] for i in subset], JUDGED_METRICS, scale=100.0
    )
    return result


def evaluate_judged(seed_dir: str | Path, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return P@1, P@5, MRR and nDCG@10 with and without the glossary, over the judged needs."""
    seed = Path(seed_dir)
    offers = [o for o in _read_lists(seed / "offers") if o.get("status") == "published"]
    needs_by_key = {n["key"]: n for n in _read_lists(seed / "needs")}
    judged = _read_judgements(seed / "judged_matches")
    position = {offer["key"]: i for i, offer in enumerate(offers)}
    needs, relevant, cross = [], [], []
    for need_key, offer_keys in sorted(judged.items()):
        found = {position[key] for key in offer_keys if key in position}
        if need_key in needs_by_key and found:
            needs.append(needs_by_key[need_key])
            relevant.append(found)
            cross.append(any(offers[i].get("language") != needs[-1].get("language") for i in found))
    glossary = load_glossary(seed / "glossary.csv")
    params = params or {}
    return {
        "offers": len(offers),
        "needs": len(needs),
        "cross_language_needs": sum(cross),
        "skipped_needs": len(judged) - len(needs),
        "with_glossary": _score(TfidfMatcher(**params, glossary=glossary), offers, needs, relevant, cross),
        "without_glossary": _score(TfidfMatcher(**params), offers, needs, relevant, cross),
    }
