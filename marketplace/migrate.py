"""Schema migrations through Alembic, callable from the command line, the app start and tests."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave alone what the models do not own (search tables, FTS shadow tables)."""
    from sqlmodel import SQLModel

    if type_ == "table":
        return name in SQLModel.metadata.tables
    return True


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs on `engine`'s database."""
    config = _config()
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    with engine.connect() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Revert migrations down to `revision`."""
    with engine.connect() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    """The revision the code's migrations end at (there is one head)."""
    head = _scripts().get_current_head()
    assert head is not None, "the migrations have no head"
    return head


def is_known(revision: str) -> bool:
    """True when `revision` is one of the code's migrations (an older database can be upgraded from it)."""
    if not revision:
        return False
    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:  # no such revision
        return False
