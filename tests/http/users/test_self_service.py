"""The caller's own account: PATCH /me, POST /me/password, DELETE /me (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.support.api import PASSWORD, bearer, login, register
from tests.support.assertions import assert_error, assert_validation_error, locations
from tests.support.people import person, superuser

ME = "/api/v1/users/me"
NEW_PASSWORD = "Brand-New-Pass-7"


@pytest.fixture
async def api(make_client, sql_database_url):
    return await make_client(sql_database_url)


async def test_patch_me_changes_email_and_name(api) -> None:
    ann = await person(api)
    response = await api.patch(
        ME,
        headers=ann.headers,
        json={"email": " New@Example.COM ", "name": " Annie ", "current_password": PASSWORD},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["email"], body["name"]) == ("new@example.com", "Annie")
    assert (
        body["updated_at"] > ann.user["updated_at"] and body["created_at"] == ann.user["created_at"]
    )
    assert (await api.get(ME, headers=ann.headers)).json() == body
    await login(api, "new@example.com")  # the new e-mail logs in


async def test_patch_me_to_an_email_in_use_is_409(api) -> None:
    ann, bob = await person(api), await person(api)
    response = await api.patch(
        ME, headers=bob.headers, json={"email": ann.email.upper(), "current_password": PASSWORD}
    )
    assert_error(response, 409, "email_taken")
    assert (await api.get(ME, headers=bob.headers)).json() == bob.user


@pytest.mark.parametrize(
    "body",
    [
        {"is_superuser": True},  # not a field of this route: mass assignment is refused
        {"password": NEW_PASSWORD},
        {"email": "not an e-mail"},
        {"name": ""},
        {"name": "x" * 101},
        {"email": None},
        {"name": None},
    ],
)
async def test_patch_me_refuses_bad_or_unknown_fields(api, body) -> None:
    ann = await person(api)
    assert_validation_error(await api.patch(ME, headers=ann.headers, json=body), NEW_PASSWORD)
    assert (await api.get(ME, headers=ann.headers)).json() == ann.user


async def test_patch_me_with_nothing_changes_nothing(api) -> None:
    ann = await person(api)
    response = await api.patch(ME, headers=ann.headers, json={})
    assert response.status_code == 200 and response.json() == ann.user


async def test_changing_the_password_ends_every_session_at_once(api) -> None:
    ann = await person(api)
    other_session = await login(api, ann.email)
    response = await api.post(
        f"{ME}/password",
        headers=ann.headers,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 204 and response.content == b""
    for tokens in (ann.tokens, other_session):
        assert_error(
            await api.get(ME, headers=bearer(tokens["access_token"])), 401, "invalid_token"
        )
        refreshed = await api.post(
            "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert_error(refreshed, 401, "invalid_token")
    assert (
        await api.post("/api/v1/auth/login", data={"username": ann.email, "password": PASSWORD})
    ).status_code == 401
    fresh = await login(api, ann.email, NEW_PASSWORD)  # a session made right after works
    assert (await api.get(ME, headers=bearer(fresh["access_token"]))).status_code == 200


async def test_a_wrong_current_password_is_400_and_changes_nothing(api) -> None:
    ann = await person(api)
    response = await api.post(
        f"{ME}/password",
        headers=ann.headers,
        json={"current_password": "Wrong-Pass-1", "new_password": NEW_PASSWORD},
    )
    assert_error(response, 400, "invalid_password")
    assert "Wrong-Pass-1" not in response.text
    assert (await api.get(ME, headers=ann.headers)).status_code == 200
    await login(api, ann.email, PASSWORD)


@pytest.mark.parametrize(
    "new_password", ["short1A", "alllowercase1", "ALLUPPERCASE1", "NoDigitsHere", "x" * 129 + "A1"]
)
async def test_a_new_password_against_the_policy_is_422(api, new_password) -> None:
    ann = await person(api)
    response = await api.post(
        f"{ME}/password",
        headers=ann.headers,
        json={"current_password": PASSWORD, "new_password": new_password},
    )
    problems = assert_validation_error(response, new_password, PASSWORD)
    assert ("body", "new_password") in locations(problems)


async def test_a_new_password_equal_to_the_email_is_422(api) -> None:
    ann = await person(api, email="Pass1word@example.com")
    response = await api.post(
        f"{ME}/password",
        headers=ann.headers,
        json={"current_password": PASSWORD, "new_password": "pass1WORD@example.com"},
    )
    assert ("body", "new_password") in locations(assert_validation_error(response))


async def test_the_password_body_needs_both_fields_and_nothing_else(api) -> None:
    ann = await person(api)
    url = f"{ME}/password"
    for body in (
        {"new_password": NEW_PASSWORD},
        {"current_password": PASSWORD},
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "email": "x@example.com"},
    ):
        assert_validation_error(await api.post(url, headers=ann.headers, json=body), PASSWORD)


async def test_delete_me_removes_the_account_and_its_tokens(api) -> None:
    ann = await person(api)
    response = await api.delete(ME, headers=ann.headers)
    assert response.status_code == 204 and response.content == b""
    assert_error(await api.get(ME, headers=ann.headers), 401, "invalid_token")
    refreshed = await api.post(
        "/api/v1/auth/refresh", json={"refresh_token": ann.tokens["refresh_token"]}
    )
    assert_error(refreshed, 401, "invalid_token")
    await register(api, email=ann.email)  # the e-mail is free again


async def test_the_only_active_superuser_cannot_delete_themselves(api) -> None:
    root = await superuser(api)
    assert_error(await api.delete(ME, headers=root.headers), 409, "last_superuser")
    assert (await api.get(ME, headers=root.headers)).status_code == 200
    other = await superuser(api)
    assert (await api.delete(ME, headers=root.headers)).status_code == 204
    assert_error(await api.delete(ME, headers=other.headers), 409, "last_superuser")
