"""Order use cases on the memory adapters: stock, mail, visibility, cancellation."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from application.pagination import PageRequest
from domain.errors import InsufficientStock, InvalidState, NotFound, PolicyViolation
from domain.orders import OrderStatus
from tests.support.accounts import make_user


def mails(store) -> list:
    return [q.message for q in store.table("email_outbox").values()]


async def test_placing_takes_stock_and_queues_the_confirmation_with_the_order(
    shop, store, admin, ann
) -> None:
    tea = await shop.product(admin, price="2.50", stock=10)
    cake = await shop.product(admin, price="19.99", stock=3, name="Cake")
    order = await shop.order(ann, (tea, 2), (cake, 3), (tea, 1))
    assert [(line.product_name, line.quantity) for line in order.lines] == [("Tea", 3), ("Cake", 3)]
    assert str(order.total) == "67.47"
    assert (await shop.stock(tea.id), await shop.stock(cake.id)) == (7, 0)
    assert await shop.stored_order(order.id) == order
    [mail] = mails(store)
    assert mail.to == ann.email and mail.kind == "order_confirmation"
    assert str(order.id) in mail.body and "67.47" in mail.body and "3 x Cake" in mail.body


async def test_one_short_line_rolls_the_whole_order_back(shop, store, admin, ann) -> None:
    first = await shop.product(admin, stock=10)
    short = await shop.product(admin, stock=1)
    ids = sorted([first.id, short.id])
    with pytest.raises(InsufficientStock) as raised:
        await shop.order(ann, (first, 1), (short, 2))
    assert raised.value.product_id == short.id
    assert (await shop.stock(first.id), await shop.stock(short.id)) == (10, 1)
    assert store.table("orders") == {} and mails(store) == []
    assert ids  # both products took part whatever their id order


async def test_unknown_and_inactive_products_are_not_found_and_change_nothing(
    shop, store, admin, ann
) -> None:
    tea = await shop.product(admin, stock=5)
    hidden = await shop.product(admin, stock=5, is_active=False)
    for missing in (uuid.uuid4(), hidden.id):
        with pytest.raises(NotFound):
            await shop.order(ann, (tea, 1), (missing, 1))
    assert await shop.stock(tea.id) == 5 and store.table("orders") == {}


async def test_concurrent_one_unit_orders_never_oversell(shop, admin) -> None:
    tea = await shop.product(admin, stock=10)
    buyers = [make_user() for _ in range(50)]
    results = await asyncio.gather(
        *(shop.order(b, (tea, 1)) for b in buyers), return_exceptions=True
    )
    placed = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert (len(placed), len(refused), await shop.stock(tea.id)) == (10, 40, 0)


async def test_cancelling_gives_stock_back_once(shop, admin, ann) -> None:
    tea = await shop.product(admin, stock=10)
    order = await shop.order(ann, (tea, 4))
    results = await asyncio.gather(
        *(shop.cancel_order(ann, order.id) for _ in range(5)), return_exceptions=True
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, InvalidState) for r in results if isinstance(r, BaseException))
    assert await shop.stock(tea.id) == 10
    assert (await shop.stored_order(order.id)).status is OrderStatus.CANCELLED


async def test_orders_are_seen_by_their_owner_and_superusers_only(shop, admin, ann) -> None:
    tea = await shop.product(admin, stock=10)
    order = await shop.order(ann, (tea, 1))
    bob = make_user()
    assert (await shop.get_order(admin, order.id)).id == order.id
    for attempt in (shop.get_order, shop.cancel_order):
        with pytest.raises(NotFound):
            await attempt(bob, order.id)
    assert await shop.stock(tea.id) == 9


async def test_listing_own_orders_or_everyones_for_superusers(shop, admin, ann) -> None:
    tea = await shop.product(admin, stock=100)
    bob = make_user()
    mine = []
    for _ in range(3):
        shop.clock.advance(seconds=1)
        mine.append(await shop.order(ann, (tea, 1)))
    await shop.order(bob, (tea, 1))
    await shop.cancel_order(ann, mine[0].id)
    page = await shop.list_orders(ann, PageRequest(size=2), user_id=bob.id)
    assert page.total == 3 and [o.id for o in page.items] == [mine[2].id, mine[1].id]
    rest = await shop.list_orders(ann, PageRequest(size=2, cursor=page.next_cursor), user_id=bob.id)
    assert [o.id for o in rest.items] == [mine[0].id] and rest.next_cursor is None
    assert (await shop.list_orders(admin, PageRequest())).total == 4
    assert (await shop.list_orders(admin, PageRequest(), user_id=bob.id)).total == 1
    cancelled = await shop.list_orders(ann, PageRequest(), status=OrderStatus.CANCELLED)
    assert [o.id for o in cancelled.items] == [mine[0].id]


async def test_order_size_rules_are_checked_before_anything(shop, admin, ann) -> None:
    tea = await shop.product(admin, stock=100)
    with pytest.raises(PolicyViolation):
        await shop.order(ann)
    with pytest.raises(PolicyViolation):
        await shop.order(ann, (tea, 1001))
