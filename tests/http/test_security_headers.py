"""Security headers on every response, whatever its status, and Cache-Control: no-store on
responses that carry tokens or personal data."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from tests.support.api import PASSWORD

SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def _with_test_routes(app: FastAPI) -> None:
    async def boom() -> None:
        raise RuntimeError("a bug")

    async def framable() -> PlainTextResponse:
        return PlainTextResponse("frame me", headers={"X-Frame-Options": "SAMEORIGIN"})

    async def public() -> PlainTextResponse:
        return PlainTextResponse("cache me", headers={"Cache-Control": "public, max-age=60"})

    app.add_api_route("/api/v1/test-boom", boom, methods=["GET"])
    app.add_api_route("/api/v1/test-public", public, methods=["GET"])
    app.add_api_route("/api/v1/test-framable", framable, methods=["GET"])


@pytest.fixture
async def small_client(make_client, sqlite_url):
    client = await make_client(sqlite_url, max_body_bytes=100)
    _with_test_routes(client.app)
    return client


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/health", {}, 200),
        ("GET", "/api/v1/users/me", {}, 401),
        ("GET", "/api/v1/nothing-here", {}, 404),
        ("DELETE", "/health", {}, 405),
        ("POST", "/api/v1/auth/register", {"json": {"email": "x" * 200}}, 413),
        ("POST", "/api/v1/auth/register", {"json": {"email": "a@b.co"}}, 422),
        ("GET", "/api/v1/test-boom", {}, 500),
    ],
)
async def test_every_status_carries_the_security_headers_and_the_request_id(
    small_client, method, path, kwargs, status
):
    response = await small_client.request(method, path, **kwargs)
    assert response.status_code == status
    for name, value in SECURITY.items():
        assert response.headers[name] == value
    assert response.headers["X-Request-ID"]
    float(response.headers["X-Process-Time"])


async def test_a_bug_is_the_contract_500_without_details(small_client):
    response = await small_client.get("/api/v1/test-boom")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error.", "code": "internal_error"}


async def test_token_and_user_responses_are_not_stored(client):
    registered = await client.post(
        "/api/v1/auth/register",
        json={"email": "nostore@example.com", "name": "Ann", "password": PASSWORD},
    )
    login = await client.post(
        "/api/v1/auth/login", data={"username": "nostore@example.com", "password": PASSWORD}
    )
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
    )
    for response in (registered, login, me):
        assert response.status_code < 300
        assert response.headers["Cache-Control"] == "no-store"


async def test_api_errors_are_not_stored_either(client):
    response = await client.get("/api/v1/users/me")
    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "no-store"


async def test_responses_outside_the_api_are_left_cacheable(client):
    for path in ("/health", "/openapi.json", "/docs"):
        response = await client.get(path)
        assert response.status_code == 200
        assert "Cache-Control" not in response.headers, path


async def test_a_route_that_chose_its_own_caching_keeps_it(small_client):
    response = await small_client.get("/api/v1/test-public")
    assert response.headers.get_list("Cache-Control") == ["public, max-age=60"]


async def test_a_route_cannot_weaken_the_security_headers(small_client):
    response = await small_client.get("/api/v1/test-framable")
    assert response.headers.get_list("X-Frame-Options") == ["DENY"]
