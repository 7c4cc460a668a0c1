"""SQLite's in-memory copy of the documents' fields: the same answers as SQL, and in step with every change."""

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from marketplace.config import Settings
from marketplace.models import Organization
from marketplace.search import Audience, SearchQuery, SearchService
from marketplace.search.database import DatabaseSearch
from marketplace.search.documents import search_document
from marketplace.search.rebuild import rebuild
from marketplace.search.sqlite_fts import Fts5Search
from marketplace.search.synonyms import Synonyms
from tests.builders import make_offer, make_org
from tests.conftest import SEED_DIR


def sqlite_only(session: Session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the in-memory copy belongs to the SQLite backend; PostgreSQL filters and counts in SQL")


@pytest.fixture
def demo(seeded_engine: Engine) -> Iterator[Session]:
    with Session(seeded_engine) as session:
        sqlite_only(session)
        yield session


def in_sql(backend: Fts5Search, session: Session, query: SearchQuery, audience: Audience) -> tuple:
    """The answer of the shared SQL code (which ranks every match), for comparison."""
    terms = backend.synonyms.expand(query.terms)
    rows, total, counts = DatabaseSearch.results(backend, session, query, terms, audience)
    nonzero = {facet: {v: n for v, n in found.items() if n} for facet, found in counts.items()}
    return [r["id"] for r in rows], total, {facet: found for facet, found in nonzero.items() if found}


def in_memory(backend: Fts5Search, session: Session, query: SearchQuery, audience: Audience) -> tuple:
    terms = backend.synonyms.expand(query.terms)
    rows, total, counts = backend.results(session, query, terms, audience)
    return [r["id"] for r in rows], total, {facet: found for facet, found in counts.items() if found}


QUERIES = ["", "tinh dầu", "duoc lieu", "tram", "digital twin", "phong dien", "công nghệ", "chuyen doi so", "nong"]
FILTERS = [
    {},
    {"kind": ("offer",)},
    {"sector": ("medicinal", "agri_food")},
    {"collaboration": ("licence",), "trl": ("7-9",)},
    {"org_kind": ("university",), "kind": ("need", "organization")},
]


@pytest.mark.parametrize("text_", QUERIES)
def test_the_same_pages_totals_and_counts_as_the_sql_search(demo: Session, text_: str) -> None:
    backend = Fts5Search(synonyms=Synonyms.from_glossary(SEED_DIR / "glossary.csv"))
    org_id = demo.execute(select(Organization.id).order_by(Organization.id).limit(1)).scalar_one()
    audiences = [Audience(), Audience(organization_id=org_id), Audience(everything=True)]
    compared = 0
    for sort in ("relevance", "newest", "freshness"):
        for audience in audiences:
            for filters in FILTERS:
                for page in (1, 2):
                    query = SearchQuery(text=text_, filters=filters, sort=sort, page=page, per_page=7)
                    expected = in_sql(backend, demo, query, audience)
                    assert in_memory(backend, demo, query, audience) == expected, (sort, audience, filters, page)
                    compared += bool(expected[0])
    assert compared >= 9  # the comparisons were not all of empty pages


def ids_found(backend: Fts5Search, session: Session, text_: str, audience: Audience | None = None) -> list[int]:
    page = backend.search(session, SearchQuery(text=text_), audience or Audience())
    return [hit.entity_id for hit in page.hits]


def test_a_change_committed_elsewhere_is_seen_by_the_next_search(db: Session, engine: Engine) -> None:
    sqlite_only(db)
    backend = Fts5Search()
    offer = make_offer(db, title="Máy sấy vải thiều năng lượng mặt trời", sector_code="energy")
    assert ids_found(backend, db, "may say vai") == [offer.id]
    with Session(engine) as other:  # another connection, as another worker process would use
        changed = other.get(type(offer), offer.id)
        changed.status = "draft"
        other.add(changed)
        other.commit()
    assert ids_found(backend, db, "may say vai") == []
    assert ids_found(backend, db, "may say vai", Audience(everything=True)) == [offer.id]


def test_an_id_given_out_again_holds_the_new_document(db: Session) -> None:
    """SQLite gives a new row the highest id + 1, so deleting the newest document frees its id."""
    sqlite_only(db)
    backend = Fts5Search()
    org = make_org(db)
    offer = make_offer(db, org, title="Gạch không nung từ tro bay", sector_code="materials")
    assert backend.search(db, SearchQuery(text="gach"), Audience()).facets["sector"][0].value == "materials"
    newest = db.execute(select(search_document).order_by(search_document.c.id.desc()).limit(1)).mappings().one()
    db.execute(search_document.delete().where(search_document.c.id == newest["id"]))
    row = dict(newest) | {"id": None, "sector_code": "environment", "status": "draft"}
    db.execute(insert(search_document).values(**{k: v for k, v in row.items() if k != "id"}))
    db.commit()
    reused = db.execute(select(search_document.c.id, search_document.c.entity_id)).all()
    assert (newest["id"], offer.id) in reused  # the same id, now holding a draft in another sector
    assert backend.search(db, SearchQuery(text="gach"), Audience()).total == 0
    staff = backend.search(db, SearchQuery(text="gach"), Audience(everything=True))
    assert [(v.value, v.count) for v in staff.facets["sector"]] == [("environment", 1)]


def test_a_rebuilt_index_is_read_again(db: Session) -> None:
    sqlite_only(db)
    backend = Fts5Search()
    for n in range(6):
        make_offer(db, title=f"Chế phẩm vi sinh xử lý rơm rạ mẫu {n}", trl=3 + n)
    before = backend.search(db, SearchQuery(text="che pham"), Audience())
    rebuild(db)  # renumbers every document and empties the log
    assert db.execute(text("SELECT count(*) FROM search_removal")).scalar_one() == 0
    after = backend.search(db, SearchQuery(text="che pham"), Audience())
    assert after.total == before.total == 6
    assert sorted(h.entity_id for h in after.hits) == sorted(h.entity_id for h in before.hits)
    assert {v.value: v.count for v in after.facets["trl"]} == {"1-3": 1, "4-6": 3, "7-9": 2}


def test_members_see_their_organizations_drafts_only(db: Session) -> None:
    sqlite_only(db)
    backend = Fts5Search()
    mine, theirs = make_org(db), make_org(db)
    make_offer(db, mine, title="Bản nháp bảo quản thanh trà", status="draft")
    make_offer(db, theirs, title="Bản nháp khác bảo quản thanh trà", status="draft")
    assert backend.search(db, SearchQuery(text="thanh tra"), Audience()).total == 0
    assert backend.search(db, SearchQuery(text="thanh tra"), Audience(organization_id=mine.id)).total == 1
    assert backend.search(db, SearchQuery(text="thanh tra"), Audience(everything=True)).total == 2


def test_a_server_reads_every_document_before_the_first_search(db: Session, engine: Engine, settings: Settings) -> None:
    sqlite_only(db)
    for n in range(3):
        make_offer(db, title=f"Bảo quản lạnh cá đầm phá mẫu {n}")
    service = SearchService(engine, settings)
    service.prepare_in_background().join(timeout=30)
    assert isinstance(service.database, Fts5Search)
    table = service.database.attributes(db)
    documents = db.execute(select(search_document.c.id)).scalars().all()
    assert len(documents) >= 6  # three offers and their organizations
    assert sorted(np.flatnonzero(table.known).tolist()) == sorted(documents)
