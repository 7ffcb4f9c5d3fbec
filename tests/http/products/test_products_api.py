"""`/products` over HTTP: every row of the contract (the storage behind it is proven on every
backend by the contract tests; races run on SQLite and PostgreSQL in test_shop_races)."""

from __future__ import annotations

import uuid

import pytest

from tests.support.api import bearer
from tests.support.assertions import assert_error, assert_validation_error
from tests.support.people import person, superuser

PRODUCTS = "/api/v1/products"


@pytest.fixture
async def api(client):
    return client


async def create(api, admin, **fields):
    body = {"name": "Tea", "price": "9.99", "stock": 10, **fields}
    response = await api.post(PRODUCTS, json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_superuser_creates_reads_changes_and_deletes_a_product(api) -> None:
    admin = await superuser(api)
    made = await create(api, admin, description="Green", price=19.9, stock=3)
    assert set(made) == {
        "id",
        "name",
        "description",
        "price",
        "stock",
        "is_active",
        "created_at",
        "updated_at",
    }
    assert (made["price"], made["stock"], made["is_active"]) == ("19.90", 3, True)
    assert made["created_at"].endswith("+00:00")
    url = f"{PRODUCTS}/{made['id']}"
    assert (await api.get(url)).json() == made
    changed = await api.patch(url, json={"price": "20", "description": None}, headers=admin.headers)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["price"], changed.json()["description"]) == ("20.00", None)
    assert (await api.delete(url, headers=admin.headers)).status_code == 204
    assert_error(await api.get(url, headers=admin.headers), 404, "not_found")
    assert_error(await api.delete(url, headers=admin.headers), 404, "not_found")


@pytest.mark.parametrize(
    "price",
    [
        "19.999",
        "0",
        "0.00",
        "-1",
        "1000000.01",
        19.999,
        0,
        True,
        None,
        "1e2",
        "abc",
        19.900000000000000001,
        1e400,
    ],
)
async def test_a_price_out_of_range_or_with_more_than_two_places_is_422(api, price) -> None:
    admin = await superuser(api)
    body = (
        '{"name": "Tea", "price": '
        + (
            f'"{price}"'
            if isinstance(price, str)
            else str(price).lower()
            if not isinstance(price, bool)
            else "true"
        )
        + "}"
    )
    if price is None:
        body = '{"name": "Tea", "price": null}'
    if isinstance(price, float) and price != 19.999:
        body = (
            '{"name": "Tea", "price": '
            + ("19.900000000000000001" if price < 100 else "1e400")
            + "}"
        )
    response = await api.post(
        PRODUCTS, content=body, headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert_validation_error(response)


@pytest.mark.parametrize(
    ("price", "expected"),
    [("1000000", "1000000.00"), ("0.01", "0.01"), (7, "7.00"), ("12.5", "12.50")],
)
async def test_valid_prices_come_back_with_exactly_two_places(api, price, expected) -> None:
    admin = await superuser(api)
    assert (await create(api, admin, price=price))["price"] == expected


async def test_a_json_number_is_read_exactly_not_as_a_float(api) -> None:
    admin = await superuser(api)
    response = await api.post(
        PRODUCTS,
        content='{"name": "Tea", "price": 0.29}',
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 201 and response.json()["price"] == "0.29"


@pytest.mark.parametrize("stock", ["3.0", "3", "0.3e1"])
async def test_a_whole_number_of_stock_is_taken_however_it_is_written(api, stock) -> None:
    # JSON Schema's `integer` admits 3.0, so a generated client may send it.
    admin = await superuser(api)
    response = await api.post(
        PRODUCTS,
        content=f'{{"name": "Tea", "price": "1.00", "stock": {stock}}}',
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["stock"] == 3


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "price": "1"},
        {"name": "  ", "price": "1"},
        {"name": "x" * 201, "price": "1"},
        {"name": "a\x00b", "price": "1"},
        {"name": "T", "price": "1", "stock": -1},
        {"name": "T", "price": "1", "stock": "3"},
        {"name": "T", "price": "1", "stock": 3.5},
        {"name": "T", "price": "1", "stock": True},
        {"name": "T", "price": "1", "is_superuser": True},
        {"name": "T", "price": "1", "description": "x" * 5001},
        {"price": "1"},
        {"name": "T"},
    ],
)
async def test_invalid_bodies_are_422(api, body) -> None:
    admin = await superuser(api)
    assert_validation_error(await api.post(PRODUCTS, json=body, headers=admin.headers))


