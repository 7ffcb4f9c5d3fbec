from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    Uuid,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement

from adapters.sqlalchemy.paging import page_with_total, split_page
from adapters.sqlalchemy.tables.orders import order_lines
from adapters.sqlalchemy.tables.products import product_counts, products
from adapters.sqlalchemy.text_search import contains_text
from adapters.sqlalchemy.types import MoneyType, UtcDateTime
from application.ports.products import ProductFilter, ProductRepository
from domain.errors import InsufficientStock, NotFound
from domain.products import Product, ProductSort

_p = products.c
_INSERT = insert(products)  # its values bound per call, see items.py
_COLUMNS = [c.name for c in products.columns]
# (sort columns, descending?) for each sort; each ends with the id.
_SORTS: dict[ProductSort, tuple[tuple[Any, Any], bool]] = {
    ProductSort.NEWEST: ((_p.created_at, UtcDateTime()), True),
    ProductSort.PRICE_ASC: ((_p.price, MoneyType()), False),
    ProductSort.PRICE_DESC: ((_p.price, MoneyType()), True),
    ProductSort.NAME: ((_p.name, None), False),
}
# One statement, both dialects: add to the kept counts, creating their row the first time.
_ADD_TO_COUNTS = text(
    "INSERT INTO product_counts (id, on_sale, total) VALUES (1, :on_sale, :total) "
    "ON CONFLICT (id) DO UPDATE SET on_sale = product_counts.on_sale + excluded.on_sale, "
    "total = product_counts.total + excluded.total"
)


def product_from_row(row: Mapping[Any, Any]) -> Product:
    return Product(**{name: row[name] for name in _COLUMNS})


def product_to_row(product: Product) -> dict[str, Any]:
    return {name: getattr(product, name) for name in _COLUMNS}


