"""The product repository on every backend: rows, stock, listings and the kept count."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from application.ports.products import ProductFilter
from domain.errors import InsufficientStock, NotFound
from domain.money import Money, parse_price
from domain.products import Product, ProductSort
from tests.contract.backends import Backend


def new_product(backend: Backend, **fields) -> Product:
    values = {
        "name": "Tea",
        "price": Money.parse("9.99"),
        "stock": 10,
        "created_at": backend.clock.now(),
        "updated_at": backend.clock.now(),
    }
    values.update(fields)
    return Product(**values)


async def add(backend: Backend, **fields) -> Product:
    product = new_product(backend, **fields)
    async with backend.uow() as uow:
        await uow.products.add(product)
        await uow.commit()
    return product


async def get(backend: Backend, product_id: uuid.UUID) -> Product | None:
    async with backend.uow() as uow:
        return await uow.products.get(product_id)


async def test_products_round_trip_exactly(backend: Backend) -> None:
    product = await add(
        backend,
        name="Grüner Tee 🍵",
        description="Line one\nline two",
        price=parse_price("1000000"),
    )
    assert await get(backend, product.id) == product
    cheap = await add(backend, price=parse_price("0.01"), is_active=False)
    async with backend.uow() as uow:
        assert await uow.products.get_many([product.id, cheap.id, uuid.uuid4()]) == {
            product.id: product,
            cheap.id: cheap,
        }


async def test_taking_stock_is_all_or_nothing(backend: Backend) -> None:
    plenty, short = await add(backend, stock=10), await add(backend, stock=1)
    with pytest.raises(InsufficientStock) as raised:
        async with backend.uow() as uow:
            await uow.products.take_stock({plenty.id: 3, short.id: 2})
            await uow.commit()
    assert raised.value.product_id == short.id
    assert (await get(backend, plenty.id)).stock == 10
    async with backend.uow() as uow:
        await uow.products.take_stock({plenty.id: 3, short.id: 1})
        await uow.commit()
    assert ((await get(backend, plenty.id)).stock, (await get(backend, short.id)).stock) == (7, 0)
    async with backend.uow() as uow:
        await uow.products.give_back({plenty.id: 3, short.id: 1})
        await uow.commit()
    assert ((await get(backend, plenty.id)).stock, (await get(backend, short.id)).stock) == (10, 1)


async def test_stock_of_a_product_gone_or_off_sale_is_not_found(backend: Backend) -> None:
    hidden = await add(backend, is_active=False)
    for product_id in (hidden.id, uuid.uuid4()):
        with pytest.raises(NotFound):
            async with backend.uow() as uow:
                await uow.products.take_stock({product_id: 1})


async def test_concurrent_takers_never_take_more_than_there_is(backend: Backend) -> None:
    product = await add(backend, stock=10)

    async def take_one() -> bool:
        try:
            async with backend.uow() as uow:
                await uow.products.take_stock({product.id: 1})
                await uow.commit()
        except InsufficientStock:
            return False
        return True

    results = await asyncio.gather(*(take_one() for _ in range(30)))
    assert sum(results) == 10 and (await get(backend, product.id)).stock == 0


async def test_the_kept_count_follows_adds_activations_and_deletes(backend: Backend) -> None:
    on_sale, everything = ProductFilter(), ProductFilter(include_inactive=True)

    async def counts() -> tuple[int, int]:
        async with backend.uow() as uow:
            return await uow.products.count(on_sale), await uow.products.count(everything)

    assert await counts() == (0, 0)
    first, second = await add(backend), await add(backend, is_active=False)
    assert await counts() == (1, 2)
    for changes, expected in (
        ({"is_active": True}, (2, 2)),
        ({"name": "Same"}, (2, 2)),
        ({"is_active": False}, (1, 2)),
    ):
        async with backend.uow() as uow:
            product = await uow.products.get_for_update(second.id)
            product.change(backend.clock.now(), **changes)
            await uow.products.update(product)
            await uow.commit()
        assert await counts() == expected
    async with backend.uow() as uow:
        assert await uow.products.delete(first.id)
        await uow.commit()
    assert await counts() == (0, 1)
    async with backend.uow() as uow:  # rolled back: the count too
        await uow.products.delete(second.id)
    assert await counts() == (0, 1)


async def test_listing_filters_sorts_and_keyset_pages_agree(backend: Backend) -> None:
    prices = ["5.00", "1.50", "5.00", "9.99", "0.01", "1000000.00", "1.49"]
    made = []
    for i, price in enumerate(prices):
        made.append(
            await add(
                backend,
                name=["b tea", "A TEA", "c tea", "Émile tea", "tea", "b tea", "zzz"][i],
                price=parse_price(price),
                created_at=backend.clock.now() + timedelta(seconds=i % 3),
                is_active=i != 6,
            )
        )
    keys = {
        ProductSort.NEWEST: (lambda p: (p.created_at, p.id), True),
        ProductSort.PRICE_ASC: (lambda p: (p.price, p.id), False),
        ProductSort.PRICE_DESC: (lambda p: (p.price, p.id), True),
        ProductSort.NAME: (lambda p: (p.name, p.id), False),
    }
    filters = [
        ProductFilter(),
        ProductFilter(include_inactive=True),
        ProductFilter(q="TEA", min_price=parse_price("1.50"), max_price=parse_price("9.99")),
        ProductFilter(q="b t"),
        ProductFilter(q="%"),
    ]
    for where in filters:
        for sort, (key, descending) in keys.items():
            expected = sorted((p for p in made if where.matches(p)), key=key, reverse=descending)
            async with backend.uow() as uow:
                assert await uow.products.count(where) == len(expected)
                assert await uow.products.search(where, sort, limit=100) == expected
                paged, after = [], None
                while True:
                    rows = await uow.products.search(where, sort, limit=2, after=after)
                    if not rows:
                        break
                    paged += rows
                    after = key(rows[-1])
                assert paged == expected, (where, sort)
                assert await uow.products.search(where, sort, limit=2, offset=1) == expected[1:3]


async def test_a_product_that_orders_name_is_not_deleted(backend: Backend) -> None:
    from domain.orders import LineRequest, Order

    user = await backend.add_user()
    product = await add(backend)
    order = Order.place(
        user_id=user.id,
        requested=[LineRequest(product_id=product.id, quantity=1)],
        products={product.id: product},
        now=backend.clock.now(),
    )
    async with backend.uow() as uow:
        await uow.orders.add(order)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.products.delete(product.id) is False
        await uow.commit()
    assert await get(backend, product.id) == product


async def test_a_page_counted_is_the_search_and_the_count_of_one_moment(backend: Backend) -> None:
    made = [
        await add(
            backend,
            name=f"tea {i}",
            price=parse_price(f"{i + 1}.00"),
            created_at=backend.clock.now() + timedelta(seconds=i // 2),
            is_active=i % 4 != 3,
        )
        for i in range(9)
    ]
    newest = sorted(made, key=lambda p: (p.created_at, p.id), reverse=True)
    filters = [
        ProductFilter(),  # the kept count
        ProductFilter(include_inactive=True),
        ProductFilter(q="TEA", min_price=parse_price("2.00")),  # counted
        ProductFilter(q="nothing"),
    ]
    keys = {
        ProductSort.NEWEST: lambda p: (p.created_at, p.id),
        ProductSort.PRICE_ASC: lambda p: (p.price, p.id),
        ProductSort.PRICE_DESC: lambda p: (p.price, p.id),
        ProductSort.NAME: lambda p: (p.name, p.id),
    }
    for where in filters:
        for sort, key in keys.items():
            windows = [
                {"limit": 3},
                {"limit": 3, "offset": 2},
                {"limit": 3, "offset": 100},  # beyond the end: no rows, still the total
                {"limit": 2, "after": key(made[4])},
            ]
            for window in windows:
                async with backend.uow() as uow:
                    expected = (
                        await uow.products.search(where, sort, **window),
                        await uow.products.count(where),
                    )
                    counted = await uow.products.search_counted(where, sort, **window)
                assert counted == expected, (where, sort, window)
    async with backend.uow() as uow:
        rows, total = await uow.products.search_counted(
            ProductFilter(), ProductSort.NEWEST, limit=3
        )
    assert total == sum(p.is_active for p in made)
    assert rows == [p for p in newest if p.is_active][:3]
