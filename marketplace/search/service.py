"""Which backend answers a search, the fallback when Meilisearch is unreachable, and the health check.

One `SearchService` per database engine: the app configures it from its settings at start-up;
commands and scripts get one configured from the process settings.
"""

import logging
import threading
import time
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from marketplace.config import Settings, get_settings
from marketplace.search.database import DatabaseSearch
from marketplace.search.meili import MeiliSearch, SearchUnavailable, outbox
from marketplace.search.postgres_fts import PostgresSearch
from marketplace.search.query import Audience, SearchQuery
from marketplace.search.results import SearchPage
from marketplace.search.sqlite_fts import Fts5Search
from marketplace.search.synonyms import Synonyms, glossary_in_force
from matching import Glossary

log = logging.getLogger("marketplace.search")
GLOSSARY_CHECK_SECONDS = 5.0  # how soon a change to the glossary reaches the searches of every process


class SearchService:
    """Meilisearch when it is configured and answers; otherwise the database's own full-text search."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.seed_dir = settings.SEED_DIR
        backend = PostgresSearch if engine.dialect.name == "postgresql" else Fts5Search
        self.database: DatabaseSearch = backend(settings.LISTING_FRESHNESS_DAYS, Synonyms())
        self.glossary: Glossary | None = None  # what the synonyms were made of
        self.glossary_checked = -GLOSSARY_CHECK_SECONDS
        self.meili: MeiliSearch | None = None
        if settings.MEILI_URL:
            self.meili = MeiliSearch(
                settings.MEILI_URL,
                settings.MEILI_API_KEY,
                settings.MEILI_INDEX_PREFIX,
                settings.MEILI_TIMEOUT_SECONDS,
                lambda: self.current_synonyms().meilisearch(),
            )
        self.retry_seconds = settings.MEILI_RETRY_SECONDS
        self.down_until = 0.0
        self._pushing = threading.Lock()

    def synonyms_in_step(self, session: Session, now: bool = False) -> None:
        """Synonyms made again when the glossary in force has changed, looked at every few seconds (or
        `now`); Meilisearch then gets them with its settings before it next answers."""
        if not now and time.monotonic() - self.glossary_checked < GLOSSARY_CHECK_SECONDS:
            return
        self.glossary_checked = time.monotonic()
        found = glossary_in_force(session, self.seed_dir)
        if found is not self.glossary:
            self.glossary = found
            self.database.synonyms = Synonyms.of(found)
            if self.meili is not None:
                self.meili.prepared = False

    def current_synonyms(self) -> Synonyms:
        with Session(self.engine) as session:
            self.synonyms_in_step(session, now=True)
        return self.database.synonyms

    def search(self, session: Session, query: SearchQuery, audience: Audience) -> SearchPage:
        """Results from Meilisearch, or from the database marked `degraded` when Meilisearch fails."""
        self.synonyms_in_step(session)
        if self.meili is not None and self.available():
            try:
                if self._waiting(session):
                    self.push_pending(raise_errors=True)
                self.meili.prepare()
                return self.meili.search(query, audience)
            except SearchUnavailable as exc:
                self.mark_down(exc)
        page = self.database.search(session, query, audience)
        page.degraded = self.meili is not None
        return page

    def prepare(self) -> None:
        """Get the database backend ready before the first search (SQLite reads every document's fields)."""
        from marketplace.search.indexing import has_index

        try:
            with Session(self.engine) as session:
                if has_index(session):
                    self.database.prepare(session)
        except Exception:  # a search will try again; the server must start anyway
            log.exception("search could not prepare its in-memory data at start")

    def prepare_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.prepare, name="search-prepare", daemon=True)
        thread.start()
        return thread

    def available(self) -> bool:
        return time.monotonic() >= self.down_until

    def mark_down(self, exc: Exception) -> None:
        """Stop trying Meilisearch for a while, so that every keystroke does not wait for it."""
        log.warning("Meilisearch unavailable, searching the database instead: %s", exc)
        self.down_until = time.monotonic() + self.retry_seconds

    def push_pending(self, raise_errors: bool = False) -> int:
        """Send waiting changes to Meilisearch; returns how many were sent (0 when it is unreachable)."""
        if self.meili is None or not self.available() or not self._pushing.acquire(blocking=False):
            return 0
        try:
            self.meili.prepare()
            return self.meili.push_outbox(self.engine)
        except SearchUnavailable as exc:
            self.mark_down(exc)
            if raise_errors:
                raise
            return 0
        finally:
            self._pushing.release()

    def _waiting(self, session: Session) -> bool:
        statement = select(outbox.c.id).where(outbox.c.done_at.is_(None)).limit(1)
        return session.execute(statement).first() is not None

    def health(self) -> str:
        """ "ok", or "degraded" when Meilisearch is configured but unreachable (searches use the database)."""
        if self.meili is None:
            return "ok"
        if not self.meili.ping():
            self.mark_down(SearchUnavailable("health check failed"))
            return "degraded"
        self.down_until = 0.0
        self.push_pending()  # it is back: what changed meanwhile goes out now
        return "ok" if self.available() else "degraded"


_services: "WeakKeyDictionary[Engine, SearchService]" = WeakKeyDictionary()


def configure(engine: Engine, settings: Settings) -> SearchService:
    """Set up search for `engine` from `settings` (the app does this at start-up)."""
    service = _services[engine] = SearchService(engine, settings)
    return service


def service_for(engine: Engine) -> SearchService:
    """The search service of `engine`, configured from the process settings if nobody configured it."""
    service = _services.get(engine)
    if service is None:
        service = configure(engine, get_settings())
    return service
