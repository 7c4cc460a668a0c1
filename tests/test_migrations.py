"""Alembic migrations: they build the schema the models describe, and can go down and up again."""

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from marketplace import migrate
from marketplace.db import make_engine
from marketplace.migrate import include_name
from marketplace.seed import seed
from tests.conftest import SEED_DIR, _new_database
from tests.search.test_indexing import same_as_phrases


@pytest.fixture
def empty_engine(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    url, drop = _new_database(tmp_path, "migrations")
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop()  # type: ignore[operator]


def test_upgrade_downgrade_upgrade(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    assert {"offer", "need", "collaboration", "user"} <= set(inspect(empty_engine).get_table_names())
    migrate.downgrade(empty_engine, "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(empty_engine)
    assert {"offer", "need", "collaboration", "user"} <= set(inspect(empty_engine).get_table_names())


def test_migrations_match_the_models(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name, "compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_a_database_holding_the_demo_data_upgrades_to_the_newest_schema(empty_engine: Engine) -> None:
    """Batch migrations on SQLite copy and drop tables that other tables' rows point at."""
    migrate.upgrade(empty_engine, "0004")
    with Session(empty_engine) as session:
        seed(session, SEED_DIR)
        before = {table: _count(session, table) for table in ("offer", "need", "matchproposal", "inquiry")}
    migrate.upgrade(empty_engine)
    with Session(empty_engine) as session:
        assert {table: _count(session, table) for table in before} == before
        assert before["offer"] > 0 and before["inquiry"] > 0
        if empty_engine.dialect.name == "sqlite":
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
            assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            # 0006 made the pairs index from the documents already there
            assert _count(session, "search_document") > 0
            assert same_as_phrases(session) == []


def _count(session: Session, table: str) -> int:
    return int(session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())  # noqa: S608  (test's own names)
