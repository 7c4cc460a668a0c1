"""Database engine and sessions: one engine per process, one session per request or command; paging of rows."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import CursorResult, Engine, make_url
from sqlalchemy.sql import ClauseElement
from sqlmodel import Session, create_engine

from marketplace.config import get_settings

SQLITE_MMAP_BYTES = 1 << 30  # address space, not memory: pages are shared with the OS cache
SQLITE_CACHE_KIB = 32 * 1024  # per connection


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a busy timeout."""
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        if sa_url.database and sa_url.database != ":memory:":
            Path(sa_url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if sa_url.get_backend_name() == "postgresql" and sa_url.drivername == "postgresql":
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    return create_engine(sa_url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Read pages straight from the memory-mapped file, and keep more of them: the search index is
    # read page by page (copying each one through read() made searches at 100k listings 2-7x slower).
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()
    from marketplace.search import sqlite_fts  # here: the search package itself uses this module

    sqlite_fts.register(dbapi_connection)  # the search index's triggers call it


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for DATABASE_URL."""
    return make_engine(get_settings().DATABASE_URL)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session for a command-line use case; the use case commits."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        yield session


def is_postgres(session: Session) -> bool:
    """True when the session talks to PostgreSQL."""
    return session.get_bind().dialect.name == "postgresql"


@dataclass(frozen=True)
class SqlitePrepared:
    """A Core statement compiled once to SQLite's text, parameters given by name when executed.

    For the few statements run on every keystroke of a search: building the expression and its
    cache key on each call costs SQLAlchemy 0.1-0.5 ms a statement, a tenth of a 5-10 ms search."""

    sql: str
    defaults: dict[str, Any]

    @classmethod
    def of(cls, statement: ClauseElement) -> "SqlitePrepared":
        compiled = statement.compile(dialect=sqlite.dialect(paramstyle="named"))
        return cls(str(compiled), dict(compiled.params))

    def execute(self, session: Session, **params: Any) -> CursorResult[Any]:
        return session.connection().exec_driver_sql(self.sql, {**self.defaults, **params})


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` rows fill, `per_page` a page; at least one, so an empty list still has its page."""
    return max(1, -(-total // per_page))


@dataclass(frozen=True)
class Paging:
    """Where one page of a list lies: its number (from 1), how many pages the list has, and the rows before it."""

    number: int
    pages: int
    offset: int


def paginate(total: int, asked: int, per_page: int) -> Paging:
    """Page `asked` of `total` rows, moved into range: before the first it is the first, past the end the last."""
    pages = page_count(total, per_page)
    number = min(max(asked, 1), pages)
    return Paging(number, pages, (number - 1) * per_page)
