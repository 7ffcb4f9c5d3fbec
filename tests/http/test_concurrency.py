"""Races the database must settle, on SQLite and PostgreSQL: never a 500, never two winners."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select

from adapters.sqlalchemy.tables.sessions import login_sessions
from adapters.sqlalchemy.tables.users import users
from tests.support.api import PASSWORD, login, register
from tests.support.tokens import claims_of

pytestmark = pytest.mark.timeout(60)


async def test_concurrent_registrations_of_one_email_make_one_account(
    make_client, sql_database_url
) -> None:
    client = await make_client(sql_database_url)
    body = {"email": "race@example.com", "name": "Racer", "password": PASSWORD}
    responses = await asyncio.gather(
        *(client.post("/api/v1/auth/register", json=body) for _ in range(20))
    )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 19}, [r.text for r in responses if r.status_code >= 500]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"email_taken"}
    async with client.container.core.engine().connect() as conn:
        rows = await conn.scalar(
            select(func.count()).select_from(users).where(users.c.email == "race@example.com")
        )
    assert rows == 1
    # The account that exists is the one that was answered with 201, and it works.
    [created] = [r.json() for r in responses if r.status_code == 201]
    assert (await login(client, "race@example.com"))["access_token"]
    async with client.container.core.uow() as uow:
        assert str((await uow.users.get_by_email("race@example.com")).id) == created["id"]


async def test_concurrent_refreshes_of_one_token_have_at_most_one_winner(
    make_client, sql_database_url
) -> None:
    client = await make_client(sql_database_url)
    user = await register(client)
    tokens = await login(client, user["email"])
    body = {"refresh_token": tokens["refresh_token"]}
    responses = await asyncio.gather(
        *(client.post("/api/v1/auth/refresh", json=body) for _ in range(10))
    )
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {200, 401}, [r.text for r in responses]
    assert statuses[200] <= 1
    assert {r.json()["code"] for r in responses if r.status_code == 401} <= {"invalid_token"}
    session_id = uuid.UUID(claims_of(tokens["refresh_token"])["sid"])
    async with client.container.core.engine().connect() as conn:
        revoked_at = await conn.scalar(
            select(login_sessions.c.revoked_at).where(login_sessions.c.id == session_id)
        )
    if statuses[401]:
        # Some request presented a token already spent: the reuse rule ended the session,
        # so even the winner's new tokens are dead.
        assert revoked_at is not None
        for winner in (r.json() for r in responses if r.status_code == 200):
            again = await client.post(
                "/api/v1/auth/refresh", json={"refresh_token": winner["refresh_token"]}
            )
            assert again.status_code == 401
            me = await client.get(
                "/api/v1/users/me", headers={"Authorization": f"Bearer {winner['access_token']}"}
            )
            assert me.status_code == 401
