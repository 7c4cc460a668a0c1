"""The operator command line, run as an operator would, on a fresh database."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from marketplace import inquiries, notifications, saved_searches
from marketplace.config import ROOT
from marketplace.db import make_engine
from marketplace.models import Notification, OutboxMail, RecalculationRun, SavedSearch, Sector
from marketplace.models._base import utcnow
from marketplace.search import read_query
from marketplace.seed import read_json
from tests.builders import make_offer, make_user
from tests.conftest import SEED_DIR, _new_database

SECTORS = read_json(SEED_DIR / "sectors.json")


@pytest.fixture(scope="module")
def cli_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, drop = _new_database(tmp_path_factory.mktemp("cli"), "cli")
    assert run(url, "migrate").returncode == 0  # once for the module: each test starts migrated
    yield url
    drop()  # type: ignore[operator]


def run(database_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DATABASE_URL": database_url, "ENVIRONMENT": "test"}
    return subprocess.run(
        [sys.executable, "-m", "marketplace", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_migrate_seed_and_stats(cli_database: str) -> None:
    assert run(cli_database, "migrate").returncode == 0
    first = run(cli_database, "seed")
    assert first.returncode == 0, first.stderr
    added = json.loads(first.stdout.strip().splitlines()[-1])["added"]
    assert added["organizations"] >= 40 and added["offers"] >= 150 and added["needs"] >= 100

    again = json.loads(run(cli_database, "seed").stdout.strip().splitlines()[-1])["added"]
    assert set(again.values()) == {0}  # seeding twice adds nothing the second time
    engine = make_engine(cli_database)
    with Session(engine) as session:  # the proposals the first seeding made, recorded as /glossary shows them
        runs = session.exec(select(RecalculationRun)).all()
        assert [(r.started_by_id, r.finished_at is not None, r.error) for r in runs] == [(None, True, None)]
        assert runs[0].added > 0 and runs[0].listings_done == runs[0].listings_total
    engine.dispose()

    stats = json.loads(run(cli_database, "stats").stdout)
    assert stats["organizations"] >= 40
    assert sum(stats["users"].values()) >= 20 and set(stats["users"]) == {"researcher", "enterprise", "staff", "admin"}
    assert sum(stats["offers"].values()) >= 150 and sum(stats["needs"].values()) >= 100
    assert stats["offers"]["published"] > stats["offers"].get("submitted", 0) > 0
    assert sum(stats["collaborations"].values()) >= 30
    assert all(count > 0 for count in stats["collaborations"].values())  # every stage is represented


def test_migrate_alone_makes_an_installation_where_listings_can_be_posted(tmp_path: Path) -> None:
    """What the container does on a new server: `migrate`, no demo data. Listings name a sector, so the
    taxonomy comes with the schema (it did not: posting the first offer failed on the sector's foreign key)."""
    url, drop = _new_database(tmp_path, "bare")
    try:
        first = run(url, "migrate")
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip().endswith(f"sectors added: {len(SECTORS)}")
        assert run(url, "migrate").stdout.strip().endswith("sectors added: 0")  # again: nothing twice
        engine = make_engine(url)
        with Session(engine) as session:
            assert set(session.exec(select(Sector.code)).all()) == {row["code"] for row in SECTORS}
            offer = make_offer(session, sector_code=SECTORS[-1]["code"], status="submitted", published_at=None)
            assert offer.id is not None
        engine.dispose()
    finally:
        drop()  # type: ignore[operator]


def test_seed_if_empty_leaves_a_filled_database_alone(cli_database: str) -> None:
    run(cli_database, "seed")
    result = run(cli_database, "seed", "--if-empty")
    assert result.returncode == 0 and "not loaded" in result.stdout


def test_create_user_makes_a_staff_account(cli_database: str) -> None:
    result = run(
        cli_database,
        "create-user",
        "--role",
        "staff",
        "--email",
        "can.bo.moi@sokhcn.hue.gov.vn",
        "--name",
        "Võ Thị Thanh Tâm",
        "--password",
        "mật-khẩu-cán-bộ",
    )
    assert result.returncode == 0, result.stderr
    assert "created staff can.bo.moi@sokhcn.hue.gov.vn" in result.stdout


def test_create_user_asks_for_the_password_when_not_given(cli_database: str) -> None:
    result = run(
        cli_database,
        "create-user",
        "--role",
        "admin",
        "--email",
        "quan.tri@sokhcn.hue.gov.vn",
        "--name",
        "Nguyễn Quản Trị",
        stdin="mật-khẩu-quản-trị\n",
    )
    assert result.returncode == 0, result.stderr


def test_create_user_reports_bad_input_without_a_traceback(cli_database: str) -> None:
    result = run(
        cli_database,
        "create-user",
        "--role",
        "staff",
        "--email",
        "không-phải-email",
        "--name",
        "A",
        "--password",
        "ngắn",
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "email:" in result.stderr and "password:" in result.stderr


def test_export_writes_english_headers_with_lang_en_and_vietnamese_ones_by_default(cli_database: str) -> None:
    args = ("export", "--what", "collaborations", "--format", "csv", "--out", "-")
    english = run(cli_database, *args, "--lang", "en")
    assert english.returncode == 0, english.stderr
    assert english.stdout.lstrip("\ufeff").startswith("Number,Title,Provider,Seeker,")
    assert run(cli_database, *args).stdout.lstrip("\ufeff").startswith("Số,Tiêu đề,Bên cung cấp,Bên tiếp nhận,")


def test_match_records_its_run_like_the_glossary_page(cli_database: str) -> None:
    engine = make_engine(cli_database)
    with Session(engine) as session:
        make_offer(session)
    result = run(cli_database, "match")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    with Session(engine) as session:
        recorded = session.exec(select(RecalculationRun).order_by(RecalculationRun.id.desc())).first()  # type: ignore[union-attr]
        assert recorded is not None and recorded.started_by_id is None  # started by no one: the command line
        assert (recorded.running, recorded.error, recorded.finished_at is not None) == (None, None, True)
        assert recorded.listings_done == recorded.listings_total == report["listings"] >= 1
        assert (recorded.added, recorded.updated, recorded.removed) == (
            report["added"],
            report["updated"],
            report["removed"],
        )
    engine.dispose()


def test_match_waits_its_turn_while_a_recalculation_runs(cli_database: str) -> None:
    engine = make_engine(cli_database)
    with Session(engine) as session:
        going = RecalculationRun(listings_total=340, listings_done=120)
        session.add(going)
        session.commit()
        try:
            refused = run(cli_database, "match")
            assert refused.returncode == 1
            assert "đang được tính lại" in refused.stderr and "Traceback" not in refused.stderr
        finally:
            session.delete(going)
            session.commit()
    engine.dispose()


def test_send_alerts_tells_members_of_new_listings_for_the_searches_they_follow(cli_database: str) -> None:
    engine = make_engine(cli_database)
    week_ago, yesterday = utcnow() - timedelta(days=7), utcnow() - timedelta(days=1)
    with Session(engine) as session:
        member = make_user(session, role="enterprise")
        query, _ = read_query({"q": ["mắm ruốc Huế"]})
        session.add(SavedSearch(user_id=member.id, params=saved_searches.params_of(query), created_at=week_ago,
                                checked_at=week_ago, seen_until=week_ago))  # fmt: skip
        make_offer(session, title="Lên men mắm ruốc Huế ít muối", published_at=yesterday, confirmed_at=yesterday)
        session.commit()
        member_id = member.id
    result = run(cli_database, "send-alerts")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["alerted"] >= 1 and report["listings"] >= 1
    with Session(engine) as session:
        notice = session.exec(select(Notification).where(Notification.user_id == member_id)).one()
        assert notice.params == {"search": "“mắm ruốc Huế”", "count": "1"}
    again = json.loads(run(cli_database, "send-alerts").stdout.strip().splitlines()[-1])
    assert again == {"checked": 0, "alerted": 0, "listings": 0}  # looked at: not due again until tomorrow
    engine.dispose()


def test_send_digests_mails_a_member_on_daily_one_mail_and_nothing_the_second_time(cli_database: str) -> None:
    engine = make_engine(cli_database)
    with Session(engine) as session:
        director = make_user(session, full_name="PGS.TS. Hoàng Văn Huế", mail_notices="daily")
        for title in ("Tinh dầu tràm gió Phú Lộc", "Chè vằng Quảng Điền"):
            notifications.tell(session, director, notice=inquiries.NEW_NOTICE, link="/inquiries/1",
                               mail_subject=inquiries.NEW_SUBJECT, mail_body=inquiries.NEW_BODY,
                               mail_params={"message": "Xin báo giá."}, title=title, org="HTX Phong Điền")  # fmt: skip
        session.commit()
        address = director.email
    result = run(cli_database, "send-digests")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"users": 1, "notices": 2}
    with Session(engine) as session:
        (digest,) = session.exec(select(OutboxMail).where(OutboxMail.to == address)).all()
        assert digest.subject == "2 thông báo mới trên Sàn"
    again = run(cli_database, "send-digests")
    assert json.loads(again.stdout.strip().splitlines()[-1]) == {"users": 0, "notices": 0}
    engine.dispose()


def test_send_meeting_reminders_reminds_a_meeting_due_tomorrow_once_and_prints_its_counts(cli_database: str) -> None:
    from marketplace.collaborations import open_collaboration
    from marketplace.models import CollaborationMeeting
    from tests.builders import make_org

    engine = make_engine(cli_database)
    with Session(engine) as session:
        institute = make_org(session, name_vi="Viện Công nghệ Sinh học Huế")
        coop = make_org(session, kind="cooperative", name_vi="HTX Dầu tràm Lộc Thủy")
        researcher = make_user(session, institute, full_name="TS. Nguyễn Thị Diệu Linh")
        collab = open_collaboration(session, provider_org_id=institute.id, seeker_org_id=coop.id, stage="negotiating",
                                    title="Chuẩn hóa tinh dầu tràm theo lô", actor_id=None)  # fmt: skip
        session.add(CollaborationMeeting(collaboration_id=collab.id, starts_at=utcnow() + timedelta(hours=30),
                                         place="Phòng họp Viện Công nghệ Sinh học Huế"))  # fmt: skip
        session.commit()
        address = researcher.email
    result = run(cli_database, "send-meeting-reminders")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"meetings": 1, "people": 1}
    with Session(engine) as session:
        (mail,) = session.exec(select(OutboxMail).where(OutboxMail.to == address)).all()
        assert mail.subject.startswith("Nhắc lịch: cuộc họp lúc ")
    again = run(cli_database, "send-meeting-reminders")
    assert json.loads(again.stdout.strip().splitlines()[-1]) == {"meetings": 0, "people": 0}
    engine.dispose()
