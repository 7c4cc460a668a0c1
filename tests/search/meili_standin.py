"""An in-process HTTP stand-in for the part of the Meilisearch REST API that the official client uses here.

No Meilisearch server can be installed on the machines this project is tested on, so the backend is
tested against this: indexes, documents (add, delete by filter or id, delete all), settings, tasks
(every task is answered as succeeded at once), search and multi-search with filters, facets, sort,
pagination and `_formatted`. `down()` closes the port (connection refused) and `up()` reopens it.
"""

import json
import re
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.search.meili_engine import BadRequest, formatted, match_positions, parse_filter, parse_query, rank_key

DEFAULT_RULES = ["words", "typo", "proximity", "attribute", "sort", "exactness"]


class NotFound(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class MeiliStandIn:
    """The stand-in's state and server; `url` is where the client should point."""

    def __init__(self) -> None:
        self.indexes: dict[str, dict[str, Any]] = {}
        self.tasks: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.port = 0
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> "MeiliStandIn":
        handler = type("Handler", (_Handler,), {"standin": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def down(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def documents(self, uid: str) -> dict[str, dict[str, Any]]:
        return self.indexes.get(uid, {}).get("documents", {})

    # --- the API ------------------------------------------------------------------------------
    def task(self, uid: str | None, kind: str, error: dict[str, Any] | None = None) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        record = {
            "uid": len(self.tasks),
            "indexUid": uid,
            "status": "failed" if error else "succeeded",
            "type": kind,
            "details": {},
            "error": error,
            "duration": "PT0S",
            "enqueuedAt": now,
            "startedAt": now,
            "finishedAt": now,
        }
        self.tasks.append(record)
        return {"taskUid": record["uid"], "indexUid": uid, "status": "enqueued", "type": kind, "enqueuedAt": now}

    def index(self, uid: str, create: bool = False, primary_key: str | None = None) -> dict[str, Any]:
        if uid not in self.indexes:
            if not create:
                raise NotFound("index_not_found", f"Index `{uid}` not found.")
            self.indexes[uid] = {"primaryKey": primary_key, "documents": {}, "settings": {}}
        if primary_key and not self.indexes[uid]["primaryKey"]:
            self.indexes[uid]["primaryKey"] = primary_key
        return self.indexes[uid]

    def settings(self, index: dict[str, Any]) -> dict[str, Any]:
        defaults = {
            "searchableAttributes": ["*"],
            "filterableAttributes": [],
            "sortableAttributes": [],
            "rankingRules": DEFAULT_RULES,
            "synonyms": {},
            "localizedAttributes": None,
            "stopWords": [],
            "pagination": {"maxTotalHits": 1000},
        }
        return defaults | index["settings"]

    def search(self, uid: str, body: dict[str, Any]) -> dict[str, Any]:
        index = self.index(uid)
        settings = self.settings(index)
        docs = list(index["documents"].values())
        searchable = settings["searchableAttributes"]
        if searchable == ["*"]:
            searchable = sorted({k for d in docs for k, v in d.items() if isinstance(v, str)})
        keep = parse_filter(body.get("filter"), settings["filterableAttributes"])
        sort = body.get("sort") or []
        for spec in sort:
            if spec.split(":")[0] not in settings["sortableAttributes"]:
                raise BadRequest("invalid_search_sort", f"Attribute `{spec}` is not sortable.")
        query = parse_query(body.get("q") or "", settings["synonyms"])
        found = []
        for doc in docs:
            if not keep(doc):
                continue
            places = match_positions(query, doc, searchable) if query.terms else []
            if places is not None:
                found.append((rank_key(settings["rankingRules"], query, places, doc, sort), doc))
        found.sort(key=lambda pair: pair[0])
        matched = [doc for _, doc in found]
        result: dict[str, Any] = {"query": body.get("q") or "", "processingTimeMs": 0}
        if "facets" in body:
            result["facetDistribution"] = self.facets(matched, body.get("facets") or [], settings)
        return result | self.page(matched, body, query, settings["pagination"]["maxTotalHits"])

    def facets(
        self, docs: list[dict[str, Any]], names: list[str], settings: dict[str, Any]
    ) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for name in names:
            if name not in settings["filterableAttributes"]:
                raise BadRequest("invalid_search_facets", f"Attribute `{name}` is not filterable.")
            counts: dict[str, int] = {}
            for doc in docs:
                values = doc.get(name)
                for value in values if isinstance(values, list) else [values]:
                    if value is not None:
                        counts[str(value)] = counts.get(str(value), 0) + 1
            out[name] = counts
        return out

    def page(
        self, matched: list[dict[str, Any]], body: dict[str, Any], query: Any, limit: int = 1000
    ) -> dict[str, Any]:
        matched = matched[:limit]  # pagination.maxTotalHits: no hit nor count beyond it
        wants_format = body.get("attributesToHighlight") or body.get("attributesToCrop")
        shape = (lambda d: d | {"_formatted": formatted(d, query, body)}) if wants_format else (lambda d: dict(d))
        if "page" in body or "hitsPerPage" in body:
            size, number = int(body.get("hitsPerPage", 20)), int(body.get("page", 1))
            hits = matched[(number - 1) * size : number * size] if size else []
            return {
                "hits": [shape(d) for d in hits],
                "page": number,
                "hitsPerPage": size,
                "totalHits": len(matched),
                "totalPages": -(-len(matched) // size) if size else 0,
            }
        offset, limit = int(body.get("offset", 0)), int(body.get("limit", 20))
        return {
            "hits": [shape(d) for d in matched[offset : offset + limit]],
            "offset": offset,
            "limit": limit,
            "estimatedTotalHits": len(matched),
        }

    def delete_where(self, uid: str, expression: Any) -> None:
        index = self.index(uid)
        keep = parse_filter(expression, self.settings(index)["filterableAttributes"])
        index["documents"] = {k: d for k, d in index["documents"].items() if not keep(d)}


class _Handler(BaseHTTPRequestHandler):
    standin: MeiliStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_PATCH(self) -> None:
        self._answer("PATCH")

    def do_PUT(self) -> None:
        self._answer("PUT")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw and raw != b"null" else None
        parts = urlsplit(self.path)
        try:
            with self.standin.lock:
                status, payload = route(self.standin, method, parts.path.strip("/"), parse_qs(parts.query), body)
        except NotFound as exc:
            status, payload = 404, {"message": str(exc), "code": exc.code, "type": "invalid_request", "link": ""}
        except BadRequest as exc:
            status, payload = 400, {"message": str(exc), "code": exc.code, "type": "invalid_request", "link": ""}
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def route(s: MeiliStandIn, method: str, path: str, params: dict[str, list[str]], body: Any) -> tuple[int, Any]:
    """Answer one request: (HTTP status, JSON payload)."""
    if path == "health":
        return 200, {"status": "available"}
    if path == "version":
        return 200, {"pkgVersion": "stand-in"}
    if path == "multi-search":
        return 200, {"results": [s.search(q["indexUid"], q) | {"indexUid": q["indexUid"]} for q in body["queries"]]}
    if m := re.fullmatch(r"tasks/(\d+)", path):
        return 200, s.tasks[int(m.group(1))]
    if path == "indexes" and method == "POST":
        if body["uid"] in s.indexes:
            return 202, s.task(body["uid"], "indexCreation", {"code": "index_already_exists", "message": "exists"})
        s.index(body["uid"], create=True, primary_key=body.get("primaryKey"))
        return 202, s.task(body["uid"], "indexCreation")
    m = re.fullmatch(r"indexes/([\w-]+)(/.*)?", path)
    if not m:
        raise NotFound("not_found", f"no route {method} /{path}")
    uid, rest = m.group(1), (m.group(2) or "")
    return index_route(s, method, uid, rest, params, body)


def index_route(
    s: MeiliStandIn, method: str, uid: str, rest: str, params: dict[str, list[str]], body: Any
) -> tuple[int, Any]:
    if rest == "" and method == "GET":
        index = s.index(uid)
        return 200, {"uid": uid, "primaryKey": index["primaryKey"], "createdAt": "", "updatedAt": ""}
    if rest == "" and method == "DELETE":
        s.index(uid)
        del s.indexes[uid]
        return 202, s.task(uid, "indexDeletion")
    if rest == "/search":
        return 200, s.search(uid, body or {})
    if rest == "/settings":
        index = s.index(uid, create=method == "PATCH")
        if method == "PATCH":
            index["settings"].update(body)
            return 202, s.task(uid, "settingsUpdate")
        return 200, s.settings(index)
    if rest.startswith("/documents"):
        return document_route(s, method, uid, rest, params, body)
    raise NotFound("not_found", f"no route {method} /indexes/{uid}{rest}")


def document_route(
    s: MeiliStandIn, method: str, uid: str, rest: str, params: dict[str, list[str]], body: Any
) -> tuple[int, Any]:
    if rest == "/documents" and method == "POST":
        index = s.index(uid, create=True, primary_key=(params.get("primaryKey") or [None])[0])
        key = index["primaryKey"] or "id"
        for doc in body:
            index["documents"][str(doc[key])] = doc
        return 202, s.task(uid, "documentAdditionOrUpdate")
    if rest == "/documents" and method == "DELETE":
        s.index(uid)["documents"] = {}
        return 202, s.task(uid, "documentDeletion")
    if rest == "/documents" and method == "GET":
        docs = list(s.index(uid)["documents"].values())
        return 200, {"results": docs, "offset": 0, "limit": len(docs), "total": len(docs)}
    if rest == "/documents/delete":
        s.delete_where(uid, body.get("filter"))
        return 202, s.task(uid, "documentDeletion")
    if rest == "/documents/delete-batch":
        for doc_id in body:
            s.index(uid)["documents"].pop(str(doc_id), None)
        return 202, s.task(uid, "documentDeletion")
    if m := re.fullmatch(r"/documents/([\w-]+)", rest):
        docs = s.index(uid)["documents"]
        if method == "DELETE":
            docs.pop(m.group(1), None)
            return 202, s.task(uid, "documentDeletion")
        if m.group(1) not in docs:
            raise NotFound("document_not_found", f"Document `{m.group(1)}` not found.")
        return 200, docs[m.group(1)]
    raise NotFound("not_found", f"no route {method} /indexes/{uid}{rest}")
