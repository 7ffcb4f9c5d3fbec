"""CORS answers only the configured origins; refusals use the contract's error body."""

from __future__ import annotations

import pytest

ALLOWED = "https://app.example.com"
OTHER = "https://evil.example.net"


@pytest.fixture
async def cors_client(make_client, sqlite_url):
    return await make_client(sqlite_url, cors_origins=[ALLOWED, "http://localhost:3000"])


def _preflight(origin: str, method: str = "POST", headers: str = "authorization,content-type"):
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


async def test_a_preflight_from_an_allowed_origin_is_answered(cors_client):
    response = await cors_client.options("/api/v1/auth/login", headers=_preflight(ALLOWED))
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed_headers = response.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed_headers and "content-type" in allowed_headers
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert response.headers["X-Request-ID"]
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_a_preflight_from_another_origin_is_refused(cors_client):
    response = await cors_client.options("/api/v1/auth/login", headers=_preflight(OTHER))
    assert response.status_code == 400
    assert response.json()["code"] == "cors_not_allowed"
    assert "Access-Control-Allow-Origin" not in response.headers
    assert response.headers["X-Request-ID"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_a_preflight_asking_for_an_unlisted_header_is_refused(cors_client):
    response = await cors_client.options(
        "/api/v1/auth/login", headers=_preflight(ALLOWED, headers="x-custom-thing")
    )
    assert response.status_code == 400


async def test_a_simple_request_from_an_allowed_origin_may_be_read(cors_client):
    response = await cors_client.get("/health", headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    exposed = response.headers["Access-Control-Expose-Headers"].lower()
    assert "x-request-id" in exposed and "x-process-time" in exposed
    assert "Origin" in response.headers["Vary"]


async def test_a_simple_request_from_another_origin_gets_no_cors_headers(cors_client):
    response = await cors_client.get("/health", headers={"Origin": OTHER})
    assert response.status_code == 200  # the browser, not the server, withholds it
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_errors_carry_cors_headers_so_the_front_end_can_read_them(cors_client):
    response = await cors_client.get("/api/v1/users/me", headers={"Origin": ALLOWED})
    assert response.status_code == 401
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


async def test_without_configured_origins_there_is_no_cors(client):
    response = await client.get("/health", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = await client.options("/api/v1/auth/login", headers=_preflight(ALLOWED))
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert preflight.status_code == 405
