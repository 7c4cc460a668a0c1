"""The search pager: each link names every parameter once, and htmx does not add the form's values again."""

from urllib.parse import parse_qsl, urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.builders import make_offer, make_org, page


def test_pager_links_name_each_parameter_once_and_keep_the_filters(client: TestClient, db: Session) -> None:
    org = make_org(db)
    for n in range(45):
        make_offer(db, org, title=f"Quy trình chế biến dược liệu Huế số {n}", sector_code="medicinal")
    params = {"q": "duoc lieu", "sector": "medicinal", "sort": "newest", "page": "2"}
    html = page(client.get("/search", params=params))
    for rel, number in (("prev", "1"), ("next", "3")):
        link = html.select_one(f".pager a[rel={rel}]")
        for url in (link["href"], link["hx-get"]):
            pairs = parse_qsl(urlsplit(url).query)
            expected = params | {"page": number} if number != "1" else {k: v for k, v in params.items() if k != "page"}
            assert sorted(pairs) == sorted(expected.items())  # the first page needs no page=1
        # the results box includes the whole form in its requests; the pager must not inherit that
        assert link["hx-include"] == "unset"
