"""Who may do what to accounts over HTTP: the 401/403/404 matrix for self, another user and
a superuser. Visibility comes first: what the caller may not see is 404 whatever it tries."""

from __future__ import annotations

import uuid

import pytest

from tests.support.assertions import assert_error, assert_validation_error, locations
from tests.support.people import person, superuser

USERS = "/api/v1/users"
PRIVILEGED = [
    {"password": "Another-Pass-8"},
    {"password": "weak"},  # 403 before any judgement of the password itself
    {"is_active": True},
    {"is_superuser": False},
]


@pytest.fixture
async def people(client):
    return await person(client), await person(client), await superuser(client)


async def test_a_user_sees_and_changes_their_own_account_by_id(client, people) -> None:
    ann, _bob, _root = people
    assert (await client.get(f"{USERS}/{ann.id}", headers=ann.headers)).json() == ann.user
    response = await client.patch(f"{USERS}/{ann.id}", headers=ann.headers, json={"name": "Annie"})
    assert response.status_code == 200 and response.json()["name"] == "Annie"


@pytest.mark.parametrize("body", PRIVILEGED)
async def test_a_user_setting_a_privileged_field_on_themselves_is_403(client, people, body) -> None:
    ann, _bob, _root = people
    response = await client.patch(f"{USERS}/{ann.id}", headers=ann.headers, json=body)
    assert_error(response, 403, "forbidden")
    assert (await client.get(f"{USERS}/me", headers=ann.headers)).json() == ann.user


@pytest.mark.parametrize("body", [{"name": "Hacked"}, *PRIVILEGED, {}])
async def test_another_users_account_is_404_whatever_is_tried(client, people, body) -> None:
    ann, bob, _root = people
    url = f"{USERS}/{bob.id}"
    assert_error(await client.get(url, headers=ann.headers), 404, "not_found")
    assert_error(await client.patch(url, headers=ann.headers, json=body), 404, "not_found")
    assert_error(await client.delete(url, headers=ann.headers), 404, "not_found")
    assert (await client.get(f"{USERS}/me", headers=bob.headers)).json() == bob.user


async def test_an_unknown_id_is_404_for_users_and_superusers_alike(client, people) -> None:
    ann, _bob, root = people
    url = f"{USERS}/{uuid.uuid4()}"
    for caller in (ann, root):
        assert_error(await client.get(url, headers=caller.headers), 404, "not_found")
        response = await client.patch(url, headers=caller.headers, json={"name": "X"})
        assert_error(response, 404, "not_found")
        assert_error(await client.delete(url, headers=caller.headers), 404, "not_found")


async def test_a_superuser_reads_changes_and_deletes_any_account(client, people) -> None:
    ann, _bob, root = people
    url = f"{USERS}/{ann.id}"
    assert (await client.get(url, headers=root.headers)).json() == ann.user
    body = {"name": "Ann B", "is_superuser": True, "is_active": True}
    changed = await client.patch(url, headers=root.headers, json=body)
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["is_superuser"]) == ("Ann B", True)
    assert (await client.delete(url, headers=root.headers)).status_code == 204
    assert_error(await client.get(url, headers=root.headers), 404, "not_found")


@pytest.mark.parametrize("password", ["Correct-Horse-9", "weak"])
async def test_listing_and_creating_accounts_is_403_for_users(client, people, password) -> None:
    ann, _bob, _root = people
    assert_error(await client.get(USERS, headers=ann.headers), 403, "forbidden")
    body = {"email": "new@example.com", "name": "New", "password": password}
    assert_error(await client.post(USERS, headers=ann.headers, json=body), 403, "forbidden")


@pytest.mark.parametrize("user_id", ["not-a-uuid", "123", "me-too"])
async def test_an_id_that_is_not_a_uuid_is_422(client, people, user_id) -> None:
    _ann, _bob, root = people
    for method in ("GET", "PATCH", "DELETE"):
        response = await client.request(
            method,
            f"{USERS}/{user_id}",
            headers=root.headers,
            json={} if method == "PATCH" else None,
        )
        assert ("path", "user_id") in locations(assert_validation_error(response))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", ""),
        ("POST", ""),
        ("GET", "/me"),
        ("PATCH", "/me"),
        ("DELETE", "/me"),
        ("POST", "/me/password"),
        ("GET", "/me/profile"),
        ("PATCH", "/me/profile"),
        ("PUT", "/me/avatar"),
        ("GET", "/{id}"),
        ("PATCH", "/{id}"),
        ("DELETE", "/{id}"),
        ("GET", "/{id}/profile"),
        ("GET", "/{id}/avatar"),
    ],
)
async def test_every_users_route_needs_a_token(client, method, path) -> None:
    url = USERS + path.replace("{id}", str(uuid.uuid4()))
    assert_error(await client.request(method, url), 401, "not_authenticated")
