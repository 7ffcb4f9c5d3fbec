"""`/items` over HTTP: every row of the contract, for the owner, another user, a superuser
and an anonymous caller (the storage behind it is proven on every backend by the contract
tests)."""

from __future__ import annotations

import uuid

import pytest

from tests.support.assertions import assert_error, assert_validation_error, locations
from tests.support.people import person, superuser

ITEMS = "/api/v1/items"
FIELDS = {"id", "title", "description", "owner_id", "created_at", "updated_at"}


@pytest.fixture
async def people(client):
    return await person(client), await person(client), await superuser(client)


async def create(client, who, **body) -> dict:
    response = await client.post(ITEMS, json={"title": "Stove", **body}, headers=who.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_an_item_is_created_owned_by_the_caller(client, people) -> None:
    ann, _, _ = people
    made = await create(client, ann, title="  Camping stove ", description="Two burners\nflat")
    assert set(made) == FIELDS
    assert (made["title"], made["description"], made["owner_id"]) == (
        "Camping stove",
        "Two burners\nflat",
        ann.id,
    )
    assert made["created_at"] == made["updated_at"] and made["created_at"].endswith("+00:00")
    uuid.UUID(made["id"])
    assert (await create(client, ann))["description"] is None


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": ""},
        {"title": "   "},
        {"title": None},
        {"title": "x" * 201},
        {"title": "a\x00b"},
        {"title": "a\nb"},
        {"title": "a\x9bb"},
        {"title": 7},
        {"title": "Stove", "description": "x" * 2001},
        {"title": "Stove", "description": "a\x00b"},
        {"title": "Stove", "description": "\x1b[31mred"},
        {"title": "Stove", "owner_id": str(uuid.uuid4())},
        {"title": "Stove", "id": str(uuid.uuid4())},
        {"title": "Stove", "created_at": "2020-01-01T00:00:00+00:00"},
    ],
)
async def test_a_malformed_item_is_422(client, people, body) -> None:
    assert_validation_error(await client.post(ITEMS, json=body, headers=people[0].headers))


async def test_the_longest_title_and_description_are_kept(client, people) -> None:
    made = await create(client, people[0], title="ü" * 200, description="d" * 2000)
    assert (len(made["title"]), len(made["description"])) == (200, 2000)


@pytest.mark.parametrize(
    "raw",
    ['{"title": "A\\ud800"}', '{"title": "Stove", "description": "x\\udfffy"}'],
)
async def test_lone_surrogates_are_422(client, people, raw) -> None:
    response = await client.post(
        ITEMS,
        content=raw,
        headers={**people[0].headers, "Content-Type": "application/json"},
    )
    assert_validation_error(response)


async def test_the_owner_and_a_superuser_read_an_item_and_nobody_else(client, people) -> None:
    ann, bob, admin = people
    made = await create(client, ann)
    url = f"{ITEMS}/{made['id']}"
    for who in (ann, admin):
        response = await client.get(url, headers=who.headers)
        assert (response.status_code, response.json()) == (200, made)
    assert_error(await client.get(url, headers=bob.headers), 404, "not_found")
    assert_error(await client.get(url), 401, "not_authenticated")
    assert_error(
        await client.get(f"{ITEMS}/{uuid.uuid4()}", headers=admin.headers), 404, "not_found"
    )
    assert_validation_error(await client.get(f"{ITEMS}/not-a-uuid", headers=ann.headers))
    assert (await client.get(f"{url}/", headers=ann.headers)).status_code == 404


async def test_the_owner_and_a_superuser_change_an_item(client, people) -> None:
    ann, _, admin = people
    made = await create(client, ann, description="Old")
    url = f"{ITEMS}/{made['id']}"
    changed = await client.patch(url, json={"title": " New "}, headers=ann.headers)
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["title"], body["description"], body["owner_id"]) == ("New", "Old", ann.id)
    assert body["created_at"] == made["created_at"] and body["updated_at"] >= made["updated_at"]
    cleared = await client.patch(url, json={"description": None}, headers=admin.headers)
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["title"], cleared.json()["description"]) == ("New", None)
    assert cleared.json()["owner_id"] == ann.id  # a superuser's change keeps the owner
    assert (await client.get(url, headers=ann.headers)).json() == cleared.json()


async def test_nobody_else_changes_an_item_and_it_stays_as_it_was(client, people) -> None:
    ann, bob, _ = people
    made = await create(client, ann)
    url = f"{ITEMS}/{made['id']}"
    assert_error(
        await client.patch(url, json={"title": "Mine"}, headers=bob.headers), 404, "not_found"
    )
    assert_error(await client.patch(url, json={"title": "Mine"}), 401, "not_authenticated")
    assert_error(
        await client.patch(f"{ITEMS}/{uuid.uuid4()}", json={"title": "x"}, headers=ann.headers),
        404,
        "not_found",
    )
    assert (await client.get(url, headers=ann.headers)).json() == made


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"title": None}, ("body", "title")),
        ({"title": ""}, ("body", "title")),
        ({"description": "x" * 2001}, ("body", "description")),
        ({"owner_id": str(uuid.uuid4())}, ("body", "owner_id")),
        ({"title": "Ok", "is_public": True}, ("body", "is_public")),
    ],
)
async def test_a_malformed_change_is_422_and_changes_nothing(client, people, body, where) -> None:
    ann = people[0]
    made = await create(client, ann)
    url = f"{ITEMS}/{made['id']}"
    problems = assert_validation_error(await client.patch(url, json=body, headers=ann.headers))
    assert where in locations(problems)
    assert (await client.get(url, headers=ann.headers)).json() == made


async def test_the_owner_and_a_superuser_delete_an_item(client, people) -> None:
    ann, bob, admin = people
    first, second = await create(client, ann), await create(client, ann)
    for item, who in ((first, ann), (second, admin)):
        url = f"{ITEMS}/{item['id']}"
        assert_error(await client.delete(url, headers=bob.headers), 404, "not_found")
        assert_error(await client.delete(url), 401, "not_authenticated")
        response = await client.delete(url, headers=who.headers)
        assert (response.status_code, response.content) == (204, b"")
        assert_error(await client.get(url, headers=admin.headers), 404, "not_found")
        assert_error(await client.delete(url, headers=who.headers), 404, "not_found")


async def test_items_need_a_token(client) -> None:
    assert_error(await client.get(ITEMS), 401, "not_authenticated")
    assert_error(await client.post(ITEMS, json={"title": "Stove"}), 401, "not_authenticated")
    bad = {"Authorization": "Bearer not-a-token"}
    assert_error(await client.get(ITEMS, headers=bad), 401, "invalid_token")
