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
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()


run_migrations()
