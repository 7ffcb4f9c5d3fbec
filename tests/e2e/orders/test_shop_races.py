"""Races on the real `hexapi serve` (real sockets, one connection per request), on SQLite and
PostgreSQL: the database decides, so no unit is sold twice, no order is cancelled twice,
and no idempotent order is placed twice. The three races share one server per backend
(starting one costs seconds)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.api import PASSWORD
from tests.support.live_server import LiveServer, live_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(180)]
ADMIN = "shop-admin@example.com"


@pytest.fixture
def server(tmp_path: Path, sql_database_url: str) -> Iterator[LiveServer]:
    env = {
        "DATABASE_URL": sql_database_url,
        "FIRST_SUPERUSER_EMAIL": ADMIN,
        "FIRST_SUPERUSER_PASSWORD": PASSWORD,
    }
    with live_server(tmp_path, env=env) as running:
        yield running


def headers_of(base_url: str, email: str, *, register: bool) -> dict[str, str]:
    if register:
        body = {"email": email, "name": "Buyer", "password": PASSWORD}
        httpx.post(f"{base_url}/api/v1/auth/register", json=body, timeout=10).raise_for_status()
    form = {"username": email, "password": PASSWORD}
    response = httpx.post(f"{base_url}/api/v1/auth/login", data=form, timeout=10)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def product(base_url: str, admin: dict[str, str], stock: int) -> str:
    body = {"name": "Hot item", "price": "9.99", "stock": stock}
    response = httpx.post(f"{base_url}/api/v1/products", json=body, headers=admin, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def stock_of(base_url: str, product_id: str) -> int:
    return httpx.get(f"{base_url}/api/v1/products/{product_id}", timeout=10).json()["stock"]


async def at_once(count: int, send) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=count)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        return await asyncio.gather(*(send(http) for _ in range(count)))


def fifty_one_unit_orders_against_ten_in_stock_sell_exactly_ten(server) -> None:
    base = server.base_url
    admin = headers_of(base, ADMIN, register=False)
    buyer = headers_of(base, "buyer@example.com", register=True)
    item = product(base, admin, stock=10)
    body = {"lines": [{"product_id": item, "quantity": 1}]}
    responses = asyncio.run(
        at_once(50, lambda http: http.post(f"{base}/api/v1/orders", json=body, headers=buyer))
    )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 10, 409: 40}, [r.text for r in responses if r.status_code >= 500]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"insufficient_stock"}
    assert stock_of(base, item) == 0
    listed = httpx.get(f"{base}/api/v1/orders", headers=buyer, timeout=10).json()
    assert listed["total"] == 10


def concurrent_cancels_of_one_order_give_the_stock_back_once(server) -> None:
    base = server.base_url
    admin = headers_of(base, ADMIN, register=False)
    buyer = headers_of(base, "canceller@example.com", register=True)
    item = product(base, admin, stock=10)
    body = {"lines": [{"product_id": item, "quantity": 4}]}
    order = httpx.post(f"{base}/api/v1/orders", json=body, headers=buyer, timeout=10).json()
    url = f"{base}/api/v1/orders/{order['id']}/cancel"
    responses = asyncio.run(at_once(20, lambda http: http.post(url, headers=buyer)))
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 409: 19}, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"invalid_state"}
    assert stock_of(base, item) == 10


def twenty_concurrent_retries_of_one_idempotent_order_make_one_order(server) -> None:
    base = server.base_url
    admin = headers_of(base, ADMIN, register=False)
    buyer = headers_of(base, "retrier@example.com", register=True)
    item = product(base, admin, stock=10)
    body = {"lines": [{"product_id": item, "quantity": 2}]}
    keyed = {**buyer, "Idempotency-Key": "checkout-7f3a"}
    url = f"{base}/api/v1/orders"
    responses = asyncio.run(at_once(20, lambda http: http.post(url, json=body, headers=keyed)))
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {201, 409} and statuses[201] >= 1, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} <= {"request_in_progress"}
    created = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(created) == 1
    assert (
        sum(
            r.headers.get("Idempotent-Replayed") != "true"
            for r in responses
            if r.status_code == 201
        )
        == 1
    )
    assert stock_of(base, item) == 8
    replay = httpx.post(url, json=body, headers=keyed, timeout=10)
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json()["id"] in created
    listed = httpx.get(url, headers=buyer, timeout=10).json()
    assert listed["total"] == 1 and stock_of(base, item) == 8


def test_the_database_decides_every_race(server) -> None:
    fifty_one_unit_orders_against_ten_in_stock_sell_exactly_ten(server)
    concurrent_cancels_of_one_order_give_the_stock_back_once(server)
    twenty_concurrent_retries_of_one_idempotent_order_make_one_order(server)
    assert "Traceback" not in server.log()
