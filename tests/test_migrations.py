"""Alembic migrations: they build the schema the models describe, and can go down and up again."""

import random
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from marketplace import encryption, migrate
from marketplace.db import make_engine
from marketplace.migrate import include_name
from marketplace.search import SearchQuery, documents, find
from marketplace.seed import load_sectors, seed
from tests.builders import make_offer, make_user
from tests.conftest import SEED_DIR, _new_database
from tests.search.test_indexing import same_as_phrases, same_as_written


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


def previous_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """Search documents as the code before 0006 wrote them: the labels at the end of the body."""
    build = documents.build

    def before_0006(session: Session, kind: str, ids: list[int]) -> dict[int, dict]:  # type: ignore[type-arg]
        built = build(session, kind, ids)  # type: ignore[arg-type]
        for doc in built.values():
            labels = doc.pop("labels")
            del doc["language"]  # nor did they hold the listing's language
            del doc["translated_title"], doc["translated_summary"]  # nor its translation (0023)
            doc["body"] = f"{doc['body']}\n\x07\n{labels}" if labels else doc["body"]
        return built

    monkeypatch.setattr(documents, "build", before_0006)


def test_a_database_holding_the_demo_data_upgrades_to_the_newest_schema(
    empty_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batch migrations on SQLite copy and drop tables that other tables' rows point at."""
    migrate.upgrade(empty_engine, "0004")
    # Today's account rows carry columns that 0013 and 0021 add, notices one of 0021 and listings two of 0023: the
    # old tables hold them while today's code seeds them.
    with empty_engine.begin() as conn:
        conn.execute(text('ALTER TABLE "user" ADD COLUMN email_confirmed_at TIMESTAMP'))
        conn.execute(text('ALTER TABLE "user" ADD COLUMN mail_notices VARCHAR(10)'))
        conn.execute(text("ALTER TABLE notification ADD COLUMN digest_pending BOOLEAN"))
        for table in ("offer", "need"):
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN translated_title VARCHAR(200)"))
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN translated_summary VARCHAR(600)"))
    with monkeypatch.context() as patched, Session(empty_engine) as session:
        previous_documents(patched)
        # nor did that code write membership records (their table comes with 0007)
        patched.setattr("marketplace.seed._add_membership", lambda *args: None)
        patched.setattr("marketplace.seed._add_saved_searches", lambda *args: None)  # nor saved searches (0012)
        patched.setattr("marketplace.seed._add_saved_listings", lambda *args: 0)  # nor saved listings (0016)
        patched.setattr("marketplace.seed._load_views", lambda *args: 0)  # nor views (0014)
        patched.setattr("marketplace.seed._load_attachments", lambda *args: 0)  # nor files (0015)
        patched.setattr(documents, "shown_file_titles", lambda *args: {})  # nor searched their titles (0015)
        patched.setattr("marketplace.seed._load_collaboration_documents", lambda *args: 0)  # nor deal documents (0018)
        patched.setattr("marketplace.seed._load_inquiry_messages", lambda *args: 0)  # nor inquiry threads (0020)
        patched.setattr("marketplace.seed._load_collaboration_meetings", lambda *args: 0)  # nor meetings (0022)
        patched.setattr("marketplace.seed._load_collaboration_stories", lambda *args: 0)  # nor stories (0025)
        patched.setattr("marketplace.seed.load_events", lambda *args: 0)  # nor events (0024)
        seed(session, SEED_DIR)
        before = {table: _count(session, table) for table in ("offer", "need", "matchproposal", "inquiry")}
    with empty_engine.begin() as conn:
        conn.execute(text('ALTER TABLE "user" DROP COLUMN email_confirmed_at'))
        conn.execute(text('ALTER TABLE "user" DROP COLUMN mail_notices'))
        conn.execute(text("ALTER TABLE notification DROP COLUMN digest_pending"))
        for table in ("offer", "need"):
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN translated_title"))
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN translated_summary"))
    migrate.upgrade(empty_engine)
    with Session(empty_engine) as session:
        assert {table: _count(session, table) for table in before} == before
        assert before["offer"] > 0 and before["inquiry"] > 0
        if empty_engine.dialect.name == "sqlite":
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
            assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            # 0006 made the pairs index from the documents already there
            assert _count(session, "search_document") > 0
            assert same_as_phrases(session) == []
        # 0013: accounts made before e-mail confirmation count as confirmed
        unconfirmed = 'SELECT count(*) FROM "user" WHERE email_confirmed_at IS NULL OR email_confirmed_at != created_at'
        assert session.execute(text(unconfirmed)).scalar_one() == 0
        # 0007: everyone who belonged to an organization still does, through an approved membership
        members = session.execute(text('SELECT id, organization_id FROM "user" WHERE organization_id IS NOT NULL'))
        approved = session.execute(text("SELECT user_id, organization_id, status, manager FROM membership"))
        assert sorted((u, o, "approved", False) for u, o in members) == sorted(
            (u, o, s, bool(m)) for u, o, s, m in approved
        )
        assert _count(session, "membership") >= 50
        # 0006 moved the labels out of the bodies; they still find their documents
        labelled = session.execute(
            text("SELECT body, labels FROM search_document WHERE kind = 'offer' AND sector_code = 'medicinal'")
        ).all()
        assert labelled and all("\x07" not in body for body, _ in labelled)
        assert {labels for _, labels in labelled} == {
            "Dược liệu và sản phẩm tự nhiên\nMedicinal plants and natural products"
        }
        assert len(find(session, SearchQuery(text="medicinal plants and natural products "), None).hits) > 0
        # and copied each listing's language to its document
        languages = "SELECT DISTINCT language FROM search_document WHERE kind IN ('offer', 'need')"
        assert set(session.execute(text(languages)).scalars()) == {"vi", "en"}


def test_0006_moves_labels_back_into_the_body_when_downgraded(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    with Session(empty_engine) as session:
        load_sectors(session, SEED_DIR)
        make_offer(session, title="Chiết xuất tinh dầu tràm gió", sector_code="medicinal")
    migrate.downgrade(empty_engine, "0005")
    with Session(empty_engine) as session:
        body = session.execute(text("SELECT body FROM search_document WHERE kind = 'offer'")).scalar_one()
        assert body.endswith("\n\x07\nDược liệu và sản phẩm tự nhiên\nMedicinal plants and natural products")
    migrate.upgrade(empty_engine)
    with Session(empty_engine) as session:
        row = session.execute(text("SELECT body, labels FROM search_document WHERE kind = 'offer'")).one()
        assert "\x07" not in row.body and row.labels.startswith("Dược liệu")


def test_0008_holds_marked_words_apart_and_lets_go_of_them_when_downgraded(empty_engine: Engine) -> None:
    """SQLite: the pairs index holds the marked words as written (pairs alone when downgraded);
    PostgreSQL: the `tsv_marked` column does."""
    sqlite = empty_engine.dialect.name == "sqlite"
    migrate.upgrade(empty_engine)
    with Session(empty_engine) as session:
        load_sectors(session, SEED_DIR)
        make_offer(session, title="Cà gai leo sấy lạnh")

    def holding(word: str) -> int:
        with Session(empty_engine) as session:
            if not sqlite:
                if "tsv_marked" not in {
                    c["name"] for c in inspect(session.connection()).get_columns("search_document")
                }:
                    return 0
                marked = "SELECT count(*) FROM search_document WHERE tsv_marked @@ to_tsquery('simple', :q)"
                return int(session.execute(text(marked), {"q": f"'{word}'"}).scalar_one())
            found = session.execute(text("SELECT count(*) FROM search_pairs WHERE search_pairs MATCH :q"), {"q": word})
            assert same_as_phrases(session) == []  # the pairs are there either way
            return int(found.scalar_one())

    assert holding("cà") == 1 and holding("cá") == 0
    migrate.downgrade(empty_engine, "0007")
    assert holding("cà") == 0
    migrate.upgrade(empty_engine)
    assert holding("cà") == 1
    if sqlite:
        with Session(empty_engine) as session:
            assert same_as_written(session) == []


def _count(session: Session, table: str) -> int:
    return int(session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())  # noqa: S608  (test's own names)


def test_0011_keeps_long_search_values_out_of_line_on_postgresql(
    empty_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The setting, and the documents written before it: their long values leave the row when upgraded."""
    if empty_engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL storage setting; SQLite has no equivalent")
    migrate.upgrade(empty_engine, "0010")
    monkeypatch.setattr(documents, "shown_file_titles", lambda *args: {})  # listings had no files before 0015
    words = "chưng cất tinh dầu tràm hơi nước lá cành Phong Điền Phú Lộc hợp tác xã sản lượng lít năm".split()
    rng = random.Random(11)  # varied text: a repeated one compresses to a few bytes and stays in the row
    words = [f"{w}{n}" for w in words for n in range(20)]
    translation = ("translated_title", "translated_summary")  # today's code writes the columns 0023 adds
    with empty_engine.begin() as conn:
        for table, column in [(t, c) for t in ("offer", "need", "search_document") for c in translation]:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} TEXT"))
    with Session(empty_engine) as session:
        load_sectors(session, SEED_DIR)
        make_offer(session, title="Chưng cất tinh dầu tràm", description=" ".join(rng.sample(words, k=300)))
    with empty_engine.begin() as conn:
        for table, column in [(t, c) for t in ("offer", "need", "search_document") for c in translation]:
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))

    def setting_and_chunks() -> tuple[list[str] | None, int]:
        with Session(empty_engine) as session:
            options, toast = session.execute(
                text("SELECT reloptions, reltoastrelid::regclass::text FROM pg_class WHERE relname = 'search_document'")
            ).one()
            return options, int(session.execute(text(f"SELECT count(*) FROM {toast}")).scalar_one())  # noqa: S608

    before = setting_and_chunks()
    migrate.upgrade(empty_engine)
    after = setting_and_chunks()
    assert before[0] is None and after[0] == ["toast_tuple_target=256"]
    assert after[1] > before[1]  # the existing document was written again, its long values out of line
    migrate.downgrade(empty_engine, "0010")
    assert setting_and_chunks()[0] is None


def test_0026_encrypts_the_two_step_secrets_already_stored_and_downgrading_restores_them(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine, "0025")
    secrets = {
        "Nguyễn Văn Bình": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        "Trương Thị Mai": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
    }
    with Session(empty_engine) as session:
        ids = {make_user(session, role="staff", full_name=name).id: secret for name, secret in secrets.items()}
        for user_id, secret in ids.items():
            add = "INSERT INTO two_step (user_id, secret, created_at) VALUES (:id, :secret, CURRENT_TIMESTAMP)"
            session.execute(text(add), {"id": user_id, "secret": secret})
        session.commit()
    migrate.upgrade(empty_engine)
    with Session(empty_engine) as session:
        stored = dict(session.execute(text("SELECT user_id, encrypted_secret FROM two_step")).all())
    assert all(ids[user_id] not in token for user_id, token in stored.items())
    assert {user_id: encryption.decrypt(token) for user_id, token in stored.items()} == ids
    migrate.downgrade(empty_engine, "0025")
    with Session(empty_engine) as session:
        assert dict(session.execute(text("SELECT user_id, secret FROM two_step")).all()) == ids


def test_0026_downgrade_stops_naming_the_accounts_no_key_decrypts(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    with Session(empty_engine) as session:
        user_id = make_user(session, role="staff", full_name="Lê Thị Diệu Hiền").id
        add = "INSERT INTO two_step (user_id, encrypted_secret, created_at) VALUES (:id, :token, CURRENT_TIMESTAMP)"
        session.execute(text(add), {"id": user_id, "token": "gAAAAAB-không-phải-của-khoá-nào"})
        session.commit()
    with pytest.raises(RuntimeError, match=rf"decrypts the two-step secrets of the accounts \[{user_id}\]"):
        migrate.downgrade(empty_engine, "0025")
    with Session(empty_engine) as session:  # nothing was changed
        assert session.execute(text("SELECT encrypted_secret FROM two_step")).scalar_one().startswith("gAAAAAB-")
