"""The catalogue: anyone reads the products on sale, superusers write them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from application.pagination import NEWEST_FIRST, KeysetOrder, Page, PageRequest, Paginator
from application.ports import Clock, UnitOfWorkFactory
from application.ports.products import ProductFilter
from domain.authorization import ensure_superuser
from domain.errors import NotFound
from domain.money import Money
from domain.products import Product, ProductSort, can_see_product
from domain.users import User


def _money_key(product: Product) -> tuple[Money, uuid.UUID]:
    return product.price, product.id


def _dump_money(key: tuple[Money, uuid.UUID]) -> list[Any]:
    return [str(key[0]), str(key[1])]


def _load_money(values: list[Any]) -> tuple[Money, uuid.UUID]:
    price, product_id = values
    if not isinstance(price, str):
        raise TypeError("price")
    return Money.parse(price), uuid.UUID(product_id)


def _dump_name(key: tuple[str, uuid.UUID]) -> list[Any]:
    return [key[0], str(key[1])]


def _load_name(values: list[Any]) -> tuple[str, uuid.UUID]:
    name, product_id = values
    if not isinstance(name, str):
        raise TypeError("name")
    return name, uuid.UUID(product_id)


SORTS: dict[ProductSort, KeysetOrder[Any, Any]] = {
    ProductSort.NEWEST: NEWEST_FIRST,
    ProductSort.PRICE_ASC: KeysetOrder(
        name="price_asc", key=_money_key, dump=_dump_money, load=_load_money
    ),
    ProductSort.PRICE_DESC: KeysetOrder(
        name="price_desc", key=_money_key, dump=_dump_money, load=_load_money
    ),
    ProductSort.NAME: KeysetOrder(
        name="name", key=lambda p: (p.name, p.id), dump=_dump_name, load=_load_name
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class NewProduct:
    name: str
    price: Money
    description: str | None = None
    stock: int = 0
    is_active: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductChanges:
    """The fields to change; the ones not given stay as they are."""

    values: dict[str, Any] = field(default_factory=dict)


class ListProducts:
    """The products on sale, newest first unless `sort` says otherwise (`price_asc`,
    `price_desc`, `name`; each ends with the id). `q` matches a case-insensitive part of the
    name, `min_price` and `max_price` are inclusive; a superuser may add
    `include_inactive=true`, which is ignored for anyone else."""

    def __init__(self, uow: UnitOfWorkFactory, paginator: Paginator) -> None:
        self._uow, self._paginator = uow, paginator

    async def __call__(
        self, actor: User | None, where: ProductFilter, sort: ProductSort, request: PageRequest
    ) -> Page[Product]:
        if where.include_inactive and not (actor is not None and actor.is_superuser):
            where = ProductFilter(q=where.q, min_price=where.min_price, max_price=where.max_price)
        order = SORTS[sort]
        binding = {
            "listing": "products",
            "q": where.q,
            "min_price": None if where.min_price is None else str(where.min_price),
            "max_price": None if where.max_price is None else str(where.max_price),
            "include_inactive": where.include_inactive,
        }
        window = self._paginator.window(request, order, binding)
        # One statement (the page and its total together): no transaction needed around it.
        async with self._uow(read_only=True, one_statement=True) as uow:
            rows, total = await uow.products.search_counted(
                where, sort, limit=window.limit, offset=window.offset, after=window.after
            )
        return self._paginator.page(request, order, binding, rows, total)


class GetProduct:
    """One product; a product taken off sale is 404 except for a superuser."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, actor: User | None, product_id: uuid.UUID) -> Product:
        async with self._uow(read_only=True) as uow:
            product = await uow.products.get(product_id)
        if product is None or not can_see_product(actor, product):
            raise NotFound()
        return product


class CreateProduct:
    """Add a product to the catalogue (superusers only)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, actor: User, new: NewProduct) -> Product:
        ensure_superuser(actor)
        product = Product.create(
            name=new.name,
            price=new.price,
            description=new.description,
            stock=new.stock,
            is_active=new.is_active,
            now=self._clock.now(),
        )
        async with self._uow() as uow:
            await uow.products.add(product)
            await uow.commit()
        return product


class UpdateProduct:
    """Change any of a product's fields (superusers only). Placed orders keep the names and
    prices they were placed with."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(
        self, actor: User, product_id: uuid.UUID, changes: ProductChanges
    ) -> Product:
        ensure_superuser(actor)
        async with self._uow() as uow:
            # Locked: the stock written back must be the stock now, not before an order.
            product = await uow.products.get_for_update(product_id)
            if product is None:
                raise NotFound()
            product.change(self._clock.now(), **changes.values)
            await uow.products.update(product)
            await uow.commit()
        return product


class DeleteProduct:
    """Delete a product (superusers only). A product that appears in orders is taken off sale
    instead, so the orders keep their lines."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, actor: User, product_id: uuid.UUID) -> None:
        ensure_superuser(actor)
        async with self._uow() as uow:
            product = await uow.products.get_for_update(product_id)
            if product is None:
                raise NotFound()
            if not await uow.products.delete(product_id):
                product.deactivate(self._clock.now())
                await uow.products.update(product)
            await uow.commit()
