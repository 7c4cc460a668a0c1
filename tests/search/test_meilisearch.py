"""Meilisearch specifics, against the in-process stand-in: settings, the outbox, the fallback, re-indexing."""

from sqlmodel import Session, select

from marketplace.models import SearchOutbox
from marketplace.search.rebuild import rebuild
from tests.builders import make_offer
from tests.search.conftest import Backend
from tests.search.meili_standin import MeiliStandIn


def index_of(meili: Backend, standin: MeiliStandIn) -> dict:  # type: ignore[type-arg]
    assert meili.service.meili is not None
    return standin.indexes[meili.service.meili.uid]


def test_the_index_gets_searchable_filterable_sortable_and_localized_settings(
    meili: Backend, standin: MeiliStandIn, db: Session
) -> None:
    make_offer(db, title="Chưng cất tinh dầu tràm")
    settings = index_of(meili, standin)["settings"]
    assert settings["searchableAttributes"][:2] == ["title", "keywords"]
    assert {"status", "organization_id", "sector_code", "collaboration_types", "ward"} <= set(
        settings["filterableAttributes"]
    )
    assert settings["sortableAttributes"] == ["published_ts", "confirmed_ts"]
    assert settings["localizedAttributes"] == [{"attributePatterns": ["*"], "locales": ["vie", "eng"]}]
    assert settings["synonyms"]["digital twin"] == ["bản sao số"]


def test_documents_keep_their_original_accented_text(meili: Backend, standin: MeiliStandIn, db: Session) -> None:
    offer = make_offer(db, title="Giống lúa chịu mặn Phong Điền", collaboration_types=["licence", "transfer"])
    doc = index_of(meili, standin)["documents"][f"offer-{offer.id}"]
    assert (doc["title"], doc["collaboration_types"], doc["status"]) == (
        "Giống lúa chịu mặn Phong Điền",
        ["licence", "transfer"],
        "published",
    )


def test_a_deleted_listing_leaves_meilisearch(meili: Backend, standin: MeiliStandIn, db: Session) -> None:
    offer = make_offer(db, title="Máy sấy lạnh nông sản")
    key = f"offer-{offer.id}"
    assert key in index_of(meili, standin)["documents"]
    db.delete(offer)
    db.commit()
    assert key not in index_of(meili, standin)["documents"]


def test_when_meilisearch_is_unreachable_the_database_answers_and_says_so(
    meili: Backend, standin: MeiliStandIn, db: Session
) -> None:
    make_offer(db, title="Nấm linh chi trồng trên mùn cưa")
    standin.down()
    result = meili.service.search(db, meili_query("linh chi"), audience())
    assert result.degraded
    assert result.backend in ("sqlite-fts5", "postgresql")
    assert [h.title.striptags() for h in result.hits] == ["Nấm linh chi trồng trên mùn cưa"]


def test_health_is_degraded_while_meilisearch_is_unreachable(meili: Backend, standin: MeiliStandIn) -> None:
    assert meili.service.health() == "ok"
    standin.down()
    assert meili.service.health() == "degraded"
    standin.up()
    assert meili.service.health() == "ok"


def test_changes_made_while_meilisearch_is_down_reach_it_when_it_is_back(
    meili: Backend, standin: MeiliStandIn, db: Session
) -> None:
    standin.down()
    offer = make_offer(db, title="Chế phẩm Trichoderma ủ phân chuồng")  # committed while Meilisearch is away
    waiting = db.exec(select(SearchOutbox).where(SearchOutbox.done_at.is_(None))).all()  # type: ignore[union-attr]
    assert ("offer", offer.id) in {(row.entity, row.entity_id) for row in waiting}
    standin.up()
    assert meili.service.health() == "ok"  # the check finds it back and sends what waited
    assert f"offer-{offer.id}" in index_of(meili, standin)["documents"]
    assert meili.titles("trichoderma ") == ["Chế phẩm Trichoderma ủ phân chuồng"]
    db.expire_all()
    assert db.exec(select(SearchOutbox).where(SearchOutbox.done_at.is_(None))).all() == []  # type: ignore[union-attr]


def test_the_first_search_after_an_outage_sends_what_waited(meili: Backend, standin: MeiliStandIn, db: Session) -> None:
    standin.down()
    make_offer(db, title="Bảo quản thanh long bằng màng chitosan")
    standin.up()
    meili.service.down_until = 0.0  # the retry pause is over
    assert meili.titles("thanh long ") == ["Bảo quản thanh long bằng màng chitosan"]


def test_reindex_rebuilds_meilisearch_from_the_database(meili: Backend, standin: MeiliStandIn, db: Session) -> None:
    offer = make_offer(db, title="Gạch không nung từ tro bay")
    index_of(meili, standin)["documents"].clear()
    counts = rebuild(db)
    assert counts["meilisearch"] >= 1
    assert f"offer-{offer.id}" in index_of(meili, standin)["documents"]
    assert meili.titles("tro bay ") == ["Gạch không nung từ tro bay"]


def meili_query(text: str):  # type: ignore[no-untyped-def]
    from marketplace.search import SearchQuery

    return SearchQuery(text=text + " ")


def audience():  # type: ignore[no-untyped-def]
    from marketplace.search import Audience

    return Audience()
