"""`Idempotency-Key` on `POST /orders`: replays, reuse, malformed keys, and the mail once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from adapters.sqlalchemy.tables.outbox import email_outbox
from tests.support.assertions import assert_error, assert_validation_error
from tests.support.people import person, superuser

PRODUCTS, ORDERS = "/api/v1/products", "/api/v1/orders"


@pytest.fixture
async def shop(client):
    admin, ann = await superuser(client), await person(client)
    response = await client.post(
        PRODUCTS, json={"name": "Tea", "price": "2.50", "stock": 3}, headers=admin.headers
    )
    return client, admin, ann, response.json()


def order(product, quantity=1) -> dict:
    return {"lines": [{"product_id": product["id"], "quantity": quantity}]}


def keyed(person, key: str) -> dict[str, str]:
    return {**person.headers, "Idempotency-Key": key}


async def confirmations(client, address: str) -> int:
    """Order confirmations queued for `address` (sent or not)."""
    statement = select(func.count()).where(
        email_outbox.c.recipient == address, email_outbox.c.kind == "order_confirmation"
    )
    async with client.container.core.engine().connect() as conn:
        return (await conn.execute(statement)).scalar_one()


async def test_a_retry_gets_the_first_response_replayed_and_nothing_twice(shop) -> None:
    client, _admin, ann, tea = shop
    first = await client.post(ORDERS, json=order(tea, 2), headers=keyed(ann, "abc-1"))
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = await client.post(ORDERS, json=order(tea, 2), headers=keyed(ann, "abc-1"))
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and again.content == first.content
    stock = (await client.get(f"{PRODUCTS}/{tea['id']}")).json()["stock"]
    assert stock == 1
    assert (await client.get(ORDERS, headers=ann.headers)).json()["total"] == 1
    assert await confirmations(client, ann.email) == 1


async def test_the_same_key_with_another_body_is_409(shop) -> None:
    client, _admin, ann, tea = shop
    await client.post(ORDERS, json=order(tea, 1), headers=keyed(ann, "k"))
    response = await client.post(ORDERS, json=order(tea, 2), headers=keyed(ann, "k"))
    assert_error(response, 409, "idempotency_key_reused")
    assert response.json()["product_id"] is None  # the field POST /orders' 409 always has


async def test_a_refusal_is_kept_and_replayed(shop) -> None:
    client, admin, ann, tea = shop
    first = await client.post(ORDERS, json=order(tea, 5), headers=keyed(ann, "k"))
    body = assert_error(first, 409, "insufficient_stock")
    await client.patch(f"{PRODUCTS}/{tea['id']}", json={"stock": 100}, headers=admin.headers)
    again = await client.post(ORDERS, json=order(tea, 5), headers=keyed(ann, "k"))
    assert again.status_code == 409 and again.json() == body
    assert again.headers["Idempotent-Replayed"] == "true"


async def test_keys_of_different_users_never_collide(shop) -> None:
    client, _admin, ann, tea = shop
    bob = await person(client)
    for who in (ann, bob):
        response = await client.post(ORDERS, json=order(tea), headers=keyed(who, "same"))
        assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "tab\tkey"])
async def test_a_malformed_key_is_422(shop, key) -> None:
    client, _admin, ann, tea = shop
    response = await client.post(ORDERS, json=order(tea), headers=keyed(ann, key))
    assert_validation_error(response)


async def test_a_non_ascii_key_is_422(shop) -> None:
    client, _admin, ann, tea = shop
    headers = [(k.encode(), v.encode()) for k, v in ann.headers.items()]
    headers.append((b"Idempotency-Key", "clé".encode("latin-1")))
    response = await client.post(ORDERS, json=order(tea), headers=headers)
    assert_validation_error(response)


async def test_the_widest_key_works(shop) -> None:
    client, _admin, ann, tea = shop
    key = "".join(chr(c) for c in range(0x21, 0x7F)) * 3
    response = await client.post(ORDERS, json=order(tea), headers=keyed(ann, key[:255]))
    assert response.status_code == 201, response.text
