"""/docs (Swagger UI) and /redoc that work without internet access.

FastAPI's own pages load their scripts from a CDN. These load them from the app, out of the
assets shipped in the installed `fastapi_offline` package, so nothing outside the server is
fetched — and a wheel install has them wherever `hexapi serve` runs from.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-static"
DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
# No schema sent to validator.swagger.io for its badge; no token kept in localStorage.
SWAGGER_UI_PARAMETERS = {"validatorUrl": None, "persistAuthorization": False}


def assets_folder() -> Path:
    folder = Path(str(files("fastapi_offline") / "static"))
    if not (folder / "swagger-ui-bundle.js").is_file():
        raise RuntimeError(f"the Swagger UI assets are missing from {folder}")
    return folder


def install_docs(app: FastAPI) -> None:
    """Serve the docs pages and their assets. The app is built with docs_url=None and
    redoc_url=None so FastAPI's CDN-backed pages are not there as well."""
    app.mount(ASSETS_URL, StaticFiles(directory=assets_folder()), name="docs-static")
    openapi_url = app.openapi_url or "/openapi.json"

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=root + OAUTH2_REDIRECT_URL,
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )

    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )

    app.add_api_route(DOCS_URL, swagger_ui, methods=["GET"], include_in_schema=False)
    app.add_api_route(
        OAUTH2_REDIRECT_URL, swagger_ui_redirect, methods=["GET"], include_in_schema=False
    )
    app.add_api_route(REDOC_URL, redoc, methods=["GET"], include_in_schema=False)
