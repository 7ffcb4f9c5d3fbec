"""`/orders` over HTTP: placing, reading, listing, cancelling, and the order mail."""

from __future__ import annotations

import uuid

import pytest

from tests.support.assertions import assert_error, assert_validation_error
from tests.support.people import person, superuser

PRODUCTS, ORDERS = "/api/v1/products", "/api/v1/orders"


async def product(client, admin, price="2.50", stock=10, **fields) -> dict:
    body = {"name": "Tea", "price": price, "stock": stock, **fields}
    response = await client.post(PRODUCTS, json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def stock(client, admin, product_id) -> int:
    return (await client.get(f"{PRODUCTS}/{product_id}", headers=admin.headers)).json()["stock"]


def lines(*pairs) -> dict:
    return {
        "lines": [
            {"product_id": p["id"] if isinstance(p, dict) else str(p), "quantity": q}
            for p, q in pairs
        ]
    }


@pytest.fixture
async def people(client):
    return await superuser(client), await person(client)


async def test_an_order_copies_prices_merges_lines_and_takes_stock(client, people) -> None:
    admin, ann = people
    tea = await product(client, admin, price="2.50", stock=10)
    cake = await product(client, admin, price="19.99", stock=3, name="Cake")
    response = await client.post(
        ORDERS, json=lines((tea, 2), (cake, 3), (tea, 1)), headers=ann.headers
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert set(order) == {"id", "user_id", "status", "lines", "total", "created_at", "updated_at"}
    assert (order["user_id"], order["status"], order["total"]) == (ann.id, "placed", "67.47")
    assert order["lines"] == [
        {
            "product_id": tea["id"],
            "product_name": "Tea",
            "unit_price": "2.50",
            "quantity": 3,
            "line_total": "7.50",
        },
        {
            "product_id": cake["id"],
            "product_name": "Cake",
            "unit_price": "19.99",
            "quantity": 3,
            "line_total": "59.97",
        },
    ]
    assert (await stock(client, admin, tea["id"]), await stock(client, admin, cake["id"])) == (7, 0)
    await client.patch(
        f"{PRODUCTS}/{tea['id']}", json={"price": "9", "name": "New"}, headers=admin.headers
    )
    again = await client.get(f"{ORDERS}/{order['id']}", headers=ann.headers)
    assert again.json() == order


async def test_a_short_line_is_409_naming_the_product_and_nothing_changes(client, people) -> None:
    admin, ann = people
    plenty, short = await product(client, admin, stock=10), await product(client, admin, stock=1)
    response = await client.post(ORDERS, json=lines((plenty, 1), (short, 2)), headers=ann.headers)
    body = assert_error(response, 409, "insufficient_stock")
    assert body["product_id"] == short["id"]
    assert await stock(client, admin, plenty["id"]) == 10
    assert (await client.get(ORDERS, headers=ann.headers)).json()["total"] == 0


async def test_unknown_or_inactive_products_are_404(client, people) -> None:
    admin, ann = people
    tea = await product(client, admin)
    hidden = await product(client, admin, is_active=False)
    for missing in (uuid.uuid4(), hidden["id"]):
        response = await client.post(
            ORDERS, json=lines((tea, 1), (missing, 1)), headers=ann.headers
        )
        assert_error(response, 404, "not_found")
    assert await stock(client, admin, tea["id"]) == 10


@pytest.mark.parametrize(
    "body",
    [
        {"lines": []},
        {"lines": [{"product_id": str(uuid.uuid4()), "quantity": 1}] * 51},
        {"lines": [{"product_id": str(uuid.uuid4()), "quantity": 0}]},
        {"lines": [{"product_id": str(uuid.uuid4()), "quantity": 1001}]},
        {"lines": [{"product_id": str(uuid.uuid4()), "quantity": "2"}]},
        {"lines": [{"product_id": str(uuid.uuid4()), "quantity": 1.5}]},
        {"lines": [{"product_id": "nope", "quantity": 1}]},
        {"lines": [{"product_id": str(uuid.uuid4()), "quantity": 1, "unit_price": "0.01"}]},
        {"lines": [], "user_id": str(uuid.uuid4())},
        {},
    ],
)
async def test_malformed_orders_are_422(client, people, body) -> None:
    assert_validation_error(await client.post(ORDERS, json=body, headers=people[1].headers))


async def test_orders_need_a_token(client) -> None:
    assert_error(await client.post(ORDERS, json=lines((uuid.uuid4(), 1))), 401, "not_authenticated")
    assert_error(await client.get(ORDERS), 401, "not_authenticated")
    assert_error(await client.get(f"{ORDERS}/{uuid.uuid4()}"), 401, "not_authenticated")
    assert_error(await client.post(f"{ORDERS}/{uuid.uuid4()}/cancel"), 401, "not_authenticated")


async def test_an_order_is_seen_and_cancelled_by_its_owner_or_a_superuser(client, people) -> None:
    admin, ann = people
    bob = await person(client)
    tea = await product(client, admin, stock=10)
    order = (await client.post(ORDERS, json=lines((tea, 4)), headers=ann.headers)).json()
    url = f"{ORDERS}/{order['id']}"
    assert_error(await client.get(url, headers=bob.headers), 404, "not_found")
    assert_error(await client.post(f"{url}/cancel", headers=bob.headers), 404, "not_found")
    assert (await client.get(url, headers=admin.headers)).json() == order
    cancelled = await client.post(f"{url}/cancel", headers=admin.headers)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["updated_at"] >= order["updated_at"]
    assert await stock(client, admin, tea["id"]) == 10
    assert_error(await client.post(f"{url}/cancel", headers=ann.headers), 409, "invalid_state")
    assert await stock(client, admin, tea["id"]) == 10
    assert_error(
        await client.get(f"{ORDERS}/{uuid.uuid4()}", headers=ann.headers), 404, "not_found"
    )
    assert_validation_error(await client.get(f"{ORDERS}/nope", headers=ann.headers))


async def test_listing_own_orders_or_all_with_filters(client, people) -> None:
    admin, ann = people
    bob = await person(client)
    tea = await product(client, admin, stock=100)
    mine = [
        (await client.post(ORDERS, json=lines((tea, i + 1)), headers=ann.headers)).json()
        for i in range(3)
    ]
    theirs = (await client.post(ORDERS, json=lines((tea, 1)), headers=bob.headers)).json()
    await client.post(f"{ORDERS}/{mine[0]['id']}/cancel", headers=ann.headers)

    async def ids(who, **params) -> list[str]:
        response = await client.get(ORDERS, params=params, headers=who.headers)
        assert response.status_code == 200, response.text
        return [o["id"] for o in response.json()["items"]]

    assert await ids(ann) == [o["id"] for o in reversed(mine)]
    assert await ids(ann, user_id=bob.id) == [o["id"] for o in reversed(mine)]  # ignored
    assert await ids(ann, status="cancelled") == [mine[0]["id"]]
    assert await ids(admin) == [theirs["id"], *(o["id"] for o in reversed(mine))]
    assert await ids(admin, user_id=bob.id) == [theirs["id"]]
    assert await ids(admin, user_id=ann.id, status="placed") == [mine[2]["id"], mine[1]["id"]]
    page = (await client.get(ORDERS, params={"size": 2}, headers=ann.headers)).json()
    assert len(page["items"]) == 2 and all(o["lines"] for o in page["items"])
    rest = await client.get(
        ORDERS, params={"size": 2, "cursor": page["next_cursor"]}, headers=ann.headers
    )
    assert [o["id"] for o in rest.json()["items"]] == [mine[0]["id"]]
    wrong = await client.get(
        ORDERS,
        params={"size": 2, "cursor": page["next_cursor"], "status": "placed"},
        headers=ann.headers,
    )
    assert_validation_error(wrong)
    assert_validation_error(
        await client.get(ORDERS, params={"status": "shipped"}, headers=ann.headers)
    )


async def test_a_deleted_account_leaves_its_orders_without_an_owner(client, people) -> None:
    admin, ann = people
    tea = await product(client, admin)
    order = (await client.post(ORDERS, json=lines((tea, 1)), headers=ann.headers)).json()
    assert (await client.delete("/api/v1/users/me", headers=ann.headers)).status_code == 204
    kept = (await client.get(f"{ORDERS}/{order['id']}", headers=admin.headers)).json()
    assert kept["user_id"] is None and kept["lines"] == order["lines"]


async def test_a_page_of_orders_costs_the_same_number_of_queries_whatever_its_size(
    client, people
) -> None:
    from sqlalchemy import event

    admin, ann = people
    products = [await product(client, admin, stock=100) for _ in range(3)]
    for _ in range(6):
        await client.post(ORDERS, json=lines(*((p, 1) for p in products)), headers=ann.headers)
    engine = client.container.core.engine().sync_engine
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        per_size = {}
        for size in (1, 6):
            statements.clear()
            response = await client.get(ORDERS, params={"size": size}, headers=ann.headers)
            assert len(response.json()["items"]) == size
            per_size[size] = len(statements)
            # The caller's session check, the count, the orders, and all their lines at once.
            assert len(statements) == 4, statements
            assert sum("FROM order_lines" in s for s in statements) == 1
        assert per_size[1] == per_size[6]
    finally:
        event.remove(engine, "before_cursor_execute", count)
