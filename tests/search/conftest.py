"""Search fixtures: the same contract runs on the database backend (SQLite FTS5, or PostgreSQL when
TEST_DATABASE_URL says so) and on Meilisearch — the in-process stand-in always, a real server too when
MEILI_URL is set in the environment."""

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from marketplace.config import Settings
from marketplace.models import User
from marketplace.search import Audience, SearchPage, SearchQuery, SearchService, configure
from tests.search.meili_standin import MeiliStandIn

GLOSSARY = "vi,en\nbản sao số,digital twin\ntinh dầu,essential oil\nchuyển đổi số,digital transformation\n"
BACKENDS = ["database", "meilisearch-standin"] + (["meilisearch-real"] if os.environ.get("MEILI_URL") else [])


@pytest.fixture(scope="session")
def standin() -> Iterator[MeiliStandIn]:
    """The Meilisearch stand-in, serving on a loopback port for the whole run."""
    server = MeiliStandIn().up()
    yield server
    server.down()


@pytest.fixture(scope="session")
def glossary_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("glossary")
    (folder / "glossary.csv").write_text(GLOSSARY, encoding="utf-8")
    return folder


def search_settings(settings: Settings, glossary_dir: Path, meili_url: str | None = None, **extra: Any) -> Settings:
    """The test settings with search's own: a small glossary, and Meilisearch when `meili_url` is given."""
    values: dict[str, Any] = {"SEED_DIR": glossary_dir, "MEILI_URL": meili_url, "MEILI_TIMEOUT_SECONDS": 2.0}
    if meili_url:
        values["MEILI_INDEX_PREFIX"] = f"test_{uuid.uuid4().hex[:8]}"
        values["MEILI_API_KEY"] = os.environ.get("MEILI_API_KEY") if meili_url == os.environ.get("MEILI_URL") else None
    return settings.model_copy(update=values | extra)


@dataclass
class Backend:
    """One configured backend; `find` searches through the service and checks who answered."""

    name: str
    service: SearchService
    session: Session

    def find(
        self,
        text: str = "",
        user: User | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
        **filters: str | list[str],
    ) -> SearchPage:
        chosen = {k: tuple(v) if isinstance(v, list) else (v,) for k, v in filters.items()}
        query = SearchQuery(text=text, filters=chosen, sort=sort, page=page, per_page=per_page)
        result = self.service.search(self.session, query, Audience.of(user))
        assert not result.degraded, f"{self.name} fell back to the database"
        assert (result.backend == "meilisearch") == self.name.startswith("meilisearch")
        if self.name == "database":
            assert result.backend == (
                "postgresql" if self.session.get_bind().dialect.name == "postgresql" else "sqlite-fts5"
            )
        return result

    def titles(self, text: str = "", **options: Any) -> list[str]:
        return [hit.title.striptags() for hit in self.find(text, **options).hits]


@pytest.fixture(params=BACKENDS)
def backend(
    request: pytest.FixtureRequest,
    engine: Engine,
    db: Session,
    settings: Settings,
    glossary_dir: Path,
    standin: MeiliStandIn,
) -> Iterator[Backend]:
    """A search service on the test database for each backend of the contract."""
    url = {"database": None, "meilisearch-standin": standin.url, "meilisearch-real": os.environ.get("MEILI_URL")}[
        request.param
    ]
    service = configure(engine, search_settings(settings, glossary_dir, url))
    yield Backend(request.param, service, db)
    if service.meili is not None and request.param == "meilisearch-real":
        service.meili.call(lambda: service.meili.client.delete_index(service.meili.uid))  # type: ignore[union-attr]
    standin.indexes.clear()
    configure(engine, search_settings(settings, glossary_dir))


@pytest.fixture
def meili(
    engine: Engine, db: Session, settings: Settings, glossary_dir: Path, standin: MeiliStandIn
) -> Iterator[Backend]:
    """Search configured with Meilisearch (the stand-in), for tests of the fallback and the outbox."""
    service = configure(engine, search_settings(settings, glossary_dir, standin.url, MEILI_TIMEOUT_SECONDS=1.0))
    yield Backend("meilisearch-standin", service, db)
    if standin.server is None:
        standin.up()
    standin.indexes.clear()
    configure(engine, search_settings(settings, glossary_dir))
