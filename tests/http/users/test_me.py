"""GET /api/v1/users/me: who may still use an access token, over HTTP on SQLite."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from tests.support.api import bearer, login, register, signed_up
from tests.support.assertions import assert_error
from tests.support.tokens import forge

ME = "/api/v1/users/me"
OTHER_KEY = "another-secret-key-that-is-long-enough-0123456789"


async def test_me_is_the_caller(client) -> None:
    user, headers = await signed_up(client, email="Ann@Example.com")
    response = await client.get(ME, headers=headers)
    assert response.status_code == 200
    assert response.json() == user
    me = response.json()
    assert datetime.fromisoformat(me["created_at"]).utcoffset() == timedelta(0)
    assert "hashed_password" not in me


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": ""}, {"Authorization": "Bearer"}, {"Authorization": "Basic YTpi"}],
)
async def test_no_bearer_token_is_401_not_authenticated(client, headers) -> None:
    assert_error(await client.get(ME, headers=headers), 401, "not_authenticated")


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
async def test_garbage_and_forged_tokens_are_401_invalid_token(client) -> None:
    user = await register(client)
    tokens = await login(client, user["email"])
    access = tokens["access_token"]
    # The forgery kit is sound: re-signed with the real key, the token is accepted.
    assert (await client.get(ME, headers=bearer(forge(access)))).status_code == 200
    refused = [
        "garbage",
        "a.b.c",
        access[:-3] + ("AAA" if not access.endswith("AAA") else "BBB"),
        tokens["refresh_token"],  # the wrong kind of token
        forge(access, key=OTHER_KEY),
        forge(access, algorithm="none"),
        forge(access, algorithm="HS512"),
        forge(access, claims={"type": "refresh"}),
        forge(access, header={"typ": "refresh+jwt"}),
        forge(access, claims={"iss": "elsewhere"}),
        forge(access, claims={"sub": str(uuid.uuid4())}),  # a session of somebody else
        forge(access, claims={"sid": str(uuid.uuid4())}),  # no such session
        forge(access, claims={"exp": int(time.time()) - 1}),  # expired
    ]
    for token in refused:
        assert_error(await client.get(ME, headers=bearer(token)), 401, "invalid_token")


async def test_a_deactivated_user_s_token_is_401(client) -> None:
    user, headers = await signed_up(client)
    async with client.container.core.uow() as uow:
        stored = await uow.users.get(uuid.UUID(user["id"]))
        stored.is_active = False
        await uow.users.update(stored)
        await uow.commit()
    assert_error(await client.get(ME, headers=headers), 401, "invalid_token")


async def test_a_deleted_user_s_token_is_401(client) -> None:
    user, headers = await signed_up(client)
    async with client.container.core.engine().begin() as conn:
        await conn.execute(text("DELETE FROM users WHERE email = :e"), {"e": user["email"]})
    assert_error(await client.get(ME, headers=headers), 401, "invalid_token")


async def test_a_session_older_than_the_password_is_401(client) -> None:
    user = await register(client)
    before = await login(client, user["email"])
    async with client.container.core.uow() as uow:
        stored = await uow.users.get(uuid.UUID(user["id"]))
        stored.change_password(stored.hashed_password, client.container.core.clock().now())
        await uow.users.update(stored)
        await uow.commit()
    assert_error(await client.get(ME, headers=bearer(before["access_token"])), 401, "invalid_token")
    # Within the same second, a new login works.
    after = await login(client, user["email"])
    assert (await client.get(ME, headers=bearer(after["access_token"]))).status_code == 200
