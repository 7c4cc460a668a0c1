"""Interactive API documentation at /docs, served from installed Swagger UI files: no CDN, no inline script."""

from importlib.resources import files
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, Response

from marketplace.errors import NotFound
from marketplace.web.templating import render

router = APIRouter(include_in_schema=False)
# Swagger UI's files as shipped by the fastapi-offline package (pinned in pyproject.toml).
ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}


@router.get("/docs", name="api_docs")
def api_docs(request: Request) -> Response:
    return render(request, "api_docs.html", {"spec_url": request.app.openapi_url})


@router.get("/docs/assets/{name}", name="api_docs_asset")
def api_docs_asset(name: str) -> Response:
    if name not in ASSETS:
        raise NotFound()
    path = files("fastapi_offline") / "static" / name
    return FileResponse(str(path), media_type=ASSETS[name], headers={"Cache-Control": "public, max-age=86400"})


def install(app: FastAPI) -> None:
    """Describe only the JSON API in the OpenAPI document: the HTML pages are not for other platforms."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes, description=DESCRIPTION)
            schema["paths"] = {path: item for path, item in schema["paths"].items() if path.startswith("/api/")}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


DESCRIPTION = (
    "Read-only open data of Huế's technology and innovation exchange: published offers, needs and "
    "organizations, and headline indicators. Every list is paginated with `limit` and `offset` and "
    "reports the `total`; one record is at its list's address followed by its number, and anything not "
    "published answers 404; `offers.csv` and `needs.csv` give every published listing with the same fields. "
    "Errors come as JSON with a message per field. What is published, and on what terms: `/open-data`."
)
