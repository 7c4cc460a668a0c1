"""Matching of offers, needs and researcher profiles: Vietnamese-aware TF-IDF ranking.

    matcher = TfidfMatcher(glossary=load_glossary("seed_data/glossary.csv")).fit(offer_texts)
    matcher.rank([need_text], k=10)      # [[(offer index, cosine), ...]], best first, scores > 0
    matcher.explain(need_text, index)    # ["tinh dầu tràm", "chưng cất", ...]
    usable_terms(text) == 0              # nothing to match on: tell the owner why there are no results

Multi-field records: `build_document(fields, weights)`, `build_profile(documents)` or
`MultiFieldMatcher(document_weights=..., query_weights=...)`. Store `MATCHER_VERSION` with results.
This package never imports `marketplace`.
"""

from matching.fields import DEFAULT_WEIGHTS, FieldWeights, MultiFieldMatcher, build_document, build_profile
from matching.glossary import Glossary, GlossaryEntry, GlossaryError, load_glossary
from matching.matcher import MATCHER_VERSION, MatcherNotFittedError, TfidfMatcher
from matching.text import FUNCTION_WORDS, fold, normalize, usable_terms

__all__ = [
    "DEFAULT_WEIGHTS",
    "FUNCTION_WORDS",
    "MATCHER_VERSION",
    "FieldWeights",
    "Glossary",
    "GlossaryEntry",
    "GlossaryError",
    "MatcherNotFittedError",
    "MultiFieldMatcher",
    "TfidfMatcher",
    "build_document",
    "build_profile",
    "fold",
    "load_glossary",
    "normalize",
    "usable_terms",
]
