"""Alembic migrations: they build the schema the models describe, and can go down and up again."""

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from marketplace import migrate
from marketplace.db import make_engine
from marketplace.migrate import include_name
from tests.conftest import _new_database


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
