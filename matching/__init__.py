"""Matching of offers, needs and researcher profiles: Vietnamese-aware TF-IDF ranking."""

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
