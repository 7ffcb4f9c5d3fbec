"""Responses of 1,000 bytes or more are gzip-compressed when the client accepts gzip."""

from __future__ import annotations

import gzip

import pytest
from fastapi.responses import PlainTextResponse

from entrypoints.http.middleware.compression import accepts_gzip


@pytest.fixture
async def sized_client(client):
    async def sized(size: int) -> PlainTextResponse:
        return PlainTextResponse("a" * size)

    client.app.add_api_route("/test-sized/{size}", sized, methods=["GET"])
    return client


async def _raw(client, path: str, accept: str):
    """The response as it left the server: httpx decodes gzip, so read the raw stream."""
    async with client.stream("GET", path, headers={"Accept-Encoding": accept}) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, raw


async def test_a_body_of_1000_bytes_is_compressed(sized_client):
    response, raw = await _raw(sized_client, "/test-sized/1000", "gzip")
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(raw) == b"a" * 1000
    assert int(response.headers["Content-Length"]) == len(raw) < 1000
    assert response.headers.get_list("Vary") == ["Accept-Encoding"]  # said once


async def test_a_body_of_999_bytes_is_not(sized_client):
    response, raw = await _raw(sized_client, "/test-sized/999", "gzip")
    assert "Content-Encoding" not in response.headers
    assert raw == b"a" * 999
    # Uncompressed only because it is small: caches still learn the answer varies.
    assert response.headers.get_list("Vary") == ["Accept-Encoding"]


@pytest.mark.parametrize("accept", ["identity", "", "gzip;q=0", "br", "deflate, gzip;q=0.0"])
async def test_nothing_is_compressed_for_a_client_that_does_not_accept_gzip(sized_client, accept):
    response, raw = await _raw(sized_client, "/test-sized/5000", accept)
    assert "Content-Encoding" not in response.headers
    assert raw == b"a" * 5000
    # Caches learn that another Accept-Encoding may get another body.
    assert "Accept-Encoding" in response.headers["Vary"]


async def test_large_json_and_errors_are_compressed_too(client):
    response, raw = await _raw(client, "/openapi.json", "gzip, deflate")
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(raw).startswith(b"{")
    # The conventions headers survive compression.
    assert response.headers["X-Request-ID"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("GZIP", True),
        ("deflate, gzip", True),
        ("gzip;q=0.5", True),
        ("*", True),
        ("x-gzip", True),
        ("gzip;q=0", False),
        ("*;q=0", False),
        ("br, *;q=0", False),
        ("gzip;q=0, *", False),
        ("identity", False),
        ("", False),
    ],
)
def test_reading_accept_encoding(header, accepted):
    assert accepts_gzip(header) is accepted
