"""Alembic environment: migrates the database of DATABASE_URL (or the connection handed in)."""

from alembic import context
from sqlmodel import SQLModel

import marketplace.models  # noqa: F401  (registers every table on the metadata)
from marketplace.config import get_settings
from marketplace.db import make_engine
from marketplace.migrate import include_name

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().DATABASE_URL
    with make_engine(url).connect() as conn:
        _run(conn)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds a table (copy, drop, rename) that other tables' rows point at:
        # SQLite must not check foreign keys meanwhile; they are checked once at the end instead.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        # Python's sqlite3 runs DDL outside any transaction, so a failed migration would stay half done:
        # all steps go in one explicit transaction instead (SQLite's DDL is transactional).
        driver = connection.connection.dbapi_connection
        legacy, driver.isolation_level = driver.isolation_level, None
        connection.exec_driver_sql("BEGIN")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        render_as_batch=sqlite,
        compare_type=True,
    )
    try:
        with context.begin_transaction():
            context.run_migrations()
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                raise RuntimeError(f"the migration left rows pointing at nothing: {broken[:5]}")
        if connection.in_transaction():
            connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        if sqlite:
            driver.isolation_level = legacy
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            if connection.in_transaction():
                connection.commit()


run_migrations()
