"""Backups an operator can trust: `backup` while the site writes, `verify-backup` before they are needed."""

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from marketplace.backup import BackupFailed, _locked_partial, count_rows, make_backup, prune
from marketplace.backup_check import Unusable, verify
from marketplace.config import ROOT
from marketplace.db import make_engine
from marketplace.models import ListingAttachment, Offer
from marketplace.models._base import ident
from tests.builders import make_need, make_offer, make_org, make_user
from tests.conftest import _new_database
from tests.test_cli import run

HOLDING = {"organizations": 2, "users": 1, "offers": 1, "needs": 1, "collaborations": 0, "files": 1}


def holding_a_bit_of_everything(session: Session) -> None:
    """Two organizations, a member, an offer with its test report (bytes kept in the database) and a need."""
    institute = make_org(session, name_vi="Viện Công nghệ Sinh học Huế")
    make_user(session, institute, full_name="Nguyễn Văn Hùng")
    offer = make_offer(session, institute, title="Chế phẩm vi sinh xử lý rơm rạ ở Quảng Điền")
    make_need(session, title="Cần quy trình ủ phân hữu cơ từ rơm cho hợp tác xã Phong Điền")
    report = "Phiếu kết quả thử nghiệm chế phẩm — Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng Huế".encode()
    session.add(
        ListingAttachment(
            listing_kind="offer",
            listing_id=ident(offer),
            title="Phiếu kết quả thử nghiệm",
            filename="phieu-thu-nghiem.txt",
            media_type="text/plain",
            size=len(report),
            sha256=hashlib.sha256(report).hexdigest(),
            content=report,
            approved=True,
        )
    )
    session.commit()


def only_on(session: Session, dialect: str) -> None:
    if session.get_bind().dialect.name != dialect:
        pytest.skip(f"a {dialect} backup; the suite runs on {session.get_bind().dialect.name}")


def sqlite_file(database_url: str) -> str:
    return str(make_url(database_url).database)


def live_counts(session: Session) -> dict[str, int]:
    return count_rows(lambda sql: int(session.execute(text(sql)).scalar_one()))


def fake_tool(directory: Path, name: str, script: str) -> None:
    """An executable `name` in `directory` that runs the shell `script` (a stand-in for pg_dump)."""
    directory.mkdir(exist_ok=True)
    tool = directory / name
    tool.write_text("#!/bin/sh\n" + script)
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)


def test_a_sqlite_backup_taken_during_an_open_write_transaction_holds_what_was_committed(
    db: Session, database_url: str, tmp_path: Path
) -> None:
    only_on(db, "sqlite")
    holding_a_bit_of_everything(db)
    writer = sqlite3.connect(sqlite_file(database_url))
    writer.execute("BEGIN IMMEDIATE")  # the site in the middle of a change
    writer.execute("UPDATE organization SET name_vi = 'Đang sửa dở'")
    writer.execute("DELETE FROM listing_attachment")
    try:
        report = make_backup(database_url, tmp_path / "sao-luu.sqlite3")
    finally:
        writer.rollback()
        writer.close()

    copy = sqlite3.connect(tmp_path / "sao-luu.sqlite3")
    assert [row[0] for row in copy.execute("PRAGMA integrity_check")] == ["ok"]
    names = {row[0] for row in copy.execute("SELECT name_vi FROM organization")}
    assert "Viện Công nghệ Sinh học Huế" in names and "Đang sửa dở" not in names
    assert count_rows(lambda sql: copy.execute(sql).fetchone()[0]) == HOLDING == live_counts(db) == report["counts"]
    copy.close()
    assert report["database"] == "sqlite" and report["bytes"] == (tmp_path / "sao-luu.sqlite3").stat().st_size


def test_a_sqlite_backup_is_one_file_only_its_owner_may_read(db: Session, database_url: str, tmp_path: Path) -> None:
    only_on(db, "sqlite")
    make_backup(database_url, tmp_path / "sao-luu.sqlite3")
    assert [p.name for p in tmp_path.iterdir()] == ["sao-luu.sqlite3"]  # no -wal, -journal or partial file
    assert stat.S_IMODE((tmp_path / "sao-luu.sqlite3").stat().st_mode) == 0o600


def test_backup_refuses_to_overwrite_an_existing_out_file(database_url: str, tmp_path: Path) -> None:
    earlier = tmp_path / "sao-luu-hom-qua.bak"
    earlier.write_bytes(b"ban sao hom qua")
    done = run(database_url, "backup", "--out", str(earlier))
    assert done.returncode == 2
    assert "already exists" in done.stderr and "--force" in done.stderr
    assert earlier.read_bytes() == b"ban sao hom qua"


