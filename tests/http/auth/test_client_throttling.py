"""POST /api/v1/auth/login throttled per client address, trusted proxies, and a full hash queue."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from dependency_injector import providers

from adapters.security.argon2 import Argon2PasswordHasher
from tests.support.api import PASSWORD, register

WRONG = "Wrong-Password-1"
PROXY = "10.0.0.1"


def from_peer(client: httpx.AsyncClient, host: str) -> httpx.AsyncClient:
    """Another connection to the same app, whose peer address is `host`."""
    transport = httpx.ASGITransport(app=client.app, client=(host, 40000))  # type: ignore[attr-defined]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def login(
    client: httpx.AsyncClient, email: str, password: str = WRONG, forwarded_for: str | None = None
) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return await client.post(
        "/api/v1/auth/login", data={"username": email, "password": password}, headers=headers
    )


async def spray(client: httpx.AsyncClient, times: int, forwarded_for: str | None = None) -> None:
    for n in range(times):
        response = await login(client, f"sprayed-{n}@example.com", forwarded_for=forwarded_for)
        assert response.status_code == 401, response.text


def assert_client_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


async def test_failures_over_many_emails_lock_the_client_out(make_client, sql_database_url) -> None:
    client = await make_client(sql_database_url, login_client_max_failures=3)
    user = await register(client)
    await spray(client, 4)  # more than 3
    assert_client_limited(await login(client, "sprayed-9@example.com"))
    assert_client_limited(await login(client, user["email"], PASSWORD))  # even the right one
    async with from_peer(client, "198.51.100.2") as other:
        assert (await login(other, user["email"], PASSWORD)).status_code == 200


async def test_the_default_refuses_after_more_than_fifty_failures_a_minute(
    make_client, sqlite_url
) -> None:
    client = await make_client(sqlite_url)
    await spray(client, 51)
    assert_client_limited(await login(client, "one-more@example.com"))


async def test_forwarded_for_counts_only_from_a_trusted_proxy(make_client, sqlite_url) -> None:
    client = await make_client(
        sqlite_url, login_client_max_failures=3, forwarded_allow_ips=[PROXY]
    )
    user = await register(client)
    async with from_peer(client, PROXY) as proxy, from_peer(client, "198.51.100.7") as stranger:
        # Through the proxy, each client named by X-Forwarded-For is counted apart.
        await spray(proxy, 4, forwarded_for="203.0.113.9")
        assert_client_limited(await login(proxy, user["email"], PASSWORD, "203.0.113.9"))
        response = await login(proxy, user["email"], PASSWORD, "203.0.113.10")
        assert response.status_code == 200
        # Anyone else naming a client is counted as itself, whatever it names.
        response = await login(stranger, user["email"], PASSWORD, "203.0.113.9")
        assert response.status_code == 200
        for n in range(4):
            response = await login(stranger, f"sprayed-{n}@example.com", WRONG, f"192.0.2.{n}")
            assert response.status_code == 401
        assert_client_limited(await login(stranger, user["email"], PASSWORD, "192.0.2.200"))


async def test_forwarded_for_is_ignored_when_no_proxy_is_trusted(make_client, sqlite_url) -> None:
    client = await make_client(sqlite_url, login_client_max_failures=3)
    for n in range(4):
        response = await login(client, f"sprayed-{n}@example.com", WRONG, f"192.0.2.{n}")
        assert response.status_code == 401
    assert_client_limited(await login(client, "x@example.com", WRONG, "192.0.2.99"))


@pytest.mark.timeout(60)
async def test_a_full_hash_queue_answers_at_once(make_client, sqlite_url) -> None:
    client = await make_client(sqlite_url)
    user = await register(client)
    # One thread, no queue: while one slow check runs, the next is refused.
    hasher = Argon2PasswordHasher(memory_cost=1024, time_cost=1, max_workers=1, max_queued=0)
    client.container.core.hasher.override(providers.Object(hasher))  # type: ignore[attr-defined]
    slow = await Argon2PasswordHasher(memory_cost=64 * 1024, time_cost=30).hash(PASSWORD)
    try:
        busy = asyncio.create_task(hasher.verify(slow, PASSWORD))  # hundreds of ms at least
        await asyncio.sleep(0)
        started = time.perf_counter()
        response = await login(client, user["email"], PASSWORD)
        elapsed = time.perf_counter() - started
        assert not busy.done()
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "service_unavailable"
        assert response.headers["Retry-After"] == "1"
        assert elapsed < 0.5
        await busy
        # Nothing was counted: the e-mail's five failures are all still to come.
        for _ in range(5):
            assert (await login(client, user["email"])).status_code == 401
        assert (await login(client, user["email"])).status_code == 429
    finally:
        hasher.close()


async def test_login_documents_429_and_the_busy_503_with_retry_after(client) -> None:
    schema = (await client.get("/openapi.json")).json()
    responses = schema["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert "Retry-After" in responses["429"]["headers"]
    assert "Retry-After" in responses["503"]["headers"]
    assert "busy" in responses["503"]["description"]
