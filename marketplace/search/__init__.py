"""Search over offers, needs, organizations and experts, behind one interface.

Backends: SQLite FTS5 (default), PostgreSQL full-text (when DATABASE_URL is PostgreSQL), Meilisearch
(when MEILI_URL is set, with the database as fallback). Other areas call `find` to search and, only
after bulk statements the ORM cannot see, `index_after_commit` (ORM changes are indexed by themselves).
"""

from fastapi import FastAPI
from sqlmodel import Session

from marketplace.models import User
from marketplace.search.indexing import engine_of, index_after_commit
from marketplace.search.query import FACETS, Audience, SearchQuery, read_query
from marketplace.search.results import FacetValue, Hit, SearchPage
from marketplace.search.service import SearchService, configure, service_for

__all__ = [
    "FACETS",
    "Audience",
    "FacetValue",
    "Hit",
    "SearchPage",
    "SearchQuery",
    "SearchService",
    "configure",
    "find",
    "index_after_commit",
    "install",
    "read_query",
    "service_for",
]


def find(session: Session, query: SearchQuery, user: User | None) -> SearchPage:
    """One page of what `user` (None: the public) may find for `query`."""
    return service_for(engine_of(session)).search(session, query, Audience.of(user))


def install(app: FastAPI) -> SearchService:
    """Configure search for the app's database and report its state on /health."""
    service = configure(app.state.engine, app.state.settings)
    app.state.health_checks["search"] = service.health
    return service
