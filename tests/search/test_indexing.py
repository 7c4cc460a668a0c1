"""The index-update path: documents follow each commit; bulk statements and repairs through the helpers."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlmodel import Session, col

from marketplace.config import ROOT
from marketplace.models import Offer, SearchOutbox
from marketplace.models._base import utcnow
from marketplace.search import SearchQuery, find, index_after_commit
from marketplace.search.documents import search_document
from marketplace.search.rebuild import rebuild
from marketplace.search.sqlite_fts import boost_terms, marked_words, pair_terms
from tests.builders import make_offer, make_org, make_user
from tests.conftest import _new_database
from tests.search.conftest import Backend


def document(db: Session, kind: str, entity_id: int) -> dict | None:  # type: ignore[type-arg]
    row = (
        db.execute(
            search_document.select().where(search_document.c.kind == kind, search_document.c.entity_id == entity_id)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def test_a_draft_document_carries_its_status_and_organization(db: Session) -> None:
    org = make_org(db, name_vi="HTX Nông nghiệp Quảng Thọ", ward="Quảng Thọ")
    offer = make_offer(db, org, status="draft", published_at=None, collaboration_types=["licence", "consulting"], trl=5)
    doc = document(db, "offer", offer.id)  # type: ignore[arg-type]
    assert doc is not None
    assert (doc["status"], doc["organization_id"], doc["org_name_vi"], doc["ward"]) == (
        "draft",
        org.id,
        "HTX Nông nghiệp Quảng Thọ",
        "Quảng Thọ",
    )
    assert (doc["trl_range"], doc["collaboration_types"], doc["published_ts"]) == ("4-6", "|licence|consulting|", None)


def test_a_log_in_does_not_rewrite_the_experts_document(db: Session) -> None:
    user = make_user(db)
    db.execute(text("DELETE FROM search_document"))
    db.commit()
    user.last_login_at = user.created_at
    db.commit()
    assert document(db, "expert", user.id) is None  # type: ignore[arg-type]


def test_index_after_commit_catches_up_after_a_bulk_update(backend: Backend, db: Session) -> None:
    offer = make_offer(db, title="Máy gieo hạt cũ")
    db.execute(update(Offer).where(col(Offer.id) == offer.id).values(title="Máy gieo hạt lúa theo hàng"))
    db.commit()  # a bulk statement: the ORM does not see it
    assert backend.titles("theo hang ") == []
    index_after_commit(db, "offer", offer.id)  # type: ignore[arg-type]
    assert backend.titles("theo hang ") == ["Máy gieo hạt lúa theo hàng"]


def test_rebuild_restores_lost_documents_and_the_text_index(db: Session) -> None:
    make_offer(db, title="Cảm biến độ mặn cho ao nuôi tôm")
    db.execute(text("DELETE FROM search_document"))
    db.commit()
    assert titles(db, "do man ") == []
    counts = rebuild(db)
    assert counts["offer"] == 1 and counts["organization"] == 1
    assert titles(db, "do man ") == ["Cảm biến độ mặn cho ao nuôi tôm"]


def titles(db: Session, words: str) -> list[str]:
    return [hit.title.striptags() for hit in find(db, SearchQuery(text=words), None).hits]


def test_without_meilisearch_no_outbox_rows_are_written(db: Session) -> None:
    make_offer(db)
    assert db.exec(SearchOutbox.__table__.select()).all() == []  # type: ignore[attr-defined, call-overload]


def test_the_reindex_command_rebuilds_with_a_progress_bar(tmp_path: Path) -> None:
    url, drop = _new_database(tmp_path, "reindex")
    try:
        env = os.environ | {"DATABASE_URL": url, "ENVIRONMENT": "test", "MEILI_URL": ""}
        for args in (["migrate"], ["reindex"]):
            done = subprocess.run(
                [sys.executable, "-m", "marketplace", *args],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == {"documents": {"offer": 0, "need": 0, "organization": 0, "expert": 0}}
        assert "offer: 0doc" in done.stderr and "expert: 0doc" in done.stderr  # tqdm's bars
    finally:
        drop()  # type: ignore[operator]


def test_rebuild_numbers_documents_oldest_first_on_sqlite(db: Session) -> None:
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("only SQLite ranks a window of the newest documents, so only there do ids follow age")
    org, now = make_org(db), utcnow()
    for days in (3, 30, 1, 300):
        make_offer(db, org, title=f"Chế phẩm vi sinh {days}", published_at=now - timedelta(days=days))
    rebuild(db)
    doc = search_document.c
    rows = db.execute(select(doc.published_ts).where(doc.kind == "offer").order_by(doc.id)).scalars().all()
    assert rows == sorted(rows) and len(rows) == 4
    assert titles(db, "che pham vi sinh ")  # the text index follows the new numbers


def test_pair_terms_join_adjacent_words_of_each_column_folded() -> None:
    assert pair_terms("Công nghệ sinh học", None, "Đậu đũa\nĐậu đũa") == "cong_nghe nghe_sinh sinh_hoc dau_dua dua_dau"
    assert pair_terms("Tràm", "gió") == ""  # never across two columns


def test_marked_words_are_the_words_written_with_a_mark_as_written() -> None:
    assert (
        marked_words("Cà gai leo sấy lạnh", None, "Đậu đũa\nCÀ phê") == "cà sấy lạnh đậu đũa phê"
    )  # once each, lower case
    assert marked_words("Digital twin cho du lich") == ""
    assert boost_terms("Tinh dầu tràm", None, None) == "tinh_dau dau_tram dầu tràm"
    # pairs from every column, marked words from the title and keywords only
    assert (
        boost_terms(None, "Sấy lạnh", "cà gai leo", "Hợp tác xã", None) == "say_lanh ca_gai gai_leo hop_tac tac_xa cà"
    )


def same_as_written(db: Session) -> list[str]:
    """Each marked word of every document's title and keywords, found by the pairs index in exactly the
    documents whose title or keywords hold it as written; returns the words that differ (none, when the
    index is right)."""
    columns = ", ".join(("id", "title", "keywords"))
    holding: dict[str, set[int]] = {}
    for row in db.execute(text(f"SELECT {columns} FROM search_document")):  # noqa: S608  (the test's own names)
        for word in marked_words(*row[1:]).split():
            holding.setdefault(word, set()).add(row[0])
    differ = []
    for word, ids in sorted(holding.items()):
        found = db.execute(text("SELECT rowid FROM search_pairs WHERE search_pairs MATCH :q"), {"q": f'"{word}"'})
        if set(found.scalars()) != ids:
            differ.append(word)
    return differ


def same_as_phrases(db: Session) -> list[str]:
    """The pairs of every document's title, each found by the pairs index exactly where FTS5's phrase
    query finds it in the document's own text (not its labels); returns the pairs that differ (none,
    when the index is right)."""
    pairs = {p for title in db.execute(select(search_document.c.title)).scalars() for p in pair_terms(title).split()}
    differ = []
    for pair in sorted(pairs):
        by_pairs = db.execute(text("SELECT rowid FROM search_pairs WHERE search_pairs MATCH :q"), {"q": f'"{pair}"'})
        phrase = "{title summary keywords org_name body} : " + '"' + pair.replace("_", " ") + '"'  # not the labels
        by_phrase = db.execute(text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q"), {"q": phrase})
        if set(by_pairs.scalars()) != set(by_phrase.scalars()):
            differ.append(pair)
    return differ


def test_the_pairs_index_follows_inserts_changes_deletions_and_reindex(db: Session) -> None:
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("only the SQLite backend keeps a pairs index (PostgreSQL matches phrases itself)")
    org = make_org(db, name_vi="Viện Công nghệ sinh học")
    kept = make_offer(db, org, title="Chiết xuất tinh dầu tràm gió bằng hơi nước")
    changed = make_offer(db, org, title="Bảo quản thanh trà sau thu hoạch")
    gone = make_offer(db, org, title="Nuôi tôm thẻ chân trắng trong ao lót bạt")
    changed.title = "Chế phẩm vi sinh xử lý nước thải ao nuôi tôm"
    db.delete(gone)
    db.commit()
    assert same_as_phrases(db) == [] and same_as_written(db) == []
    found = db.execute(text("SELECT rowid FROM search_pairs WHERE search_pairs MATCH '\"nuoi_tom\"'")).scalars().all()
    assert found == [document(db, "offer", changed.id)["id"]]  # type: ignore[arg-type, index]
    assert document(db, "offer", kept.id) is not None  # type: ignore[arg-type]
    rebuild(db)
    assert same_as_phrases(db) == [] and same_as_written(db) == []
    db.execute(text("INSERT INTO search_pairs(search_pairs, rank) VALUES ('integrity-check', 0)"))


def test_after_a_rebuild_new_documents_are_indexed_again(db: Session) -> None:
    """The rebuild sets the indexing triggers aside on SQLite and must put them back."""
    make_offer(db, title="Máy tách hạt sen tươi")
    rebuild(db)
    make_offer(db, title="Lò sấy hạt sen bằng bơm nhiệt")
    assert titles(db, "hat sen ") and sorted(titles(db, "hat sen ")) == [
        "Lò sấy hạt sen bằng bơm nhiệt",
        "Máy tách hạt sen tươi",
    ]
    if db.get_bind().dialect.name == "sqlite":
        assert same_as_phrases(db) == []
