"""Backups an operator can trust: `backup` copies the database while the site serves (SQLite's online backup
API, or pg_dump) into one file, uploaded files included since they live in the database; `verify-backup`
(reading in `backup_check`) says whether a file can restore the exchange."""

import argparse
import fcntl
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from marketplace.cli import command
from marketplace.config import ROOT, get_settings
from marketplace.models import (
    Collaboration,
    CollaborationDocument,
    ListingAttachment,
    Need,
    Offer,
    Organization,
    OrganizationLogo,
    User,
)


def _tables(*models: type[SQLModel]) -> tuple[str, ...]:
    return tuple(str(model.__tablename__) for model in models)


COUNTED = {  # what the reports count, and the tables that hold it
    "organizations": _tables(Organization),
    "users": _tables(User),
    "offers": _tables(Offer),
    "needs": _tables(Need),
    "collaborations": _tables(Collaboration),
    "files": _tables(ListingAttachment, CollaborationDocument, OrganizationLogo),
}
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
NAMED = re.compile(r"^exchange-\d{8}-\d{6}\.(sqlite3|dump)$")  # the names --dir gives; --keep removes only these
PARTIAL = re.compile(r"^\.(?P<name>.+)\.\d+\.partial$")  # .<backup's name>.<pid>.partial, while it is written
QUIET_SECONDS = 60  # a partial file younger than this may be one whose writer has not locked it yet
DEFAULT_DIR = ROOT / "var" / "backups"


class BackupFailed(Exception):
    """No backup was made (or a tool is missing); the message tells the operator why."""


def count_rows(scalar: Callable[[str], int]) -> dict[str, int]:
    """The counts of a report, `scalar` running one `SELECT count(*)` on the database at hand."""
    return {key: sum(scalar(f'SELECT count(*) FROM "{table}"') for table in tables) for key, tables in COUNTED.items()}  # noqa: S608  (our table names)


def dialect_of(url: str) -> str:
    """The database's kind, "sqlite" or "postgresql": the two this command backs up."""
    name = make_url(url).get_backend_name()
    if name not in SUFFIXES:
        raise BackupFailed(f"cannot back up a {name} database: only SQLite and PostgreSQL are supported")
    return name


def dated_name(dialect: str, now: datetime) -> str:
    """exchange-YYYYmmdd-HHMMSS.sqlite3 or .dump, in UTC."""
    return f"exchange-{now.astimezone(UTC):%Y%m%d-%H%M%S}{SUFFIXES[dialect]}"


