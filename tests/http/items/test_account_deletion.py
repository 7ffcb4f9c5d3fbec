"""Deleting an account deletes its items, on every backend, whoever deletes it."""

from __future__ import annotations

import pytest

from tests.support.people import person, superuser

ITEMS = "/api/v1/items"


# The database URL is resolved in a plain fixture: the PostgreSQL one is itself async.
@pytest.fixture(params=["memory", "sqlite", "postgres"])
def database_url(request, database_url_for) -> str:
    return database_url_for(request.param)


@pytest.fixture
async def client(make_client, database_url):
    return await make_client(database_url)


async def test_a_deleted_account_takes_its_items_with_it(client) -> None:
    ann, bob, admin = await person(client), await person(client), await superuser(client)
    for who in (ann, ann, bob):
        response = await client.post(ITEMS, json={"title": "Stove"}, headers=who.headers)
        assert response.status_code == 201, response.text
    anns = (await client.get(ITEMS, headers=ann.headers)).json()["items"]
    assert (await client.delete("/api/v1/users/me", headers=ann.headers)).status_code == 204
    for item in anns:
        response = await client.get(f"{ITEMS}/{item['id']}", headers=admin.headers)
        assert response.status_code == 404, response.text
    left = (await client.get(ITEMS, headers=admin.headers)).json()
    assert [i["owner_id"] for i in left["items"]] == [bob.id] and left["total"] == 1
    gone = await client.delete(f"/api/v1/users/{bob.id}", headers=admin.headers)
    assert gone.status_code == 204
    assert (await client.get(ITEMS, headers=admin.headers)).json()["total"] == 0
