"""POST /api/v1/auth/refresh and /logout over HTTP, on SQLite."""

from __future__ import annotations

from tests.support.api import PASSWORD, bearer, login, register
from tests.support.assertions import assert_error, assert_validation_error
from tests.support.tokens import forge

REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/users/me"


async def logged_in(client) -> dict:
    user = await register(client)
    return await login(client, user["email"])


async def test_refresh_rotates_and_reuse_revokes_the_whole_session(client) -> None:
    first = await logged_in(client)
    response = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200, response.text
    second = response.json()
    assert set(second) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert (second["token_type"], second["expires_in"]) == ("bearer", 900)
    assert second["refresh_token"] != first["refresh_token"]
    assert (await client.get(ME, headers=bearer(second["access_token"]))).status_code == 200

    reuse = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert_error(reuse, 401, "invalid_token")
    # Theft assumed: every token of that login session is dead now.
    assert_error(
        await client.post(REFRESH, json={"refresh_token": second["refresh_token"]}),
        401,
        "invalid_token",
    )
    for access in (first["access_token"], second["access_token"]):
        assert_error(await client.get(ME, headers=bearer(access)), 401, "invalid_token")


async def test_an_access_token_is_refused_at_refresh_and_logout(client) -> None:
    tokens = await logged_in(client)
    for path in (REFRESH, LOGOUT):
        response = await client.post(path, json={"refresh_token": tokens["access_token"]})
        assert_error(response, 401, "invalid_token")
    # Refusing the wrong kind of token did not end the session.
    assert (await client.get(ME, headers=bearer(tokens["access_token"]))).status_code == 200
    assert (await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})).is_success


async def test_logout_revokes_that_session_s_tokens_and_is_idempotent(client) -> None:
    user = await register(client)
    here = await login(client, user["email"])
    elsewhere = await login(client, user["email"])
    response = await client.post(LOGOUT, json={"refresh_token": here["refresh_token"]})
    assert response.status_code == 204
    assert response.content == b""
    assert_error(await client.get(ME, headers=bearer(here["access_token"])), 401, "invalid_token")
    assert_error(
        await client.post(REFRESH, json={"refresh_token": here["refresh_token"]}),
        401,
        "invalid_token",
    )
    again = await client.post(LOGOUT, json={"refresh_token": here["refresh_token"]})
    assert again.status_code == 204
    # The other login session of the same user is untouched.
    assert (await client.get(ME, headers=bearer(elsewhere["access_token"]))).status_code == 200


async def test_logout_with_a_spent_refresh_token_ends_the_session(client) -> None:
    first = await logged_in(client)
    second = (await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})).json()
    response = await client.post(LOGOUT, json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 204
    assert_error(await client.get(ME, headers=bearer(second["access_token"])), 401, "invalid_token")


async def test_garbage_and_forged_refresh_tokens_are_401(client) -> None:
    tokens = await logged_in(client)
    forged = [
        "",
        "garbage",
        "a.b.c",
        tokens["refresh_token"] + " ",
        tokens["refresh_token"][:-2],
        forge(tokens["refresh_token"], key="another-secret-key-that-is-long-enough-0123"),
        forge(tokens["refresh_token"], algorithm="none"),
        forge(tokens["refresh_token"], claims={"aud": "someone-else"}),
    ]
    for token in forged:
        for path in (REFRESH, LOGOUT):
            response = await client.post(path, json={"refresh_token": token})
            assert_error(response, 401, "invalid_token")
    assert (await client.get(ME, headers=bearer(tokens["access_token"]))).status_code == 200


async def test_refresh_and_logout_bodies_are_validated(client) -> None:
    tokens = await logged_in(client)
    token = tokens["refresh_token"]
    for path in (REFRESH, LOGOUT):
        assert_validation_error(await client.post(path, json={}), token)
        assert_validation_error(
            await client.post(path, json={"refresh_token": token, "extra": 1}), token
        )
        assert_validation_error(await client.post(path, json={"refresh_token": 1}), token)
        assert_validation_error(await client.post(path, data={"refresh_token": token}), token)
    assert_validation_error(
        await client.post(REFRESH, json={"refresh_token": token, "password": PASSWORD}), PASSWORD
    )