def make_backup(url: str, target: Path, *, force: bool = False) -> dict[str, Any]:
    """Copy the database at `url` into `target` (written whole under a temporary name, then renamed); the report,
    which names the partial files of killed backups it removed first."""
    dialect = dialect_of(url)
    if target.exists() and not force:
        raise BackupFailed(f"{target} already exists: choose another name, or pass --force to replace it")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    removed = remove_stale_partials(target.parent, target.name)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    with _locked_partial(partial):
        try:
            counts = _copy_sqlite(url, partial) if dialect == "sqlite" else _dump_postgres(url, partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return {
        "file": str(target.resolve()),
        "bytes": target.stat().st_size,
        "database": dialect,
        "counts": counts,
        "removed_partials": [p.name for p in removed],
    }


@contextmanager
def _locked_partial(partial: Path) -> Iterator[None]:
    """Create `partial` and hold a lock on it while the backup runs: the kernel drops the lock when this process
    ends, however it ends, so a partial file nobody locks belongs to no running backup."""
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # personal data: the owner reads it
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(descriptor)


def remove_stale_partials(directory: Path, name: str) -> list[Path]:
    """Delete the partial files in `directory` that killed backups left (of a dated backup, or of `name`): those
    no running backup holds locked and quiet for QUIET_SECONDS; what was deleted."""
    removed = []
    for path in sorted(directory.iterdir()):
        found = PARTIAL.match(path.name)
        if not found or not (NAMED.match(found["name"]) or found["name"] == name) or not path.is_file():
            continue
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except FileNotFoundError:  # another backup removed it, or its writer finished
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            opened = os.fstat(descriptor)
            if time.time() - opened.st_mtime >= QUIET_SECONDS and os.path.samestat(opened, path.stat()):
                path.unlink()
                removed.append(path)
        except (BlockingIOError, FileNotFoundError):  # a backup running now writes it, or it is gone already
            pass
        finally:
            os.close(descriptor)
    return removed


def _copy_sqlite(url: str, partial: Path) -> dict[str, int]:
    """A consistent copy through the online backup API: one step, so one snapshot, even while the site writes."""
    database = make_url(url).database
    if not database or database == ":memory:" or not Path(database).is_file():
        raise BackupFailed(f"no SQLite database file at {database!r} (DATABASE_URL)")
    source = sqlite3.connect(database, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        problems = integrity_problems(copy)
        if problems:
            raise BackupFailed("the copy failed its integrity check: " + "; ".join(problems))
        counts = count_rows(lambda sql: copy.execute(sql).fetchone()[0])
    except sqlite3.Error as exc:  # a damaged source, or no exchange there (a missing table)
        raise BackupFailed(f"cannot read the database: {exc}") from None
    finally:
        copy.close()
        source.close()
    with open(partial, "rb") as written:
        os.fsync(written.fileno())
    return counts


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    """What `PRAGMA integrity_check` finds (at most 20 lines); empty when the database is sound."""
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check(20)")]
    return [] if rows == ["ok"] else rows


def _dump_postgres(url: str, partial: Path) -> dict[str, int]:
    """pg_dump's custom format of the snapshot the counts were read in, so both describe the same moment."""
    from marketplace.db import make_engine

    pg_dump = tool("pg_dump")
    address = make_url(url)
    engine = make_engine(url).execution_options(isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = count_rows(lambda sql: int(connection.execute(text(sql)).scalar_one()))
            done = subprocess.run(  # noqa: S603  (our arguments; the password goes through the environment)
                [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={partial}"]
                + ["--dbname", _libpq_uri(address)],
                env=_libpq_environment(address),
                capture_output=True,
                text=True,
                check=False,
            )
    except DBAPIError as exc:  # unreachable, refused, or no exchange there (a missing table)
        raise BackupFailed(f"cannot read the database: {exc.orig}") from None
    finally:
        engine.dispose()
    if done.returncode != 0:
        raise BackupFailed(f"pg_dump failed (exit {done.returncode}):\n{done.stderr.strip()}")
    return counts


def tool(name: str) -> str:
    """The path of a PostgreSQL client program, or why it cannot be run."""
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(
            f"{name} is not installed: install the PostgreSQL client tools of the server's version"
            " (Debian, Ubuntu: apt-get install postgresql-client)"
        )
    return found


def _libpq_uri(address: URL) -> str:
    """The database's address for libpq, without its password."""
    without_password = URL.create(  # URL.set(password=None) would keep it
        "postgresql", address.username, None, address.host, address.port, address.database, address.query
    )
    return without_password.render_as_string(hide_password=False)


def _libpq_environment(address: URL) -> dict[str, str]:
    environment = dict(os.environ)
    if address.password is not None:
        environment["PGPASSWORD"] = str(address.password)
    return environment


def prune(directory: Path, suffix: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` dated backups ending in `suffix` in `directory` (finished ones: partial
    files are neither counted nor deleted here); what was deleted."""
    dated = sorted(p for p in directory.iterdir() if NAMED.match(p.name) and p.name.endswith(suffix) and p.is_file())
    doomed = dated[:-keep] if keep else dated
    for path in doomed:
        path.unlink()
    return doomed


def _backup_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, metavar="FILE", help="the backup file to write")
    where.add_argument(
        "--dir",
        type=Path,
        metavar="DIR",
        help=f"write exchange-YYYYmmdd-HHMMSS.sqlite3|.dump (UTC) here (default {DEFAULT_DIR})",
    )
    parser.add_argument(
        "--keep", type=int, metavar="N", help="with --dir: then delete all but the newest N such backups"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing file")


@command(
    "backup",
    "copy the database (uploaded files included) into one file while the site serves: SQLite's online backup or"
    " pg_dump; prints JSON counts",
    _backup_arguments,
)
def backup_command(args: argparse.Namespace) -> int:
    if args.keep is not None and (args.out is not None or args.keep < 1):
        print("--keep N needs --dir (or the default directory) and N of at least 1", file=sys.stderr)
        return 2
    url = get_settings().DATABASE_URL
    try:
        dialect = dialect_of(url)
        directory = args.dir or DEFAULT_DIR
        target = args.out or directory / dated_name(dialect, datetime.now(UTC))
        report = make_backup(url, target, force=args.force)
        if args.keep is not None:
            report["removed"] = [p.name for p in prune(directory, SUFFIXES[dialect], args.keep)]
    except BackupFailed as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False))
    return 0


def _verify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="a .sqlite3 or .dump file made by `backup`")


@command(
    "verify-backup",
    "check that a backup file can restore the exchange: read it whole, compare its migration with the code's,"
    " print its counts; exit 1 if it cannot",
    _verify_arguments,
)
def verify_backup_command(args: argparse.Namespace) -> int:
    from marketplace.backup_check import Unusable, verify

    try:
        report = verify(args.file)
    except Unusable as exc:
        if exc.report:
            print(json.dumps(exc.report, ensure_ascii=False))
        print(f"not a usable backup: {exc}", file=sys.stderr)
        return 1
    except BackupFailed as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False))
    return 0
