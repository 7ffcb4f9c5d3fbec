"""Profiles over HTTP: the caller's own, and anyone's while their account is active."""

from __future__ import annotations

import uuid

import pytest

from tests.support.assertions import assert_error, assert_validation_error
from tests.support.people import person, superuser

USERS = "/api/v1/users"


@pytest.fixture
async def api(make_client, sql_database_url):
    return await make_client(sql_database_url)


async def test_a_new_profile_has_a_name_and_nothing_else(api) -> None:
    ann = await person(api, name="Ann Smith")
    response = await api.get(f"{USERS}/me/profile", headers=ann.headers)
    assert response.status_code == 200
    assert response.json() == {
        "user_id": ann.id,
        "name": "Ann Smith",
        "bio": None,
        "avatar_url": None,
    }


async def test_the_bio_is_set_kept_and_cleared(api) -> None:
    ann = await person(api)
    url = f"{USERS}/me/profile"
    set_ = await api.patch(url, headers=ann.headers, json={"bio": "  Likes tea.  "})
    assert set_.status_code == 200 and set_.json()["bio"] == "Likes tea."
    kept = await api.patch(url, headers=ann.headers, json={})
    assert kept.json()["bio"] == "Likes tea."
    assert (await api.get(url, headers=ann.headers)).json()["bio"] == "Likes tea."
    cleared = await api.patch(url, headers=ann.headers, json={"bio": None})
    assert cleared.json()["bio"] is None
    assert (await api.patch(url, headers=ann.headers, json={"bio": ""})).json()["bio"] == ""
    lines = await api.patch(url, headers=ann.headers, json={"bio": "one\r\ntwo\tthree"})
    assert lines.json()["bio"] == "one\r\ntwo\tthree"
    longest = await api.patch(url, headers=ann.headers, json={"bio": "é" * 2000})
    assert longest.status_code == 200 and longest.json()["bio"] == "é" * 2000


@pytest.mark.parametrize(
    "body",
    [
        {"bio": "x" * 2001},
        {"bio": 5},
        {"bio": "nul \x00 inside"},  # PostgreSQL cannot store it: a 500 before this rule
        {"bio": "bell \x07"},
        {"name": "X"},
        {"avatar_url": "/x"},
    ],
)
async def test_bad_profile_changes_are_422(api, body) -> None:
    ann = await person(api)
    assert_validation_error(await api.patch(f"{USERS}/me/profile", headers=ann.headers, json=body))


async def test_any_user_sees_the_profile_of_an_active_account(api) -> None:
    ann, bob = await person(api, name="Ann"), await person(api, name="Bob")
    await api.patch(f"{USERS}/me/profile", headers=bob.headers, json={"bio": "Bob here"})
    response = await api.get(f"{USERS}/{bob.id}/profile", headers=ann.headers)
    assert response.status_code == 200
    assert response.json() == {
        "user_id": bob.id,
        "name": "Bob",
        "bio": "Bob here",
        "avatar_url": None,
    }
    # A profile is public; the account behind it is not.
    assert_error(await api.get(f"{USERS}/{bob.id}", headers=ann.headers), 404, "not_found")


async def test_the_profile_of_an_inactive_or_unknown_account_is_404(api) -> None:
    root, ann, bob = await superuser(api), await person(api), await person(api)
    await api.patch(f"{USERS}/{bob.id}", headers=root.headers, json={"is_active": False})
    for caller in (ann, root):
        assert_error(
            await api.get(f"{USERS}/{bob.id}/profile", headers=caller.headers), 404, "not_found"
        )
        url = f"{USERS}/{uuid.uuid4()}/profile"
        assert_error(await api.get(url, headers=caller.headers), 404, "not_found")


async def test_a_name_change_shows_in_the_profile(api) -> None:
    ann = await person(api)
    await api.patch(f"{USERS}/me", headers=ann.headers, json={"name": "Annabel"})
    assert (await api.get(f"{USERS}/me/profile", headers=ann.headers)).json()["name"] == "Annabel"
