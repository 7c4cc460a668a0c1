"""`verify-backup`: whether a file made by `backup` can restore the exchange, read back whole, with its counts."""

import re
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from marketplace import migrate
from marketplace.backup import COUNTED, count_rows, integrity_problems, tool

SQLITE_MAGIC = b"SQLite format 3\x00"
DUMP_MAGIC = b"PGDMP"
COPY_START = re.compile(rb'^COPY (?:\w+\.)?"?(\w+)"? ')  # a table's rows follow, as pg_restore writes them


class Unusable(Exception):
    """A file that cannot restore the exchange as it is; `report` holds what could be read of it."""

    def __init__(self, message: str, report: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.report = report


def verify(path: Path) -> dict[str, Any]:
    """What a backup holds, read back whole; raises `Unusable` when it cannot restore the exchange."""
    if not path.is_file():
        raise Unusable(f"{path} is not a file")
    if path.stat().st_size == 0:
        raise Unusable(f"{path} is empty")
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        report = _verify_sqlite(path)
    elif head.startswith(DUMP_MAGIC):
        report = _verify_dump(path)
    else:
        raise Unusable(f"{path} is neither a SQLite database nor a pg_dump archive (custom format)")
    _check_revision(report)
    return report


def _verify_sqlite(path: Path) -> dict[str, Any]:
    report = _described(path, "sqlite")
    try:
        connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            problems = integrity_problems(connection)
            if problems:
                raise Unusable("it fails SQLite's integrity check (damaged or incomplete): " + "; ".join(problems))
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                raise Unusable("it is a SQLite database, but holds no exchange (no alembic_version table)")
            found = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            report["revision"] = found[0] if found else None
            report["head"] = migrate.head_revision()
            report["counts"] = count_rows(lambda sql: connection.execute(sql).fetchone()[0])
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise Unusable(f"SQLite cannot read it (damaged or incomplete): {exc}") from None
    return report


def _verify_dump(path: Path) -> dict[str, Any]:
    """`pg_restore --list` for the tables, then every row read back through pg_restore for counts and revision."""
    pg_restore = tool("pg_restore")
    listing = subprocess.run(  # noqa: S603
        [pg_restore, "--list", str(path)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise Unusable(f"pg_restore cannot read it: {listing.stderr.strip()}")
    tables = sorted(set(re.findall(r"^\d+; \d+ \d+ TABLE (?!DATA )\S+ (\S+) ", listing.stdout, re.MULTILINE)))
    missing = ({"alembic_version"} | {table for names in COUNTED.values() for table in names}) - set(tables)
    report = _described(path, "postgresql")
    if missing:
        raise Unusable("it is a pg_dump archive, but not of the exchange: no table " + ", ".join(sorted(missing)))
    rows, revision = _read_rows(pg_restore, path)
    report |= {"revision": revision, "head": migrate.head_revision(), "tables": tables}
    report["counts"] = {key: sum(rows.get(table, 0) for table in names) for key, names in COUNTED.items()}
    return report


def _read_rows(pg_restore: str, path: Path) -> tuple[dict[str, int], str | None]:
    """Rows per table and the Alembic revision, from the archive's data as pg_restore writes it (COPY blocks):
    reading every block is what finds a truncated or damaged archive."""
    rows: dict[str, int] = {}
    revision: str | None = None
    table: str | None = None
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(  # noqa: S603
            [pg_restore, "--data-only", "--file=-", str(path)], stdout=subprocess.PIPE, stderr=errors
        ) as restore:
            assert restore.stdout is not None
            for line in restore.stdout:
                if table is None:
                    started = COPY_START.match(line)
                    if started:
                        table = started.group(1).decode()
                        rows[table] = 0
                elif line == b"\\.\n":
                    table = None
                else:
                    rows[table] += 1
                    if table == "alembic_version":
                        revision = line.rstrip(b"\n").decode()
        errors.seek(0)
        if restore.returncode != 0:
            message = errors.read().decode(errors="replace").strip()
            raise Unusable(f"pg_restore cannot read all of it (damaged or incomplete): {message}")
    return rows, revision


def _described(path: Path, database: str) -> dict[str, Any]:
    return {"file": str(path.resolve()), "bytes": path.stat().st_size, "database": database}


def _check_revision(report: dict[str, Any]) -> None:
    revision, head = report["revision"], report["head"]
    if revision == head:
        return
    if revision is not None and migrate.is_known(revision):
        raise Unusable(
            f"it was made at migration {revision}, older than this code's {head}: it can be restored, then"
            " `python -m marketplace migrate` upgrades it",
            report,
        )
    raise Unusable(
        f"its migration {revision!r} is unknown to this code (made by a newer version?): restore it with that version",
        report,
    )