async def test_writes_are_for_superusers_403_for_others_401_anonymous(api) -> None:
    admin, ann = await superuser(api), await person(api)
    made = await create(api, admin)
    url = f"{PRODUCTS}/{made['id']}"
    body = {"name": "Tea", "price": "1"}
    assert_error(await api.post(PRODUCTS, json=body, headers=ann.headers), 403, "forbidden")
    assert_error(await api.patch(url, json={"stock": 0}, headers=ann.headers), 403, "forbidden")
    assert_error(await api.delete(url, headers=ann.headers), 403, "forbidden")
    assert_error(await api.post(PRODUCTS, json=body), 401, "not_authenticated")
    assert_error(await api.patch(url, json={"stock": 0}), 401, "not_authenticated")
    assert_error(await api.delete(url), 401, "not_authenticated")
    assert_error(await api.get(url, headers=bearer("garbage")), 401, "invalid_token")
    assert (await api.get(url)).json() == made


async def test_inactive_products_are_404_except_for_superusers(api) -> None:
    admin, ann = await superuser(api), await person(api)
    hidden = await create(api, admin, is_active=False)
    url = f"{PRODUCTS}/{hidden['id']}"
    assert (await api.get(url, headers=admin.headers)).status_code == 200
    assert_error(await api.get(url, headers=ann.headers), 404, "not_found")
    assert_error(await api.get(url), 404, "not_found")
    listed = await api.get(PRODUCTS, params={"include_inactive": "true"}, headers=ann.headers)
    assert listed.json()["total"] == 0  # ignored for anyone else
    listed = await api.get(PRODUCTS, params={"include_inactive": "true"}, headers=admin.headers)
    assert [p["id"] for p in listed.json()["items"]] == [hidden["id"]]
    assert (await api.get(PRODUCTS, headers=admin.headers)).json()["total"] == 0


async def test_deleting_an_ordered_product_deactivates_it(api) -> None:
    admin, ann = await superuser(api), await person(api)
    made = await create(api, admin)
    order = await api.post(
        "/api/v1/orders",
        json={"lines": [{"product_id": made["id"], "quantity": 1}]},
        headers=ann.headers,
    )
    assert order.status_code == 201, order.text
    url = f"{PRODUCTS}/{made['id']}"
    assert (await api.delete(url, headers=admin.headers)).status_code == 204
    kept = await api.get(url, headers=admin.headers)
    assert kept.status_code == 200 and kept.json()["is_active"] is False
    assert_error(await api.get(url), 404, "not_found")
    again = await api.get(f"/api/v1/orders/{order.json()['id']}", headers=ann.headers)
    assert again.json()["lines"] == order.json()["lines"]


async def test_unknown_and_malformed_ids(api) -> None:
    admin = await superuser(api)
    assert_error(await api.get(f"{PRODUCTS}/{uuid.uuid4()}"), 404, "not_found")
    assert_error(
        await api.patch(f"{PRODUCTS}/{uuid.uuid4()}", json={"stock": 1}, headers=admin.headers),
        404,
        "not_found",
    )
    assert_validation_error(await api.get(f"{PRODUCTS}/not-a-uuid"))


async def test_a_patch_refuses_explicit_nulls_but_null_clears_the_description(api) -> None:
    admin = await superuser(api)
    made = await create(api, admin, description="text")
    url = f"{PRODUCTS}/{made['id']}"
    for body in (
        {"name": None},
        {"price": None},
        {"stock": None},
        {"is_active": None},
        {"id": str(uuid.uuid4())},
        {"price": "0.001"},
    ):
        assert_validation_error(await api.patch(url, json=body, headers=admin.headers))
    cleared = await api.patch(url, json={"description": None}, headers=admin.headers)
    assert cleared.json()["description"] is None