def product_conditions(where: ProductFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if not where.include_inactive:
        conditions.append(_p.is_active)  # as the partial indexes spell it
    if where.min_price is not None:
        conditions.append(_p.price >= where.min_price)
    if where.max_price is not None:
        conditions.append(_p.price <= where.max_price)
    if where.q:  # served by the trigram index of migration 0005 on PostgreSQL
        conditions.append(contains_text(where.q, _p.name))
    return conditions


class SqlAlchemyProductRepository(ProductRepository):
    """Products through SQLAlchemy Core on the unit of work's connection.

    Stock is taken by one conditional UPDATE per product (`stock >= :q` in its WHERE), in
    product-id order: the database serialises takers on the row and re-checks the condition
    for each, so stock never goes below zero and two orders lock rows in the same order.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, product: Product) -> None:
        await self._conn.execute(_INSERT, product_to_row(product))
        await self._count(on_sale=int(product.is_active), total=1)

    async def get(self, product_id: uuid.UUID) -> Product | None:
        return await self._one(select(products).where(_p.id == product_id))

    async def get_for_update(self, product_id: uuid.UUID) -> Product | None:
        return await self._one(select(products).where(_p.id == product_id).with_for_update())

    async def get_many(self, product_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Product]:
        wanted = sorted(set(product_ids))
        if not wanted:
            return {}
        result = await self._conn.execute(select(products).where(_p.id.in_(wanted)))
        return {row["id"]: product_from_row(row) for row in result.mappings()}

    async def update(self, product: Product) -> None:
        # The kept counts change with the activation, so the row as it was is read first
        # (locked: the use case locked it already, so this costs a round trip, not a wait).
        before = await self._conn.execute(
            select(_p.is_active).where(_p.id == product.id).with_for_update()
        )
        was_active = before.scalar_one_or_none()
        if was_active is None:
            return
        row = product_to_row(product)
        del row["id"], row["created_at"]
        await self._conn.execute(update(products).where(_p.id == product.id).values(row))
        if was_active != product.is_active:
            await self._count(on_sale=1 if product.is_active else -1, total=0)

    async def delete(self, product_id: uuid.UUID) -> bool:
        ordered = await self._conn.execute(
            select(exists().where(order_lines.c.product_id == product_id))
        )
        if ordered.scalar_one():
            return False
        result = await self._conn.execute(
            delete(products).where(_p.id == product_id).returning(_p.is_active)
        )
        gone = result.first()
        if gone is not None:
            await self._count(on_sale=-int(gone.is_active), total=-1)
        return True

    async def take_stock(self, quantities: Mapping[uuid.UUID, int]) -> None:
        statement = (
            update(products)
            .where(
                _p.id == bindparam("product_id", type_=Uuid),
                _p.stock >= bindparam("quantity"),
                _p.is_active,
            )
            .values(stock=_p.stock - bindparam("quantity"))
        )
        for product_id, quantity in sorted(quantities.items()):
            result = await self._conn.execute(
                statement, {"product_id": product_id, "quantity": quantity}
            )
            if result.rowcount != 1:
                await self._explain_shortfall(product_id)

    async def give_back(self, quantities: Mapping[uuid.UUID, int]) -> None:
        statement = (
            update(products)
            .where(_p.id == bindparam("product_id", type_=Uuid))
            .values(stock=_p.stock + bindparam("quantity"))
        )
        for product_id, quantity in sorted(quantities.items()):
            await self._conn.execute(statement, {"product_id": product_id, "quantity": quantity})

    async def search(
        self,
        where: ProductFilter,
        sort: ProductSort,
        *,
        limit: int,
        offset: int = 0,
        after: tuple[Any, uuid.UUID] | None = None,
    ) -> list[Product]:
        statement = _page(where, sort, keyset=after is not None)
        result = await self._conn.execute(statement, _window(limit, offset, after))
        return [product_from_row(row) for row in result.mappings()]

    async def count(self, where: ProductFilter) -> int:
        return (await self._conn.execute(select(_total(where)))).scalar_one()

    async def search_counted(
        self,
        where: ProductFilter,
        sort: ProductSort,
        *,
        limit: int,
        offset: int = 0,
        after: tuple[Any, uuid.UUID] | None = None,
    ) -> tuple[list[Product], int]:
        if where.is_unfiltered:
            statement = _kept_count_page(sort, where.include_inactive, keyset=after is not None)
        else:
            statement = _counted_page(where, sort, keyset=after is not None)
        result = await self._conn.execute(statement, _window(limit, offset, after))
        return split_page(result, product_from_row)

    async def _explain_shortfall(self, product_id: uuid.UUID) -> None:
        product = await self.get(product_id)
        if product is None or not product.is_active:  # deleted or taken off sale meanwhile
            raise NotFound(f"Product {product_id} not found.")
        raise InsufficientStock(product_id)

    async def _count(self, *, on_sale: int, total: int) -> None:
        await self._conn.execute(_ADD_TO_COUNTS, {"on_sale": on_sale, "total": total})

    async def _one(self, statement: Any) -> Product | None:
        row = (await self._conn.execute(statement)).mappings().first()
        return product_from_row(row) if row else None


def _window(limit: int, offset: int, after: tuple[Any, uuid.UUID] | None) -> dict[str, Any]:
    """The values of a page statement's parameters (see `_page`)."""
    window: dict[str, Any] = {"page_limit": limit, "page_offset": offset}
    if after is not None:
        window["after_value"], window["after_id"] = after
    return window


@functools.cache
def _kept_count_page(sort: ProductSort, include_inactive: bool, *, keyset: bool) -> Select[Any]:
    """The unfiltered listing's statement, built once per shape: building the subqueries
    anew for every request cost more CPU than running the statement (measured)."""
    where = ProductFilter(include_inactive=include_inactive)
    return _counted_page(where, sort, keyset=keyset)


def _counted_page(where: ProductFilter, sort: ProductSort, *, keyset: bool) -> Select[Any]:
    (column, _), descending = _SORTS[sort]
    return page_with_total(
        _page(where, sort, keyset=keyset),
        _total(where),
        ((column.name, descending), ("id", descending)),
    )


def _page(where: ProductFilter, sort: ProductSort, *, keyset: bool) -> Select[Any]:
    """The page's statement; its window is bound at execution (`_window`): `page_limit`,
    `page_offset`, and with `keyset` the position `after_value`, `after_id`."""
    (column, column_type), descending = _SORTS[sort]
    conditions = product_conditions(where)
    if keyset:
        position = tuple_(
            bindparam("after_value", type_=column_type or column.type),
            bindparam("after_id", type_=Uuid),
        )
        row_value = tuple_(column, _p.id)
        conditions.append(row_value < position if descending else row_value > position)
    order = (column.desc(), _p.id.desc()) if descending else (column.asc(), _p.id.asc())
    return (
        select(products)
        .where(*conditions)
        .order_by(*order)
        .limit(bindparam("page_limit", type_=Integer))
        .offset(bindparam("page_offset", type_=Integer))
    )


def _total(where: ProductFilter) -> ColumnElement[int]:
    """How many products match, as one expression: the kept count when it can answer."""
    if where.is_unfiltered:
        column = product_counts.c.total if where.include_inactive else product_counts.c.on_sale
        kept = select(column).where(product_counts.c.id == 1).scalar_subquery()
        return func.coalesce(kept, 0)
    statement = select(func.count()).select_from(products).where(*product_conditions(where))
    return statement.scalar_subquery()
