"""Administration by superusers: creating, changing, deactivating and deleting accounts, and
the last-superuser rule (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.support.api import PASSWORD, bearer, login
from tests.support.assertions import assert_error, assert_validation_error
from tests.support.people import person, superuser

USERS = "/api/v1/users"
NEW_PASSWORD = "Brand-New-Pass-7"


@pytest.fixture
async def api(make_client, sql_database_url):
    return await make_client(sql_database_url)


async def test_a_superuser_creates_accounts_with_flags(api) -> None:
    root = await superuser(api)
    body = {
        "email": " Made@Example.com",
        "name": "Made",
        "password": PASSWORD,
        "is_active": True,
        "is_superuser": True,
    }
    response = await api.post(USERS, headers=root.headers, json=body)
    assert response.status_code == 201, response.text
    made = response.json()
    assert set(made) == {
        "id",
        "email",
        "name",
        "is_active",
        "is_superuser",
        "created_at",
        "updated_at",
    }
    assert (made["email"], made["is_superuser"], made["is_active"]) == (
        "made@example.com",
        True,
        True,
    )
    tokens = await login(api, "made@example.com")
    listed = await api.get(USERS, headers=bearer(tokens["access_token"]))
    assert listed.status_code == 200  # the new superuser may administer


async def test_created_accounts_default_to_active_ordinary_users(api) -> None:
    root = await superuser(api)
    body = {"email": "plain@example.com", "name": "Plain", "password": PASSWORD}
    made = (await api.post(USERS, headers=root.headers, json=body)).json()
    assert (made["is_active"], made["is_superuser"]) == (True, False)


async def test_an_inactive_account_is_created_but_cannot_log_in(api) -> None:
    root = await superuser(api)
    body = {"email": "off@example.com", "name": "Off", "password": PASSWORD, "is_active": False}
    assert (await api.post(USERS, headers=root.headers, json=body)).status_code == 201
    response = await api.post(
        "/api/v1/auth/login", data={"username": "off@example.com", "password": PASSWORD}
    )
    assert_error(response, 403, "inactive_user")


async def test_creating_a_taken_email_is_409(api) -> None:
    root, ann = await superuser(api), await person(api)
    body = {"email": ann.email.upper(), "name": "Dup", "password": PASSWORD}
    assert_error(await api.post(USERS, headers=root.headers, json=body), 409, "email_taken")


@pytest.mark.parametrize(
    "body",
    [
        {"email": "a@example.com", "name": "A"},
        {"email": "a@example.com", "name": "A", "password": "weak"},
        {"email": "a1@example.com", "name": "A", "password": "A1@example.com"},
        {"email": "a@example.com", "name": "A", "password": PASSWORD, "id": "x"},
        {"email": "a@example.com", "name": "A", "password": PASSWORD, "hashed_password": "x"},
        {"email": "a@example.com", "name": "A", "password": PASSWORD, "is_superuser": "maybe"},
    ],
)
async def test_creating_with_bad_fields_is_422(api, body) -> None:
    root = await superuser(api)
    assert_validation_error(await api.post(USERS, headers=root.headers, json=body), PASSWORD)


async def test_a_superuser_setting_a_password_ends_that_accounts_sessions(api) -> None:
    root, ann = await superuser(api), await person(api)
    response = await api.patch(
        f"{USERS}/{ann.id}", headers=root.headers, json={"password": NEW_PASSWORD}
    )
    assert response.status_code == 200, response.text
    assert "password" not in response.text
    assert_error(await api.get(f"{USERS}/me", headers=ann.headers), 401, "invalid_token")
    await login(api, ann.email, NEW_PASSWORD)
    assert (await api.get(f"{USERS}/me", headers=root.headers)).status_code == 200  # not root's


async def test_a_weak_password_from_a_superuser_is_422_and_never_echoed(api) -> None:
    root, ann = await superuser(api), await person(api)
    response = await api.patch(
        f"{USERS}/{ann.id}", headers=root.headers, json={"password": "weakpass"}
    )
    assert_validation_error(response, "weakpass")


async def test_deactivating_ends_the_sessions_and_reactivating_lets_them_log_in_again(api) -> None:
    root, ann = await superuser(api), await person(api)
    url = f"{USERS}/{ann.id}"
    off = await api.patch(url, headers=root.headers, json={"is_active": False})
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert_error(await api.get(f"{USERS}/me", headers=ann.headers), 401, "invalid_token")
    assert (await api.patch(url, headers=root.headers, json={"is_active": True})).status_code == 200
    assert_error(await api.get(f"{USERS}/me", headers=ann.headers), 401, "invalid_token")
    await login(api, ann.email)


async def test_a_superuser_changes_an_email_to_one_in_use_is_409(api) -> None:
    root, ann, bob = await superuser(api), await person(api), await person(api)
    response = await api.patch(f"{USERS}/{ann.id}", headers=root.headers, json={"email": bob.email})
    assert_error(response, 409, "email_taken")


@pytest.mark.parametrize("body", [{"is_superuser": False}, {"is_active": False}])
async def test_the_last_active_superuser_cannot_demote_or_deactivate_themselves(api, body) -> None:
    root = await superuser(api)
    response = await api.patch(f"{USERS}/{root.id}", headers=root.headers, json=body)
    assert_error(response, 409, "last_superuser")
    assert_error(
        await api.delete(f"{USERS}/{root.id}", headers=root.headers), 409, "last_superuser"
    )
    me = (await api.get(f"{USERS}/me", headers=root.headers)).json()
    assert (me["is_active"], me["is_superuser"]) == (True, True)


async def test_one_superuser_may_remove_another_but_not_the_last(api) -> None:
    root, other = await superuser(api), await superuser(api)
    response = await api.patch(
        f"{USERS}/{other.id}", headers=root.headers, json={"is_superuser": False}
    )
    assert response.status_code == 200 and response.json()["is_superuser"] is False
    # `other` is an ordinary user now: root's account is invisible to them.
    assert_error(await api.delete(f"{USERS}/{root.id}", headers=other.headers), 404, "not_found")
    assert_error(
        await api.delete(f"{USERS}/{root.id}", headers=root.headers), 409, "last_superuser"
    )
    third = await superuser(api)
    assert (await api.delete(f"{USERS}/{root.id}", headers=third.headers)).status_code == 204
    assert_error(await api.get(f"{USERS}/me", headers=root.headers), 401, "invalid_token")
