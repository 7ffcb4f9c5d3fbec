"""GET /health/ready: 200 while the database answers, 503 within about 2 s otherwise."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from tests.support.postgres import free_port

READY = {"status": "ready", "database": "ok"}
NOT_READY = {"status": "unavailable", "database": "error"}


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def any_database_url(request: pytest.FixtureRequest, database_url_for) -> str:
    return database_url_for(request.param)


async def test_ready_while_the_database_answers(make_client, any_database_url) -> None:
    client = await make_client(any_database_url)
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == READY


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A port that accepts connections and never says a word: a hung database server."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()


async def timed_ready(client) -> tuple[float, object, int]:
    started = time.monotonic()
    response = await asyncio.wait_for(client.get("/health/ready"), timeout=10)
    return time.monotonic() - started, response.json(), response.status_code


@pytest.mark.timeout(30)
async def test_unavailable_when_nothing_listens(make_client) -> None:
    client = await make_client(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/postgres")
    elapsed, body, status = await timed_ready(client)
    assert (status, body) == (503, NOT_READY)
    assert elapsed < 2.5


@pytest.mark.slow
@pytest.mark.timeout(30)
async def test_unavailable_within_two_seconds_when_the_database_hangs(
    make_client, silent_port
) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{silent_port}/postgres"
    client = await make_client(url)
    for _ in range(3):  # and again while the earlier, abandoned checks are still stuck
        elapsed, body, status = await timed_ready(client)
        assert (status, body) == (503, NOT_READY)
        assert 1.5 < elapsed < 2.5


async def test_both_answers_are_documented(client) -> None:
    schema = (await client.get("/openapi.json")).json()
    responses = schema["paths"]["/health/ready"]["get"]["responses"]
    components = schema["components"]["schemas"]
    ok = responses["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    error = responses["503"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert components[ok]["properties"]["status"]["const"] == "ready"
    assert components[error]["properties"]["status"]["const"] == "unavailable"
    assert components[error]["properties"]["database"]["const"] == "error"


async def test_every_api_operation_documents_503_for_an_unavailable_database(client) -> None:
    schema = (await client.get("/openapi.json")).json()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in item.items()
    ]
    assert operations
    for path, method, operation in operations:
        assert "503" in operation["responses"], (method, path)
        body = operation["responses"]["503"]["content"]["application/json"]["schema"]
        assert body["$ref"].endswith("/ServiceUnavailableError")
