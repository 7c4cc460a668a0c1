"""Column helpers shared by the table models."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, String, Text
from sqlmodel import Field, SQLModel

# Named constraints let Alembic alter and drop them on every database, SQLite included.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """`moment` as aware UTC (SQLite hands back naive UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def now_field() -> Any:
    """A non-null UTC timestamp column defaulting to now."""
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)


def moment_field(index: bool = False) -> Any:
    """A nullable UTC timestamp column."""
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=True, index=index)


def json_list() -> Any:
    """A JSON list column (keywords, collaboration types, explanation terms)."""
    return Field(default_factory=list, sa_type=JSON, nullable=False)


def long_text(default: str = "") -> Any:
    """A long text column."""
    return Field(default=default, sa_type=Text, nullable=False)


def short_code(length: int = 30, default: str | None = None, index: bool = False) -> Any:
    """A short string column holding an enumeration value or code."""
    if default is None:
        return Field(default=None, sa_type=String(length), nullable=True, index=index)
    return Field(default=default, sa_type=String(length), nullable=False, index=index)


def vnd() -> Any:
    """A nullable amount of Vietnamese đồng (64-bit integer)."""
    return Field(default=None, sa_type=BigInteger, nullable=True)


def ident(record: Any) -> int:
    """The primary key of a stored (flushed) record, typed as never None."""
    if record.id is None:
        raise ValueError(f"{type(record).__name__} has no id yet: flush it first")
    return int(record.id)
