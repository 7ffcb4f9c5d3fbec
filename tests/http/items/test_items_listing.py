"""`GET /items`: whose items each caller sees, newest first, by page and by cursor."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event

from tests.support.assertions import assert_error, assert_validation_error
from tests.support.people import person, superuser

ITEMS = "/api/v1/items"


@pytest.fixture
async def people(client):
    return await person(client), await person(client), await superuser(client)


async def create(client, who, title: str) -> dict:
    response = await client.post(ITEMS, json={"title": title}, headers=who.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def listing(client, who, **params) -> dict:
    response = await client.get(ITEMS, params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def walk(client, who, size: int = 2, **params) -> list[str]:
    page = await listing(client, who, size=size, **params)
    ids = [i["id"] for i in page["items"]]
    while page["next_cursor"] is not None:
        page = await listing(client, who, size=size, cursor=page["next_cursor"], **params)
        assert page["page"] is None
        ids.extend(i["id"] for i in page["items"])
    return ids


def newest_first(items: list[dict]) -> list[str]:
    return [i["id"] for i in sorted(items, key=lambda i: (i["created_at"], i["id"]), reverse=True)]


@pytest.fixture
async def made(client, people):
    ann, bob, admin = people
    return {
        "ann": [await create(client, ann, f"A{i}") for i in range(5)],
        "bob": [await create(client, bob, f"B{i}") for i in range(2)],
        "admin": [await create(client, admin, "R0")],
    }


async def test_a_user_lists_their_own_items_newest_first(client, people, made) -> None:
    ann, bob, _ = people
    page = await listing(client, ann, size=2)
    assert set(page) == {"items", "total", "page", "size", "pages", "next_cursor"}
    assert (page["total"], page["page"], page["size"], page["pages"]) == (5, 1, 2, 3)
    assert [i["id"] for i in page["items"]] == newest_first(made["ann"])[:2]
    assert await walk(client, ann) == newest_first(made["ann"])
    last = await listing(client, ann, size=2, page=3)
    assert ([i["id"] for i in last["items"]], last["next_cursor"]) == (
        newest_first(made["ann"])[4:],
        None,
    )
    assert (await listing(client, ann, page=9))["items"] == []
    assert await walk(client, bob) == newest_first(made["bob"])


async def test_owner_id_only_narrows_a_users_own_items(client, people, made) -> None:
    ann, bob, _ = people
    assert await walk(client, ann, owner_id=ann.id) == newest_first(made["ann"])
    page = await listing(client, ann, owner_id=bob.id)
    assert (page["items"], page["total"], page["pages"], page["next_cursor"]) == ([], 0, 0, None)
    assert (await listing(client, ann, owner_id=str(uuid.uuid4())))["total"] == 0


async def test_a_superuser_lists_everyones_items_or_one_owners(client, people, made) -> None:
    _, bob, admin = people
    everything = made["ann"] + made["bob"] + made["admin"]
    assert (await listing(client, admin))["total"] == 8
    assert await walk(client, admin, size=3) == newest_first(everything)
    assert await walk(client, admin, owner_id=bob.id) == newest_first(made["bob"])
    assert await walk(client, admin, owner_id=admin.id) == newest_first(made["admin"])
    assert (await listing(client, admin, owner_id=str(uuid.uuid4())))["total"] == 0


async def test_a_cursor_is_bound_to_its_filter_and_caller(client, people, made) -> None:
    ann, _, admin = people
    cursor = (await listing(client, admin, size=2))["next_cursor"]
    for who, params in [
        (admin, {"owner_id": ann.id}),  # another filter
        (ann, {}),  # another caller's listing
        (admin, {"page": 2}),  # with page
    ]:
        response = await client.get(
            ITEMS, params={"size": 2, "cursor": cursor, **params}, headers=who.headers
        )
        assert_validation_error(response)
    for broken in ("", "nope", cursor[:-3] + "abc"):
        response = await client.get(ITEMS, params={"cursor": broken}, headers=admin.headers)
        assert_validation_error(response)


@pytest.mark.parametrize(
    "params",
    [{"page": 0}, {"size": 0}, {"size": 101}, {"page": "x"}, {"owner_id": "not-a-uuid"}],
)
async def test_malformed_listing_parameters_are_422(client, people, params) -> None:
    assert_validation_error(await client.get(ITEMS, params=params, headers=people[0].headers))


async def test_a_listing_needs_a_token(client) -> None:
    assert_error(await client.get(ITEMS, params={"size": 2}), 401, "not_authenticated")


async def test_a_page_costs_the_same_number_of_queries_whatever_its_size_or_depth(
    client, people, made
) -> None:
    admin = people[2]
    engine = client.container.core.engine().sync_engine
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        cursor = None
        for params in ({"size": 1}, {"size": 8}, {"size": 2, "page": 3}, {"size": 2}):
            if cursor is not None:
                params = {"size": 2, "cursor": cursor}
            statements.clear()
            page = await listing(client, admin, **params)
            cursor = page["next_cursor"]
            # The caller's session check, and the page with its count in one statement.
            assert len(statements) == 2, statements
            assert sum("FROM items" in s for s in statements) == 1
    finally:
        event.remove(engine, "before_cursor_execute", count)
