"""The order use cases on every backend: concurrency and idempotency decided by storage."""

from __future__ import annotations

import asyncio

import pytest

from application.idempotency import Replayed
from domain.errors import InsufficientStock, InvalidState, RequestInProgress
from domain.orders import Order
from tests.contract.backends import Backend
from tests.support.shop import Shop, requests
from tests.unit.orders.test_idempotent_orders import Renderer


@pytest.fixture
async def shop(backend: Backend) -> Shop:
    return Shop(lambda **_: backend.uow(), backend.clock)


async def test_fifty_concurrent_orders_for_ten_units_sell_exactly_ten(backend, shop) -> None:
    admin = await backend.add_user(is_superuser=True)
    buyers = [await backend.add_user() for _ in range(5)]
    tea = await shop.product(admin, stock=10)
    results = await asyncio.gather(
        *(shop.order(buyers[i % 5], (tea, 1)) for i in range(50)), return_exceptions=True
    )
    assert sum(isinstance(r, Order) for r in results) == 10
    assert all(isinstance(r, Order | InsufficientStock) for r in results), results
    assert await shop.stock(tea.id) == 0


async def test_concurrent_cancels_restock_once(backend, shop) -> None:
    admin, ann = await backend.add_user(is_superuser=True), await backend.add_user()
    tea = await shop.product(admin, stock=10)
    order = await shop.order(ann, (tea, 4))
    results = await asyncio.gather(
        *(shop.cancel_order(ann, order.id) for _ in range(6)), return_exceptions=True
    )
    assert sum(isinstance(r, Order) for r in results) == 1
    assert all(isinstance(r, Order | InvalidState) for r in results), results
    assert await shop.stock(tea.id) == 10


async def test_concurrent_retries_of_one_idempotent_order_make_one_order(backend, shop) -> None:
    admin, ann = await backend.add_user(is_superuser=True), await backend.add_user()
    tea = await shop.product(admin, stock=10)
    results = await asyncio.gather(
        *(
            shop.place_order.idempotently(ann, requests((tea, 2)), "retry", Renderer())
            for _ in range(20)
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Order) for r in results) == 1
    assert all(isinstance(r, Order | Replayed | RequestInProgress) for r in results), results
    assert await shop.stock(tea.id) == 8
    again = await shop.place_order.idempotently(ann, requests((tea, 2)), "retry", Renderer())
    assert isinstance(again, Replayed) and again.response.status == 201
    assert await shop.stock(tea.id) == 8
