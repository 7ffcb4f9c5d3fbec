"""HTTP semantics the contract fixes for every route: HEAD wherever GET works, exact paths
(a trailing slash is 404, never a redirect to the Host header), and a 422 of bounded size."""

from __future__ import annotations

import json
import time

from entrypoints.http.errors import MAX_VALIDATION_PROBLEMS


async def test_head_answers_wherever_get_does(client):
    schema = (await client.get("/openapi.json")).json()
    routes = [path for path, ops in schema["paths"].items() if "get" in ops and "{" not in path]
    assert "/api/v1/users/me" in routes and "/health" in routes
    for path in routes:
        got = await client.get(path)
        head = await client.head(path)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        assert head.headers.get("content-type") == got.headers.get("content-type"), path


async def test_head_mirrors_the_headers_of_get(client):
    got, head = await client.get("/openapi.json"), await client.head("/openapi.json")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"]
    assert (await client.head("/api/v1/auth/login")).status_code == 405


async def test_a_trailing_slash_is_404_and_never_a_redirect(client):
    for method, path in [
        ("POST", "/api/v1/auth/login/"),
        ("GET", "/api/v1/users/me/"),
        ("GET", "/health/"),
    ]:
        response = await client.request(
            method, path, headers={"Host": "evil.example"}, follow_redirects=False
        )
        assert response.status_code == 404, (method, path)
        assert "location" not in response.headers
        assert "evil.example" not in response.text


async def test_a_422_lists_at_most_the_contracts_number_of_problems(make_client, sqlite_url):
    client = await make_client(sqlite_url, max_body_bytes=1024 * 1024)
    # About 0.94 MB of unknown keys: each was one problem, and the answer ten times the body.
    body = json.dumps({f"k{i:06d}": 0 for i in range(68_000)}).encode()
    assert len(body) > 900_000
    started = time.perf_counter()
    response = await client.post(
        "/api/v1/auth/register", content=body, headers={"Content-Type": "application/json"}
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert len(response.json()["detail"]) == MAX_VALIDATION_PROBLEMS
    assert len(response.content) < 50_000
    assert elapsed < 5, elapsed
