"""/docs and /redoc work without internet access; the schema covers every operation."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

EXTERNAL_URL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_pages_load_nothing_from_elsewhere(client, page):
    response = await client.get(page)
    assert response.status_code == 200
    html = response.text
    assert not EXTERNAL_URL.search(html), html
    assert "cdn" not in html.lower()
    assert "fonts.googleapis" not in html
    for asset in re.findall(r"""(?:src|href)="([^"]+)\"""", html):
        assert asset.startswith("/docs-static/"), asset
        loaded = await client.get(asset)
        assert loaded.status_code == 200, asset
        assert len(loaded.content) > 1000


async def test_swagger_ui_points_at_the_schema_and_the_oauth2_redirect(client):
    html = (await client.get("/docs")).text
    assert "url: '/openapi.json'" in html
    assert "/docs/oauth2-redirect" in html
    assert '"validatorUrl": null' in html  # no schema sent to validator.swagger.io
    redirect = await client.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200
    assert "oauth2" in redirect.text.lower()


async def test_assets_have_their_types(client):
    js = await client.get("/docs-static/swagger-ui-bundle.js")
    css = await client.get("/docs-static/swagger-ui.css")
    assert "javascript" in js.headers["Content-Type"]
    assert css.headers["Content-Type"].startswith("text/css")
    assert (await client.get("/docs-static/nothing.js")).status_code == 404


async def test_the_schema_covers_every_operation(client):
    schema = (await client.get("/openapi.json")).json()
    paths = schema["paths"]
    assert "get" in paths["/health"]
    expected = 0
    for route in iter_route_contexts(client.app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods:
            expected += 1
            assert method.lower() in paths.get(route.path_format, {}), (method, route.path)
    assert expected >= 5
    for hidden in ("/docs", "/redoc", "/docs/oauth2-redirect", "/metrics"):
        assert hidden not in paths


async def test_login_is_an_oauth2_password_flow_so_authorize_works(client):
    schema = (await client.get("/openapi.json")).json()
    schemes = schema["components"]["securitySchemes"]
    flows = [s["flows"]["password"] for s in schemes.values() if s["type"] == "oauth2"]
    assert flows == [{"scopes": {}, "tokenUrl": "/api/v1/auth/login"}]
