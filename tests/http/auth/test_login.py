"""POST /api/v1/auth/login over HTTP, on SQLite: the OAuth2 password form."""

from __future__ import annotations

import uuid

import pytest

from tests.support.api import PASSWORD, bearer, login, register
from tests.support.assertions import assert_error, assert_validation_error

LOGIN = "/api/v1/auth/login"


async def deactivate(client, user_id: str) -> None:
    """Through the app's own unit of work: user administration is not part of this suite."""
    async with client.container.core.uow() as uow:
        user = await uow.users.get(uuid.UUID(user_id))
        assert user is not None
        user.is_active = False
        await uow.users.update(user)
        await uow.commit()


async def test_login_returns_a_bearer_token_pair(client) -> None:
    user = await register(client, email="ann@example.com")
    response = await client.post(LOGIN, data={"username": "ANN@example.com", "password": PASSWORD})
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert set(tokens) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 900
    assert tokens["access_token"] != tokens["refresh_token"]
    me = await client.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))
    assert me.json()["id"] == user["id"]


async def test_expires_in_follows_the_setting(make_client, sqlite_url) -> None:
    client = await make_client(sqlite_url, access_token_expire_minutes=5)
    user = await register(client)
    assert (await login(client, user["email"]))["expires_in"] == 300


async def test_unknown_email_and_wrong_password_look_the_same(client) -> None:
    await register(client, email="ann@example.com")
    unknown = await client.post(LOGIN, data={"username": "bob@example.com", "password": PASSWORD})
    wrong = await client.post(LOGIN, data={"username": "ann@example.com", "password": "Nope-123"})
    malformed = await client.post(LOGIN, data={"username": "not-an-email", "password": PASSWORD})
    for response in (unknown, wrong, malformed):
        assert_error(response, 401, "invalid_credentials")
    assert unknown.json() == wrong.json() == malformed.json()
    assert unknown.headers["content-length"] == wrong.headers["content-length"]


async def test_an_inactive_user_gets_403_only_with_the_right_password(client) -> None:
    user = await register(client, email="ann@example.com")
    await deactivate(client, user["id"])
    wrong = await client.post(LOGIN, data={"username": "ann@example.com", "password": "Nope-123"})
    assert_error(wrong, 401, "invalid_credentials")
    right = await client.post(LOGIN, data={"username": "ann@example.com", "password": PASSWORD})
    assert_error(right, 403, "inactive_user")
    assert "access_token" not in right.text


async def test_a_json_body_is_422(client) -> None:
    await register(client, email="ann@example.com")
    response = await client.post(LOGIN, json={"username": "ann@example.com", "password": PASSWORD})
    assert_validation_error(response, PASSWORD)


@pytest.mark.parametrize(
    "form",
    [
        {"username": "ann@example.com"},
        {"password": PASSWORD},
        {"username": "ann@example.com", "password": PASSWORD, "grant_type": "client_credentials"},
    ],
)
async def test_an_incomplete_or_wrong_form_is_422(client, form) -> None:
    await register(client, email="ann@example.com")
    assert_validation_error(await client.post(LOGIN, data=form), PASSWORD)


async def test_the_oauth2_grant_type_password_is_accepted(client) -> None:
    await register(client, email="ann@example.com")
    form = {"grant_type": "password", "username": "ann@example.com", "password": PASSWORD}
    assert (await client.post(LOGIN, data=form)).status_code == 200
