"""The order repository and idempotency records on every backend."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from application.ports.orders import OrderFilter
from domain.idempotency import StoredResponse
from domain.money import parse_price
from domain.orders import LineRequest, Order, OrderStatus
from domain.products import Product
from tests.contract.backends import Backend


async def catalogue(backend: Backend, count: int = 3) -> list[Product]:
    now = backend.clock.now()
    made = [
        Product(
            name=f"P{i}",
            price=parse_price(f"{i + 1}.25"),
            stock=100,
            created_at=now,
            updated_at=now,
        )
        for i in range(count)
    ]
    async with backend.uow() as uow:
        for product in made:
            await uow.products.add(product)
        await uow.commit()
    return made


async def placed(backend: Backend, user_id, products, *quantities: int) -> Order:
    order = Order.place(
        user_id=user_id,
        requested=[
            LineRequest(product_id=p.id, quantity=q)
            for p, q in zip(products, quantities, strict=True)
        ],
        products={p.id: p for p in products},
        now=backend.clock.now(),
    )
    async with backend.uow() as uow:
        await uow.orders.add(order)
        await uow.commit()
    return order


async def test_orders_round_trip_with_their_lines_in_order(backend: Backend) -> None:
    user = await backend.add_user()
    products = await catalogue(backend)
    order = await placed(backend, user.id, list(reversed(products)), 3, 1, 1000)
    async with backend.uow() as uow:
        stored = await uow.orders.get(order.id)
        assert await uow.orders.get(uuid.uuid4()) is None
    assert stored == order
    assert str(stored.total) == "1262.00"  # 3 x 3.25 + 1 x 2.25 + 1000 x 1.25


async def test_a_status_changes_once_however_many_try_at_once(backend: Backend) -> None:
    user = await backend.add_user()
    order = await placed(backend, user.id, await catalogue(backend, 1), 1)

    async def cancel() -> bool:
        async with backend.uow() as uow:
            stored = await uow.orders.get(order.id)
            stored.status = OrderStatus.CANCELLED
            changed = await uow.orders.change_status(
                stored, OrderStatus.PLACED, backend.clock.now()
            )
            await uow.commit()
            return changed

    assert sorted(await asyncio.gather(*(cancel() for _ in range(8)))) == [False] * 7 + [True]
    async with backend.uow() as uow:
        assert (await uow.orders.get(order.id)).status is OrderStatus.CANCELLED


async def test_listing_pages_carry_every_orders_lines(backend: Backend) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    products = await catalogue(backend)
    made = []
    for i in range(5):
        backend.clock.advance(seconds=1)
        made.append(
            await placed(
                backend, (ann if i % 2 else bob).id, products[: 1 + i % 3], *range(1, 2 + i % 3)
            )
        )
    async with backend.uow() as uow:
        newest = list(reversed(made))
        assert await uow.orders.search(OrderFilter(), limit=10) == newest
        assert await uow.orders.count(OrderFilter(user_id=ann.id)) == 2
        first = await uow.orders.search(OrderFilter(), limit=2)
        rest = await uow.orders.search(
            OrderFilter(), limit=10, after=(first[-1].created_at, first[-1].id)
        )
        assert first + rest == newest
        assert await uow.orders.search(OrderFilter(), limit=2, offset=3) == newest[3:5]
        assert await uow.orders.search(OrderFilter(status=OrderStatus.CANCELLED), limit=9) == []


async def test_deleting_the_account_keeps_its_orders_without_an_owner(backend: Backend) -> None:
    user = await backend.add_user()
    order = await placed(backend, user.id, await catalogue(backend, 1), 2)
    async with backend.uow() as uow:
        await uow.idempotency.insert_claim(
            user.id, "k", "f", uuid.uuid4(), backend.clock.now(), backend.clock.now()
        )
        await uow.users.delete(user.id)
        await uow.commit()
    async with backend.uow() as uow:
        kept = await uow.orders.get(order.id)
        keys_left = await uow.idempotency.prune(backend.clock.now() + timedelta(days=9))
    assert kept is not None and kept.user_id is None and kept.lines == order.lines
    assert keys_left == 0  # the account's idempotency keys went with it


async def test_one_claim_per_user_and_key_and_every_step_names_it(backend: Backend) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    now = backend.clock.now()
    token, other = uuid.uuid4(), uuid.uuid4()

    async def claim(user, key, token):
        async with backend.uow() as uow:
            found = await uow.idempotency.insert_claim(
                user.id, key, "print", token, now, now + timedelta(seconds=30)
            )
            await uow.commit()
            return found

    results = await asyncio.gather(*(claim(ann, "k", uuid.uuid4()) for _ in range(10)))
    assert sum(r is None for r in results) == 1
    async with backend.uow() as uow:
        await uow.idempotency.prune(now + timedelta(seconds=1))
        await uow.commit()
    assert await claim(ann, "k", token) is None
    assert await claim(bob, "k", other) is None  # users never collide
    found = await claim(ann, "k", other)
    assert (found.claim_token, found.response, found.fingerprint) == (token, None, "print")
    response = StoredResponse(status=201, body='{"id": "x"}')
    async with backend.uow() as uow:
        assert not await uow.idempotency.complete(ann.id, "k", other, response)
        assert await uow.idempotency.complete(ann.id, "k", token, response)
        await uow.commit()
    done = await claim(ann, "k", other)
    assert (done.response, done.claim_token) == (response, None)
    async with backend.uow() as uow:
        await uow.idempotency.release(ann.id, "k", token)  # done: stays
        assert await uow.idempotency.take_over(done, "new", other, now, now)
        assert not await uow.idempotency.take_over(done, "new", token, now, now)
        await uow.idempotency.release(ann.id, "k", other)
        await uow.commit()
    assert await claim(ann, "k", token) is None
    async with backend.uow() as uow:
        assert await uow.idempotency.prune(now + timedelta(seconds=1)) == 2
        await uow.commit()
