"""Property: whatever is typed, the page answers 200 and the API 200 or 422 — never a 500 or an SQL error."""

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from marketplace.search.terms import parse
from tests.builders import make_offer

OPERATORS = st.sampled_from(
    ['"', "*", "(", ")", ":", "-", "^", "NEAR", "AND", "OR", "NOT", "'", ";", "--", "\\", "%", "_"]
)
WORDS = st.sampled_from(["dầu", "tràm", "Điền", "duoc", "lieu", "số", "ĐỔI", "tinh", "a", "x" * 60])
QUERIES = st.lists(st.one_of(st.text(max_size=30), OPERATORS, WORDS), max_size=12).map(" ".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=QUERIES, kind=st.text(max_size=12), page=st.text(max_size=6))
def test_any_query_gives_a_page_never_an_error(client: TestClient, db: Session, q: str, kind: str, page: str) -> None:
    if not db.info.get("seeded"):
        make_offer(db, title="Chưng cất tinh dầu tràm ở Phong Điền")
        db.info["seeded"] = True
    assert client.get("/search", params={"q": q, "page": page}).status_code == 200
    assert (
        client.get(
            "/search", params={"q": q}, headers={"HX-Request": "true", "HX-Target": "search-results"}
        ).status_code
        == 200
    )
    assert client.get("/api/v1/search", params={"q": q, "kind": kind, "page": page}).status_code in (200, 422)


@given(q=st.text(max_size=200))
def test_every_term_is_quoted_for_fts5_and_tsquery(q: str) -> None:
    for term in parse(q).items:
        assert all(word.isalnum() for word in term.words)  # nothing but letters and digits reaches an engine
        assert term.fts5().count('"') % 2 == 0
