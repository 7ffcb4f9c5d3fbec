"""A body over MAX_BODY_BYTES (multipart: a larger ceiling) is 413 payload_too_large,
declared or chunked, and is refused without being read whole."""

from __future__ import annotations

import json

import pytest
from fastapi import UploadFile

from entrypoints.http.middleware.stack import multipart_ceiling

LIMIT = 1000


@pytest.fixture
async def limited(make_client, sqlite_url):
    client = await make_client(sqlite_url, max_body_bytes=LIMIT)

    async def upload(file: UploadFile) -> dict[str, int]:
        return {"size": len(await file.read())}

    client.app.add_api_route("/api/v1/test-upload", upload, methods=["POST"])
    return client


def _register_body(size: int, email: str = "big@example.com") -> bytes:
    """A valid registration body padded with white space to exactly `size` bytes."""
    body = json.dumps({"email": email, "name": "Ann", "password": "Correct-Horse-9"}).encode()
    return body + b" " * (size - len(body))


def _assert_too_large(response) -> None:
    assert response.status_code == 413
    assert response.json() == {
        "detail": f"The request body is larger than {LIMIT} bytes.",
        "code": "payload_too_large",
    }
    assert response.headers["X-Request-ID"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_a_body_at_the_limit_reaches_the_route(limited):
    body = _register_body(LIMIT)
    assert len(body) == LIMIT
    response = await limited.post(
        "/api/v1/auth/register", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 201, response.text


async def test_a_declared_body_over_the_limit_is_413(limited):
    response = await limited.post(
        "/api/v1/auth/register",
        content=_register_body(LIMIT + 1),
        headers={"Content-Type": "application/json"},
    )
    _assert_too_large(response)


async def test_a_chunked_body_over_the_limit_is_413_before_it_is_all_sent(limited):
    sent = 0

    async def chunks():
        nonlocal sent
        for _ in range(100):
            sent += 1
            yield b" " * 300

    response = await limited.post(
        "/api/v1/auth/register", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert "Content-Length" not in response.request.headers
    _assert_too_large(response)
    # Refused on the chunk that passed the limit (the 4th), not after reading 30 kB.
    assert sent <= 5


async def test_a_chunked_body_under_the_limit_is_read_normally(limited):
    body = _register_body(LIMIT, email="chunked@example.com")

    async def chunks():
        for start in range(0, len(body), 100):
            yield body[start : start + 100]

    response = await limited.post(
        "/api/v1/auth/register", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 201, response.text


async def test_a_form_login_over_the_limit_is_413(limited):
    response = await limited.post(
        "/api/v1/auth/login", data={"username": "a@example.com", "password": "x" * 2000}
    )
    _assert_too_large(response)


async def test_a_multipart_body_is_left_to_the_upload_limits(limited):
    response = await limited.post(
        "/api/v1/test-upload", files={"file": ("a.bin", b"\x00" * (LIMIT * 5), "image/png")}
    )
    assert response.status_code == 200
    assert response.json() == {"size": LIMIT * 5}


@pytest.mark.parametrize("declared", [True, False])
async def test_a_body_merely_labelled_multipart_still_meets_a_ceiling(
    make_client, sqlite_url, declared
):
    client = await make_client(sqlite_url, max_body_bytes=LIMIT, max_upload_bytes=LIMIT)
    ceiling = multipart_ceiling(client.container.settings())
    body = b"x" * (ceiling + 1)

    async def chunks():
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = await client.post(
        "/api/v1/auth/register",
        content=body if declared else chunks(),
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


async def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body(limited):
    """At the ASGI level: the app answers 413 without ever asking for the body."""
    app = limited.app
    reads = 0
    sent: list[dict] = []

    async def receive():
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/auth/register",
        "raw_path": b"/api/v1/auth/register",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"999999999")],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
        "state": {},
    }
    await app(scope, receive, send)
    assert reads == 0
    assert sent[0]["type"] == "http.response.start"
    assert sent[0]["status"] == 413
    assert (b"connection", b"close") in sent[0]["headers"]
