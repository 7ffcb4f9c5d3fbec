"""A body over MAX_BODY_BYTES is 413 payload_too_large, declared or chunked, and is refused
without being read whole, whatever it is labelled; only the upload routes take multipart
bodies up to a larger ceiling."""

from __future__ import annotations

import json

import pytest
from fastapi import UploadFile

from entrypoints.http.middleware.stack import multipart_ceiling
from tests.support.images import PNG
from tests.support.people import person

LIMIT = 1000
BOUNDARY = "hexapi-boundary"


def _multipart_body(size: int) -> bytes:
    """A well-formed multipart body of about `size` bytes, one field."""
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\n'.encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return head + b"a" * (size - len(head) - len(tail)) + tail


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
    _assert_too_large_for(response, LIMIT)


def _assert_too_large_for(response, limit: int) -> None:
    assert response.status_code == 413
    assert response.json() == {
        "detail": f"The request body is larger than {limit} bytes.",
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


async def test_a_multipart_body_to_an_upload_route_is_left_to_the_upload_limits(limited):
    """The avatar route takes multipart bodies: the route's own 2 MiB limit applies, not
    MAX_BODY_BYTES (here 1000 bytes)."""
    ann = await person(limited)
    content = PNG + b"\0" * (LIMIT * 5)
    response = await limited.put(
        "/api/v1/users/me/avatar", headers=ann.headers, files={"file": ("a.png", content)}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("declared", [True, False])
@pytest.mark.parametrize(
    "path", ["/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/test-upload"]
)
async def test_a_multipart_body_to_any_other_route_keeps_the_small_limit(limited, path, declared):
    """The label does not choose the limit: JSON and form routes (and a route that reads a
    form without declaring itself an upload route) get MAX_BODY_BYTES whatever the body's
    Content-Type says, declared or chunked."""
    body = _multipart_body(LIMIT * 5)
    sent = 0

    async def chunks():
        nonlocal sent
        for start in range(0, len(body), 300):
            sent += 1
            yield body[start : start + 300]

    response = await limited.post(
        path,
        content=body if declared else chunks(),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    _assert_too_large(response)
    if not declared:
        assert sent <= 5  # refused on the chunk that passed the limit


async def test_a_small_multipart_body_still_reaches_a_form_route(limited):
    response = await limited.post(
        "/api/v1/auth/login",
        files={"username": (None, b"nobody@example.com"), "password": (None, b"Wrong-Horse-9")},
    )
    assert response.status_code == 401, response.text


async def test_a_multipart_body_to_an_upload_route_meets_the_upload_ceiling(
    make_client, sqlite_url
):
    """A declared length over the upload ceiling is 413 before the route reads a byte (a
    chunked one is stopped by the route's own parser and limits)."""
    client = await make_client(sqlite_url, max_body_bytes=LIMIT, max_upload_bytes=LIMIT)
    ann = await person(client)
    body = b"x" * (multipart_ceiling(client.container.settings()) + 1)
    response = await client.put(
        "/api/v1/users/me/avatar",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}", **ann.headers},
    )
    _assert_too_large_for(response, multipart_ceiling(client.container.settings()))


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
