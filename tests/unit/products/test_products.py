"""Product use cases on the memory adapters: who may write, who sees what, listings."""

from __future__ import annotations

import pytest

from application.pagination import PageRequest
from application.ports.products import ProductFilter
from application.products import ProductChanges
from domain.errors import InvalidCursor, NotFound, PermissionDenied, PolicyViolation
from domain.money import Money, parse_price
from domain.products import ProductSort
from tests.support.shop import requests


async def test_only_superusers_write_products(shop, admin, ann) -> None:
    tea = await shop.product(admin)
    with pytest.raises(PermissionDenied):
        await shop.product(ann)
    with pytest.raises(PermissionDenied):
        await shop.update_product(ann, tea.id, ProductChanges(values={"stock": 1}))
    with pytest.raises(PermissionDenied):
        await shop.delete_product(ann, tea.id)
    assert await shop.stored_product(tea.id) == tea


async def test_inactive_products_are_seen_by_superusers_only(shop, admin, ann) -> None:
    hidden = await shop.product(admin, is_active=False)
    assert (await shop.get_product(admin, hidden.id)).id == hidden.id
    for actor in (ann, None):
        with pytest.raises(NotFound):
            await shop.get_product(actor, hidden.id)


async def test_changes_are_checked_and_kept(shop, admin) -> None:
    tea = await shop.product(admin)
    shop.clock.advance(seconds=3)
    changed = await shop.update_product(
        admin, tea.id, ProductChanges(values={"price": parse_price("3"), "description": None})
    )
    assert (str(changed.price), changed.updated_at, changed.created_at) == (
        "3.00",
        shop.clock.now(),
        tea.created_at,
    )
    with pytest.raises(PolicyViolation):
        await shop.update_product(admin, tea.id, ProductChanges(values={"stock": -1}))


async def test_deleting_an_ordered_product_takes_it_off_sale_instead(shop, admin, ann) -> None:
    ordered, unsold = await shop.product(admin), await shop.product(admin)
    await shop.place_order(ann, requests((ordered, 1)))
    await shop.delete_product(admin, ordered.id)
    await shop.delete_product(admin, unsold.id)
    assert (await shop.stored_product(ordered.id)).is_active is False
    assert await shop.stored_product(unsold.id) is None
    with pytest.raises(NotFound):
        await shop.delete_product(admin, unsold.id)


async def test_listing_filters_sorts_and_pages_by_cursor(shop, admin, ann) -> None:
    made = []
    for i, price in enumerate(["5.00", "1.50", "5.00", "9.99", "0.01"]):
        shop.clock.advance(seconds=1)
        made.append(await shop.product(admin, price=price, name=f"Green tea {i}"))
    await shop.product(admin, price="2.00", name="Hidden green", is_active=False)
    where = ProductFilter(q="GREEN", min_price=parse_price("1.50"), max_price=parse_price("5"))
    page = await shop.list_products(ann, where, ProductSort.PRICE_ASC, PageRequest(size=2))
    expected = sorted([made[1], made[0], made[2]], key=lambda p: (p.price, p.id))
    assert page.total == 3 and page.items == expected[:2]
    rest = await shop.list_products(
        ann, where, ProductSort.PRICE_ASC, PageRequest(size=2, cursor=page.next_cursor)
    )
    assert rest.items == expected[2:] and rest.next_cursor is None and rest.page is None
    with pytest.raises(InvalidCursor):  # bound to the sort
        await shop.list_products(
            ann, where, ProductSort.PRICE_DESC, PageRequest(size=2, cursor=page.next_cursor)
        )
    everything = ProductFilter(include_inactive=True)
    assert (await shop.list_products(ann, everything, ProductSort.NEWEST, PageRequest())).total == 5
    assert (await shop.list_products(admin, everything, ProductSort.NAME, PageRequest())).total == 6
    newest = await shop.list_products(None, ProductFilter(), ProductSort.NEWEST, PageRequest())
    assert newest.items == list(reversed(made))
    assert Money.parse("1.5") == made[1].price
