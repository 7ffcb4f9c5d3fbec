"""POST /api/v1/auth/login under throttling, with two app instances sharing one database."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from dependency_injector import providers
from sqlalchemy import update

from adapters.sqlalchemy.tables.users import users
from tests.support.api import PASSWORD, register
from tests.support.clock import FakeClock

WRONG = "Wrong-Password-1"


async def attempt(client: httpx.AsyncClient, email: str, password: str = WRONG) -> httpx.Response:
    return await client.post("/api/v1/auth/login", data={"username": email, "password": password})


def assert_rate_limited(response: httpx.Response, window: int = 900) -> int:
    assert response.status_code == 429, response.text
    assert response.json() == {"detail": response.json()["detail"], "code": "rate_limited"}
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= window
    return retry_after


@pytest.fixture
async def two_apps(make_client, sql_database_url) -> tuple[httpx.AsyncClient, httpx.AsyncClient]:
    """Two app instances (as two workers or hosts) on the same database."""
    return await make_client(sql_database_url), await make_client(sql_database_url)


async def test_failures_on_one_instance_lock_the_account_on_the_other(two_apps) -> None:
    first, second = two_apps
    user = await register(first)
    for n in range(5):
        response = await attempt(first if n % 2 else second, user["email"])
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"
    assert_rate_limited(await attempt(second, user["email"], PASSWORD))
    assert_rate_limited(await attempt(first, user["email"].upper(), PASSWORD))


async def test_unknown_emails_are_throttled_alike(two_apps) -> None:
    first, second = two_apps
    for n in range(5):
        response = await attempt(first if n % 2 else second, "nobody@example.com")
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"
    assert_rate_limited(await attempt(first, "nobody@example.com"))


async def test_a_successful_login_clears_the_count(two_apps) -> None:
    first, second = two_apps
    user = await register(first)
    for _ in range(4):
        assert (await attempt(first, user["email"])).status_code == 401
    assert (await attempt(second, user["email"], PASSWORD)).status_code == 200
    for _ in range(5):
        assert (await attempt(first, user["email"])).status_code == 401
    assert_rate_limited(await attempt(second, user["email"]))


async def test_parallel_guesses_get_exactly_the_allowed_password_checks(two_apps) -> None:
    first, second = two_apps
    user = await register(first)
    responses = await asyncio.gather(
        *(attempt(first if n % 2 else second, user["email"]) for n in range(24))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [401] * 5 + [429] * 19


async def test_a_correct_password_on_an_inactive_account_is_not_a_failure(
    make_client, sql_database_url, engine_for
) -> None:
    client = await make_client(sql_database_url)
    user = await register(client)
    async with engine_for(sql_database_url).begin() as conn:
        await conn.execute(update(users).values(is_active=False))
    for _ in range(4):
        assert (await attempt(client, user["email"])).status_code == 401
    for _ in range(3):
        response = await attempt(client, user["email"], PASSWORD)
        assert response.status_code == 403
        assert response.json()["code"] == "inactive_user"
    assert (await attempt(client, user["email"])).status_code == 401  # the fifth failure
    assert_rate_limited(await attempt(client, user["email"], PASSWORD))


async def test_retry_after_is_when_the_oldest_failure_leaves_the_window(
    make_client, sql_database_url
) -> None:
    clock = FakeClock()
    client = await make_client(sql_database_url, login_max_failures=3, login_lockout_seconds=60)
    client.container.core.clock.override(providers.Object(clock))
    user = await register(client)
    for _ in range(3):
        assert (await attempt(client, user["email"])).status_code == 401
        clock.advance(seconds=10)
    assert assert_rate_limited(await attempt(client, user["email"], PASSWORD), 60) == 60 - 30
    clock.advance(seconds=29)
    assert assert_rate_limited(await attempt(client, user["email"], PASSWORD), 60) == 1
    clock.advance(seconds=1)
    assert (await attempt(client, user["email"], PASSWORD)).status_code == 200


async def test_the_login_route_documents_429_with_retry_after(client) -> None:
    schema = (await client.get("/openapi.json")).json()
    documented = schema["paths"]["/api/v1/auth/login"]["post"]["responses"]["429"]
    assert "Retry-After" in documented["headers"]
