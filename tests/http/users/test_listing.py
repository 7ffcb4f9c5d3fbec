"""GET /api/v1/users: filters, pages and keyset cursors (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from application.auth.registration import NewAccount
from tests.support.api import PASSWORD
from tests.support.assertions import assert_validation_error, locations
from tests.support.people import superuser

USERS = "/api/v1/users"


@pytest.fixture
async def listing(make_client, sql_database_url):
    """A client, a superuser's headers, and 23 accounts in all (the superuser included)."""
    client = await make_client(sql_database_url)
    root = await superuser(client, email="root@example.com")
    register_user = client.container.auth.register_user()
    for i in range(22):
        account = NewAccount(
            email=f"member{i:02d}@example.com",
            name=f"Member {i:02d}",
            password=PASSWORD,
            is_active=i % 3 != 0,
        )
        await register_user(account)
    return client, root.headers


async def get(client, headers, **params):
    response = await client.get(USERS, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def newest_first(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda u: (u["created_at"], u["id"]), reverse=True)


async def test_the_body_has_the_page_shape_and_items_are_newest_first(listing) -> None:
    client, headers = listing
    body = await get(client, headers)
    assert set(body) == {"items", "total", "page", "size", "pages", "next_cursor"}
    assert (body["total"], body["page"], body["size"], body["pages"]) == (23, 1, 20, 2)
    assert body["items"] == newest_first(body["items"])
    assert body["items"][0]["email"] == "member21@example.com"
    assert body["next_cursor"]


@pytest.mark.parametrize(("size", "pages"), [(1, 23), (5, 5), (22, 2), (23, 1), (100, 1)])
async def test_pages_is_the_ceiling_of_total_over_size(listing, size, pages) -> None:
    client, headers = listing
    body = await get(client, headers, size=size)
    assert (body["total"], body["pages"], len(body["items"])) == (23, pages, min(size, 23))
    last = await get(client, headers, size=size, page=pages)
    assert last["next_cursor"] is None and len(last["items"]) == 23 - size * (pages - 1)
    beyond = await get(client, headers, size=size, page=pages + 1)
    assert (beyond["items"], beyond["next_cursor"], beyond["total"]) == ([], None, 23)


async def test_an_empty_result_has_zero_pages(listing) -> None:
    client, headers = listing
    body = await get(client, headers, q="nobody-at-all")
    assert (body["items"], body["total"], body["pages"], body["next_cursor"]) == ([], 0, 0, None)


@pytest.mark.parametrize(
    "params",
    [
        {"size": 0},
        {"size": 101},
        {"size": -1},
        {"page": 0},
        {"page": -3},
        {"page": 10**30},  # would overflow the database's offset
        {"page": "two"},
        {"size": "ten"},
        {"is_active": "perhaps"},
        {"cursor": ""},
        {"q": "x" * 255},
        {"q": "ann\x00"},  # no e-mail or name holds a control character
    ],
)
async def test_out_of_range_or_malformed_parameters_are_422(listing, params) -> None:
    client, headers = listing
    response = await client.get(USERS, headers=headers, params=params)
    assert ("query", next(iter(params))) in locations(assert_validation_error(response))


@pytest.mark.parametrize(
    ("size", "params"), [(4, {}), (7, {"q": "MEMBER 1"}), (3, {"is_active": "true"})]
)
async def test_walking_by_cursor_gives_exactly_the_pages(listing, size, params) -> None:
    client, headers = listing
    first = await get(client, headers, size=size, **params)
    by_page = [
        item
        for n in range(1, first["pages"] + 1)
        for item in (await get(client, headers, size=size, page=n, **params))["items"]
    ]
    by_cursor, body = list(first["items"]), first
    while body["next_cursor"]:
        body = await get(client, headers, size=size, cursor=body["next_cursor"], **params)
        assert (body["page"], body["total"], body["pages"]) == (
            None,
            first["total"],
            first["pages"],
        )
        assert len(body["items"]) <= size
        by_cursor += body["items"]
    assert by_cursor == by_page == newest_first(by_page)
    assert len(by_cursor) == first["total"]


async def test_filters_by_text_and_activity(listing) -> None:
    client, headers = listing
    members_1x = await get(client, headers, q="  member 1")
    assert {u["name"] for u in members_1x["items"]} == {f"Member 1{i}" for i in range(10)}
    by_email = await get(client, headers, q="MEMBER07@EXAMPLE")
    assert [u["email"] for u in by_email["items"]] == ["member07@example.com"]
    inactive = await get(client, headers, is_active="false")
    assert inactive["total"] == 8 and not any(u["is_active"] for u in inactive["items"])
    active = await get(client, headers, is_active="true", q="member")
    assert active["total"] == 14 and all(u["is_active"] for u in active["items"])
    assert (await get(client, headers, q="%"))["total"] == 0  # literally a percent sign


async def test_a_tampered_cursor_is_422(listing) -> None:
    client, headers = listing
    cursor = (await get(client, headers, size=5))["next_cursor"]
    payload, mac = cursor.split(".")
    for bad in (
        cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"),
        payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + mac,
        payload,
        "garbage",
        cursor + "x",
    ):
        response = await client.get(USERS, headers=headers, params={"size": 5, "cursor": bad})
        assert ("query", "cursor") in locations(assert_validation_error(response))


@pytest.mark.parametrize("other", [{"q": "member"}, {"is_active": "true"}, {"is_active": "false"}])
async def test_a_cursor_with_other_filters_is_422(listing, other) -> None:
    client, headers = listing
    cursor = (await get(client, headers, size=5))["next_cursor"]
    response = await client.get(
        USERS, headers=headers, params={"size": 5, "cursor": cursor, **other}
    )
    assert ("query", "cursor") in locations(assert_validation_error(response))


async def test_a_cursor_may_be_used_with_another_size_but_not_with_page(listing) -> None:
    client, headers = listing
    cursor = (await get(client, headers, size=5))["next_cursor"]
    assert len((await get(client, headers, size=10, cursor=cursor))["items"]) == 10
    for page in ("1", "2"):
        response = await client.get(USERS, headers=headers, params={"cursor": cursor, "page": page})
        assert ("query", "cursor") in locations(assert_validation_error(response))


async def test_a_cursor_from_another_deployment_is_422(
    listing, make_client, sql_database_url
) -> None:
    client, headers = listing
    cursor = (await get(client, headers, size=5))["next_cursor"]
    elsewhere = await make_client(
        sql_database_url, secret_key="another-secret-key-long-enough-98765"
    )
    root = await superuser(elsewhere)
    response = await elsewhere.get(
        USERS, headers=root.headers, params={"size": 5, "cursor": cursor}
    )
    assert ("query", "cursor") in locations(assert_validation_error(response))
