"""Ranking partners with the matcher: what a listing or expert looks like to it, and the rules on top.

The fitted matcher of each side (offers, needs, experts) is cached per process and rebuilt from the
database whenever that side changed, so app processes stay stateless.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace.config import get_settings
from marketplace.models import ExpertiseProfile, ListingStatus, Need, Offer, Role, User
from marketplace.search.synonyms import forget_glossaries, glossary_in_force, glossary_state
from matching import MATCHER_VERSION, Glossary, MultiFieldMatcher, TfidfMatcher, usable_terms

# The fields and weights measured on the judged set (matching.evaluate.judged; docs/benchmarks.md). An owner's
# translation into the other language weighs as the field it translates (a need's summary translates its problem,
# weight 1), so an English need with a Vietnamese translation meets Vietnamese offers and the other way round.
OFFER_WEIGHTS = {"title": 3, "keywords": 2, "summary": 2, "bio": 2, "translated_title": 3, "translated_summary": 2}
NEED_WEIGHTS = {"title": 3, "keywords": 2, "translated_title": 3}
EXPERT_WEIGHTS = {"keywords": 3, "publications": 1, "projects": 1, "summary": 1}


@dataclass(frozen=True)
class Rules:
    """Every weight of the rules on top of text similarity, in one place."""

    per_listing: int = 5  # proposals kept per listing
    candidates: int = 25  # raw matcher candidates examined before the rules
    min_score: float = 0.05  # below this cosine a pair is not worth anyone's time
    same_sector_boost: float = 1.15  # a documented nudge: same sector is likelier to be relevant
    below_trl_factor: float = 0.85  # an offer below the need's minimum TRL is kept, marked and demoted


RULES = Rules()


def offer_record(offer: Offer) -> dict[str, Any]:
    bio = [offer.species, offer.latin_name, offer.plant_part, offer.active_compounds, offer.standard]
    return {
        "title": offer.title,
        "keywords": offer.keywords,
        "summary": offer.summary,
        "description": offer.description,
        "applications": offer.applications,
        "bio": [b for b in bio if b],
        "translated_title": offer.translated_title,
        "translated_summary": offer.translated_summary,
    }


def need_record(need: Need) -> dict[str, Any]:
    return {
        "title": need.title,
        "keywords": need.keywords,
        "problem": need.problem,
        "desired_outcome": need.desired_outcome,
        "translated_title": need.translated_title,
        "translated_summary": need.translated_summary,
    }


def expert_record(profile: ExpertiseProfile) -> dict[str, Any]:
    return {
        "keywords": profile.keywords,
        "publications": profile.publications,
        "projects": profile.projects,
        "summary": profile.summary,
    }


def record_of(listing: Offer | Need) -> dict[str, Any]:
    return offer_record(listing) if isinstance(listing, Offer) else need_record(listing)


def has_usable_terms(listing: Offer | Need) -> bool:
    """False when a listing has nothing the matcher can use (empty, emoji, another script…)."""
    record = record_of(listing)
    return usable_terms(" ".join(str(v) for v in record.values() if v)) > 0


def glossary(session: Session) -> Glossary | None:
    """The Department's bilingual glossary in force (staff edit it: `marketplace.glossary`), if any."""
    return glossary_in_force(session, get_settings().SEED_DIR)


@dataclass
class Corpus:
    """One side, fitted: the ids in matcher order and the matcher."""

    ids: list[int]
    records: list[Any]
    matcher: MultiFieldMatcher | None


_cache: dict[tuple[str, str], tuple[tuple[Any, ...], Corpus]] = {}
_lock = threading.Lock()
# Within a batch: the sides whose cached corpus was checked against the database once already.
_pinned: ContextVar[set[str] | None] = ContextVar("matchmaking_pinned", default=None)


@contextmanager
def pinned() -> Iterator[None]:
    """Within a batch that changes no listing, check each side's fitted corpus once (a glossary change made
    since the last batch must refit it), then reuse it without re-checking the database."""
    token = _pinned.set(set())
    try:
        yield
    finally:
        _pinned.reset(token)


def _side_query(side: str) -> tuple[Any, Any]:
    if side == "offers":
        return select(Offer).where(Offer.status == ListingStatus.PUBLISHED).order_by(col(Offer.id)), Offer
    if side == "needs":
        return select(Need).where(Need.status == ListingStatus.PUBLISHED).order_by(col(Need.id)), Need
    query = (
        select(ExpertiseProfile)
        .join(User, col(User.id) == ExpertiseProfile.user_id)
        .where(User.role == Role.RESEARCHER, col(User.is_active).is_(True))
        .order_by(col(ExpertiseProfile.id))
    )
    return query, ExpertiseProfile


def _signature(session: Session, side: str) -> tuple[Any, ...]:
    """What tells the listings of `side` and the glossary they were fitted with from their present state."""
    sub = _side_query(side)[0].subquery()
    row = session.exec(select(func.count(), func.max(sub.c.id), func.max(sub.c.updated_at))).one()  # type: ignore[call-overload]
    return (*row, *glossary_state(session))


def corpus(session: Session, side: str) -> Corpus:
    """The fitted corpus of `side` ("offers", "needs", "experts"), rebuilt only when it changed."""
    key = (str(session.get_bind().engine.url), side)
    with _lock:
        cached = _cache.get(key)
    checked = _pinned.get()
    if cached and checked is not None and side in checked:
        return cached[1]
    if checked is not None:
        checked.add(side)
    signature = _signature(session, side)
    if cached and cached[0] == signature:
        return cached[1]
    query, _model = _side_query(side)
    rows = list(session.exec(query).all())
    fitted = _fit(side, rows, glossary(session))
    with _lock:
        _cache[key] = (signature, fitted)
    return fitted


def _fit(side: str, rows: list[Any], terms: Glossary | None) -> Corpus:
    # Needs query the offers and experts; offers query the needs.
    if side == "experts":
        ids, records, weights, query_weights = (
            [r.user_id for r in rows],
            [expert_record(r) for r in rows],
            EXPERT_WEIGHTS,
            NEED_WEIGHTS,
        )
    elif side == "offers":
        ids, records, weights, query_weights = (
            [r.id for r in rows],
            [offer_record(r) for r in rows],
            OFFER_WEIGHTS,
            NEED_WEIGHTS,
        )
    else:
        ids, records, weights, query_weights = (
            [r.id for r in rows],
            [need_record(r) for r in rows],
            NEED_WEIGHTS,
            OFFER_WEIGHTS,
        )
    if not rows:
        return Corpus(ids, records, None)
    matcher = MultiFieldMatcher(
        document_weights=weights, query_weights=query_weights, matcher=TfidfMatcher(glossary=terms)
    )
    return Corpus(ids, records, matcher.fit(records))


def rank(session: Session, side: str, query: dict[str, Any], k: int) -> list[tuple[int, float, int]]:
    """(target id, score, matcher index) of the best `k` of `side` for one query record."""
    fitted = corpus(session, side)
    if fitted.matcher is None:
        return []
    return [(fitted.ids[i], score, i) for i, score in fitted.matcher.rank([query], k)[0]]


def explain(session: Session, side: str, query: dict[str, Any], index: int, n: int = 5) -> list[str]:
    fitted = corpus(session, side)
    return fitted.matcher.explain(query, index, n) if fitted.matcher else []


def clear_cache() -> None:
    """Forget fitted corpora (tests; after a glossary change)."""
    with _lock:
        _cache.clear()
    forget_glossaries()


VERSION = MATCHER_VERSION
