"""Fixtures shared by the whole suite: a migrated database (SQLite or PostgreSQL), the app, clients.

TEST_DATABASE_URL chooses the database: unset means a temporary SQLite file; a PostgreSQL URL
means fresh databases are created on that server for this run and dropped afterwards.
"""

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import profiles
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

from marketplace import migrate, security
from marketplace.app import create_app
from marketplace.config import ROOT, Settings
from marketplace.db import make_engine
from marketplace.proposals import recompute_all
from marketplace.seed import load_sectors, seed

SEED_DIR = ROOT / "seed_data"
# Argon2 with its cheapest parameters in the suite (logging in over a thousand times at ~140 ms each took
# minutes); tests/web/test_password_hashing.py checks the application's own parameters in a fresh process.
security.use_profiles(profiles.CHEAPEST, profiles.CHEAPEST)
KEEP_TABLES = {"sector", "alembic_version"}


def _new_database(tmp: Path, name: str) -> tuple[str, object]:
    """A URL of a new, empty database and a function that drops it."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        return f"sqlite:///{tmp / (name + '.db')}", lambda: None
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    db_name = f"hue_test_{name}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=db_name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, drop = _new_database(tmp_path_factory.mktemp("db"), "main")
    yield url
    drop()  # type: ignore[operator]


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        load_sectors(session, SEED_DIR)
        session.commit()
    yield engine
    engine.dispose()


def _clean(engine: Engine) -> None:
    """Empty every table but the fixed taxonomy, so each test starts from a fresh database: rows deleted
    (dependent tables first) and, on PostgreSQL, each table's ids started again from 1. TRUNCATE did both
    in one statement but took ~165 ms for thirty tables, mostly empty, against ~20 ms: minutes of each run."""
    tables = [t for t in reversed(SQLModel.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with engine.begin() as conn:
        for table in tables:
            conn.execute(table.delete())
        if engine.dialect.name == "postgresql":
            restarts = [
                f"setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), 1, false)" for t in tables if "id" in t.c
            ]
            conn.execute(text("SELECT " + ", ".join(restarts)))  # NULL, and no change, for an id without a sequence


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session on a database emptied after the test."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
    _clean(engine)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        ENVIRONMENT="test", DATABASE_URL=database_url, SECRET_KEY="test-secret-" + "x" * 32, LOGIN_MAX_FAILURES=5
    )


@pytest.fixture
def app(db: Session, engine: Engine, settings: Settings) -> FastAPI:
    return create_app(settings, engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def copy_database(template_url: str, tmp: Path, name: str) -> tuple[str, object]:
    """A new database with the content of `template_url` (file copy, or CREATE DATABASE … TEMPLATE)."""
    template = make_url(template_url)
    if template.get_backend_name() == "sqlite":
        target = tmp / f"{name}.db"
        shutil.copyfile(str(template.database), target)
        return f"sqlite:///{target}", lambda: None
    admin = make_engine(template.set(database="postgres").render_as_string(hide_password=False))
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    db_name = f"hue_test_{name}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db_name}" TEMPLATE "{template.database}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()

    return template.set(database=db_name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a database loaded once with the whole demo data set; tests use copies of it."""
    url, drop = _new_database(tmp_path_factory.mktemp("template"), "template")
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        seed(session, SEED_DIR)
        recompute_all(session)
    engine.dispose()  # a PostgreSQL template must have no open connection
    yield url
    drop()  # type: ignore[operator]


@pytest.fixture(scope="session")
def seeded_engine(seeded_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database holding the whole demo data set, shared by the tests that only read it."""
    url, drop = copy_database(seeded_template, tmp_path_factory.mktemp("seeded"), "seeded")
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop()  # type: ignore[operator]


@pytest.fixture
def seeded_client(seeded_engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, seeded_engine), raise_server_exceptions=False) as test_client:
        yield test_client
