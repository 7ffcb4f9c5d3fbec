"""`GET /products`: filters, the four sorts, and cursors bound to both."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.support.assertions import assert_validation_error
from tests.support.people import superuser

PRODUCTS = "/api/v1/products"
CATALOGUE = [
    ("Green tea", "4.50"),
    ("black TEA", "3.00"),
    ("Coffee", "4.50"),
    ("Tea cake", "12.00"),
    ("Mug", "0.99"),
    ("Teapot 100%", "30.00"),
]


@pytest.fixture
async def shop(client):
    admin = await superuser(client)
    made = []
    for name, price in CATALOGUE:
        response = await client.post(
            PRODUCTS, json={"name": name, "price": price, "stock": 1}, headers=admin.headers
        )
        made.append(response.json())
    hidden = await client.post(
        PRODUCTS,
        json={"name": "Old tea", "price": "1.00", "is_active": False},
        headers=admin.headers,
    )
    return client, admin, made, hidden.json()


async def walk(client, params, size=2, headers=None) -> list[dict]:
    """Every item of a listing, page after page by cursor; checks the envelope on the way."""
    first = (await client.get(PRODUCTS, params={**params, "size": size}, headers=headers)).json()
    items, body = list(first["items"]), first
    assert first["page"] == 1 and first["pages"] == -(-first["total"] // size)
    while body["next_cursor"]:
        response = await client.get(
            PRODUCTS,
            params={**params, "size": size, "cursor": body["next_cursor"]},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["page"] is None and body["total"] == first["total"]
        items += body["items"]
    assert len(items) == first["total"]
    return items


async def test_newest_first_by_default(shop) -> None:
    client, _admin, made, _hidden = shop
    items = await walk(client, {})
    expected = sorted(made, key=lambda p: (p["created_at"], p["id"]), reverse=True)
    assert [p["id"] for p in items] == [p["id"] for p in expected]


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("price_asc", lambda p: (Decimal(p["price"]), p["id"]), False),
        ("price_desc", lambda p: (Decimal(p["price"]), p["id"]), True),
        ("name", lambda p: (p["name"], p["id"]), False),
        ("newest", lambda p: (p["created_at"], p["id"]), True),
    ],
)
async def test_each_sort_ends_with_the_id_and_pages_by_cursor(shop, sort, key, reverse) -> None:
    client, _admin, made, _hidden = shop
    items = await walk(client, {"sort": sort})
    assert [p["id"] for p in items] == [p["id"] for p in sorted(made, key=key, reverse=reverse)]


async def test_q_and_an_inclusive_price_range_filter(shop) -> None:
    client, _admin, _made, _hidden = shop
    items = await walk(
        client, {"q": " TEA ", "min_price": "3", "max_price": "12.00", "sort": "price_asc"}
    )
    assert [p["name"] for p in items] == ["black TEA", "Green tea", "Tea cake"]
    assert [p["name"] for p in await walk(client, {"q": "100%"})] == ["Teapot 100%"]
    assert await walk(client, {"q": "_"}) == []
    assert await walk(client, {"min_price": "31"}) == []


async def test_include_inactive_is_for_superusers(shop) -> None:
    client, admin, made, hidden = shop
    everything = await walk(client, {"include_inactive": "true"}, headers=admin.headers)
    assert hidden["id"] in [p["id"] for p in everything] and len(everything) == len(made) + 1
    assert len(await walk(client, {"include_inactive": "true"})) == len(made)


async def test_a_cursor_is_bound_to_the_filters_and_the_sort(shop) -> None:
    client, admin, _made, _hidden = shop
    first = (await client.get(PRODUCTS, params={"size": 1, "sort": "name", "q": "tea"})).json()
    cursor = first["next_cursor"]
    for params in (
        {"sort": "price_asc", "q": "tea"},
        {"sort": "name"},
        {"sort": "name", "q": "tea", "min_price": "1"},
        {"sort": "name", "q": "tea", "page": 2},
    ):
        response = await client.get(PRODUCTS, params={"size": 1, "cursor": cursor, **params})
        assert_validation_error(response)
    # A superuser's include_inactive changes the listing, so its cursor does not carry over.
    response = await client.get(
        PRODUCTS,
        params={
            "size": 1,
            "cursor": cursor,
            "sort": "name",
            "q": "tea",
            "include_inactive": "true",
        },
        headers=admin.headers,
    )
    assert_validation_error(response)
    assert_validation_error(await client.get(PRODUCTS, params={"cursor": cursor[:-2] + "xx"}))


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "cheapest"},
        {"min_price": "0"},
        {"max_price": "1.999"},
        {"min_price": "abc"},
        {"q": "a\x01"},
        {"q": "x" * 201},
        {"size": 0},
        {"size": 101},
        {"page": 0},
        {"cursor": ""},
    ],
)
async def test_bad_query_values_are_422(client, params) -> None:
    assert_validation_error(await client.get(PRODUCTS, params=params))