def test_backup_with_force_replaces_an_existing_out_file(db: Session, database_url: str, tmp_path: Path) -> None:
    holding_a_bit_of_everything(db)
    earlier = tmp_path / "sao-luu.bak"
    earlier.write_bytes(b"ban sao hom qua")
    report = make_backup(database_url, earlier, force=True)
    assert report["counts"] == HOLDING and verify(earlier)["counts"] == HOLDING


def test_backup_into_a_directory_names_the_file_by_time_and_keeps_only_the_newest(
    db: Session, database_url: str, tmp_path: Path
) -> None:
    holding_a_bit_of_everything(db)
    suffix = ".sqlite3" if db.get_bind().dialect.name == "sqlite" else ".dump"
    backups = tmp_path / "sao-luu"
    backups.mkdir()
    (backups / f"exchange-20250101-020000{suffix}").write_bytes(b"cu")
    (backups / "ghi-chu.txt").write_text("Bản sao lưu của Sở Khoa học và Công nghệ")

    done = run(database_url, "backup", "--dir", str(backups), "--keep", "1")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    written = Path(report["file"])
    assert written.parent == backups.resolve() and written.suffix == suffix
    assert written.name.startswith("exchange-2") and len(written.stem) == len("exchange-20261203-182249")
    assert report["counts"] == HOLDING and report["removed"] == [f"exchange-20250101-020000{suffix}"]
    assert sorted(p.name for p in backups.iterdir()) == sorted([written.name, "ghi-chu.txt"])


def test_keep_deletes_only_older_backups_of_the_naming_pattern(tmp_path: Path) -> None:
    names = [
        "exchange-20261201-020000.sqlite3",
        "exchange-20261202-020000.sqlite3",
        "exchange-20261203-020000.sqlite3",
        "exchange-20261130-020000.dump",  # the other database's backups are not counted
        "exchange-moi-nhat.sqlite3",
        "exchange-20261101-020000.sqlite3.bak",
        "bao-cao-thang-11.xlsx",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    removed = prune(tmp_path, ".sqlite3", keep=2)
    assert [p.name for p in removed] == ["exchange-20261201-020000.sqlite3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(set(names) - {"exchange-20261201-020000.sqlite3"})


def test_verify_backup_reads_a_good_backup_and_prints_its_counts(
    db: Session, database_url: str, tmp_path: Path
) -> None:
    holding_a_bit_of_everything(db)
    made = make_backup(database_url, tmp_path / ("sao-luu" + (".sqlite3" if "sqlite" in database_url else ".dump")))
    done = run(database_url, "verify-backup", made["file"])
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["counts"] == HOLDING and report["revision"] == report["head"]
    assert report["database"] == made["database"]


def test_verify_backup_refuses_a_text_file(database_url: str, tmp_path: Path) -> None:
    notes = tmp_path / "ghi-chu.sqlite3"
    notes.write_text("Sao lưu ngày 3/12: nhớ chép sang máy chủ ở Sở.")
    done = run(database_url, "verify-backup", str(notes))
    assert done.returncode == 1
    assert "not a usable backup" in done.stderr and "neither a SQLite database nor a pg_dump archive" in done.stderr


def test_verify_backup_refuses_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "rong.sqlite3").touch()
    with pytest.raises(Unusable, match="is empty"):
        verify(tmp_path / "rong.sqlite3")


def test_verify_backup_refuses_a_truncated_sqlite_copy(db: Session, database_url: str, tmp_path: Path) -> None:
    only_on(db, "sqlite")
    holding_a_bit_of_everything(db)
    make_backup(database_url, tmp_path / "sao-luu.sqlite3")
    content = (tmp_path / "sao-luu.sqlite3").read_bytes()
    (tmp_path / "dang-chep-do.sqlite3").write_bytes(content[: len(content) // 2])  # a copy interrupted half-way
    with pytest.raises(Unusable, match="damaged or incomplete"):
        verify(tmp_path / "dang-chep-do.sqlite3")


def test_verify_backup_refuses_a_sqlite_database_that_is_not_the_exchange(tmp_path: Path) -> None:
    other = sqlite3.connect(tmp_path / "danh-ba.sqlite3")
    other.execute("CREATE TABLE lien_he (ten TEXT)")
    other.execute("INSERT INTO lien_he VALUES ('Lê Thị Mai')")
    other.commit()
    other.close()
    with pytest.raises(Unusable, match="holds no exchange"):
        verify(tmp_path / "danh-ba.sqlite3")


def test_verify_backup_of_an_older_migration_says_migrate_will_upgrade_it(
    db: Session, database_url: str, tmp_path: Path
) -> None:
    only_on(db, "sqlite")
    make_backup(database_url, tmp_path / "sao-luu.sqlite3")
    older = sqlite3.connect(tmp_path / "sao-luu.sqlite3")
    older.execute("UPDATE alembic_version SET version_num = '0020'")
    older.commit()
    older.close()
    with pytest.raises(Unusable, match="older than this code's.*migrate` upgrades it") as refused:
        verify(tmp_path / "sao-luu.sqlite3")
    assert refused.value.report is not None and refused.value.report["revision"] == "0020"


def test_verify_backup_of_an_unknown_migration_names_a_newer_version(
    db: Session, database_url: str, tmp_path: Path
) -> None:
    only_on(db, "sqlite")
    make_backup(database_url, tmp_path / "sao-luu.sqlite3")
    newer = sqlite3.connect(tmp_path / "sao-luu.sqlite3")
    newer.execute("UPDATE alembic_version SET version_num = '9999'")
    newer.commit()
    newer.close()
    with pytest.raises(Unusable, match="unknown to this code"):
        verify(tmp_path / "sao-luu.sqlite3")


def test_a_missing_pg_dump_is_named_and_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "bin-khong-co-pg"))
    with pytest.raises(BackupFailed, match="pg_dump is not installed.*postgresql-client"):
        make_backup("postgresql://exchange@127.0.0.1:5432/exchange", tmp_path / "sao-luu.dump")
    assert [p.name for p in tmp_path.iterdir()] == []


def test_a_pg_dump_restores_into_a_fresh_database_with_the_same_counts(
    db: Session, database_url: str, tmp_path: Path
) -> None:
    only_on(db, "postgresql")
    holding_a_bit_of_everything(db)
    report = make_backup(database_url, tmp_path / "sao-luu.dump")
    assert report["database"] == "postgresql" and report["counts"] == HOLDING
    url, drop = _new_database(tmp_path, "restore")
    try:
        restored = subprocess.run(  # noqa: S603
            [str(shutil.which("pg_restore")), "--clean", "--if-exists", "--no-owner", "--dbname", url, report["file"]],
            capture_output=True,
            text=True,
            check=False,
        )
        assert restored.returncode == 0, restored.stderr
        engine = make_engine(url)
        with Session(engine) as session:
            assert live_counts(session) == HOLDING
            titles = session.execute(text("SELECT title FROM offer")).scalars().all()
            assert titles == ["Chế phẩm vi sinh xử lý rơm rạ ở Quảng Điền"]
        engine.dispose()
    finally:
        drop()  # type: ignore[operator]


def test_pg_dump_gets_the_password_through_the_environment_only(
    db: Session, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_on(db, "postgresql")  # the server trusts this connection, so any password is accepted
    seen = tmp_path / "seen"
    fake_tool(
        tmp_path / "bin",
        "pg_dump",
        f'echo "$@" > {seen}/argv; echo "$PGPASSWORD" > {seen}/password\n'
        'for a in "$@"; do case $a in --file=*) printf PGDMP > "${a#--file=}";; esac; done\n',
    )
    seen.mkdir()
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    secret = "mat-khau-So-KHCN-2026"
    with_password = make_url(database_url).set(password=secret).render_as_string(hide_password=False)
    make_backup(with_password, tmp_path / "sao-luu.dump")
    assert secret not in (seen / "argv").read_text()
    assert (seen / "password").read_text().strip() == secret


def test_a_failing_pg_dump_shows_its_error_and_leaves_no_partial_file(
    db: Session, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_on(db, "postgresql")
    fake_tool(
        tmp_path / "bin",
        "pg_dump",
        'for a in "$@"; do case $a in --file=*) printf PGDMP-mot-nua > "${a#--file=}";; esac; done\n'
        'echo "pg_dump: error: query failed: server closed the connection unexpectedly" >&2; exit 1\n',
    )
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    backups = tmp_path / "sao-luu"
    with pytest.raises(BackupFailed, match=r"pg_dump failed \(exit 1\):\npg_dump: error: query failed: server closed"):
        make_backup(database_url, backups / "exchange.dump")
    assert list(backups.iterdir()) == []


def test_verify_backup_refuses_a_truncated_dump(db: Session, database_url: str, tmp_path: Path) -> None:
    only_on(db, "postgresql")
    holding_a_bit_of_everything(db)
    make_backup(database_url, tmp_path / "sao-luu.dump")
    content = (tmp_path / "sao-luu.dump").read_bytes()
    (tmp_path / "dang-chep-do.dump").write_bytes(content[: len(content) - 200])  # its last rows lost
    with pytest.raises(Unusable, match="pg_restore cannot read"):
        verify(tmp_path / "dang-chep-do.dump")


def test_a_restored_sqlite_backup_is_read_by_the_application(db: Session, database_url: str, tmp_path: Path) -> None:
    only_on(db, "sqlite")
    holding_a_bit_of_everything(db)
    make_backup(database_url, tmp_path / "sao-luu.sqlite3")
    shutil.copyfile(tmp_path / "sao-luu.sqlite3", tmp_path / "exchange.db")  # README: restoring SQLite, step 3
    engine = make_engine(f"sqlite:///{tmp_path / 'exchange.db'}")
    with Session(engine) as session:
        offer = session.exec(select(Offer)).one()
        assert offer.title == "Chế phẩm vi sinh xử lý rơm rạ ở Quảng Điền"
        attachment = session.exec(select(ListingAttachment)).one()
        assert attachment.content.decode().startswith("Phiếu kết quả thử nghiệm chế phẩm")
    engine.dispose()


def test_backup_of_a_database_without_the_exchange_makes_no_file(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "trong.db").close()  # a new, empty database: `migrate` never ran
    with pytest.raises(BackupFailed, match="cannot read the database: no such table"):
        make_backup(f"sqlite:///{tmp_path / 'trong.db'}", tmp_path / "sao-luu" / "sao-luu.sqlite3")
    assert list((tmp_path / "sao-luu").iterdir()) == []


def test_keep_needs_a_directory(database_url: str, tmp_path: Path) -> None:
    done = run(database_url, "backup", "--out", str(tmp_path / "sao-luu.bak"), "--keep", "3")
    assert done.returncode == 2 and "--keep N needs --dir" in done.stderr
    assert list(tmp_path.iterdir()) == []


def left_by_a_killed_backup(directory: Path, name: str) -> Path:
    """The partial file of a backup killed mid-run (SIGKILL: nothing of its own could clean up), last written an
    hour ago."""
    partial = directory / f".{name}.4242.partial"
    killed = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import os, signal, sys; from pathlib import Path; from marketplace.backup import _locked_partial\n"
            "with _locked_partial(Path(sys.argv[1])):\n"
            "    Path(sys.argv[1]).write_bytes(b'SQLite format 3 ... mot nua')\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n",
            str(partial),
        ],
        cwd=ROOT,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    an_hour_ago = time.time() - 3600
    os.utime(partial, (an_hour_ago, an_hour_ago))
    return partial


def test_backup_removes_the_partial_file_a_killed_backup_left_and_says_so(
    db: Session, database_url: str, tmp_path: Path
) -> None:
    suffix = ".sqlite3" if db.get_bind().dialect.name == "sqlite" else ".dump"
    left = left_by_a_killed_backup(tmp_path, f"exchange-20261202-020000{suffix}")
    done = run(database_url, "backup", "--dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["removed_partials"] == [left.name]
    assert not left.exists()


def test_backup_leaves_the_partial_file_of_a_backup_running_at_the_same_time(
    db: Session, database_url: str, tmp_path: Path
) -> None:
    running = tmp_path / ".exchange-20261203-020000.sqlite3.4243.partial"
    with _locked_partial(running):
        an_hour_ago = time.time() - 3600  # a long pg_dump of a large database
        os.utime(running, (an_hour_ago, an_hour_ago))
        report = make_backup(database_url, tmp_path / "exchange-20261203-020001.sqlite3")
        assert report["removed_partials"] == [] and running.exists()


def test_backup_leaves_an_unlocked_partial_file_written_within_the_last_minute(
    db: Session, database_url: str, tmp_path: Path
) -> None:
    starting = tmp_path / ".exchange-20261203-020000.dump.4244.partial"  # created, not yet locked by its backup
    starting.write_bytes(b"")
    report = make_backup(database_url, tmp_path / "sao-luu.bak")
    assert report["removed_partials"] == [] and starting.exists()


def test_backup_removes_only_partial_files_of_its_own_names(db: Session, database_url: str, tmp_path: Path) -> None:
    ours = left_by_a_killed_backup(tmp_path, "sao-luu.bak")
    others = [
        left_by_a_killed_backup(tmp_path, "bao-cao-thang-11.xlsx"),
        left_by_a_killed_backup(tmp_path, "exchange-moi-nhat.sqlite3"),
    ]
    (tmp_path / ".ghi-chu.partial").write_text("Ghi chú của Sở Khoa học và Công nghệ")
    report = make_backup(database_url, tmp_path / "sao-luu.bak")
    assert report["removed_partials"] == [ours.name]
    assert all(path.exists() for path in others) and (tmp_path / ".ghi-chu.partial").exists()


def test_keep_neither_counts_nor_deletes_partial_files(tmp_path: Path) -> None:
    names = [
        "exchange-20261202-020000.sqlite3",
        "exchange-20261203-020000.sqlite3",
        ".exchange-20261204-020000.sqlite3.4245.partial",  # newer, but unfinished: not one of the kept
        ".exchange-20261201-020000.sqlite3.4246.partial",  # older, but --keep is not the one to judge it
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    removed = prune(tmp_path, ".sqlite3", keep=1)
    assert [p.name for p in removed] == ["exchange-20261202-020000.sqlite3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[1:])
