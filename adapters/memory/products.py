from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from adapters.memory.tables import MemoryTable
from application.ports.products import ProductFilter, ProductRepository
from domain.errors import InsufficientStock, NotFound
from domain.products import Product, ProductSort

PRODUCTS = MemoryTable("products")


def _sort_key(sort: ProductSort, product: Product) -> tuple[Any, uuid.UUID]:
    if sort in (ProductSort.PRICE_ASC, ProductSort.PRICE_DESC):
        return product.price, product.id
    if sort is ProductSort.NAME:
        return product.name, product.id
    return product.created_at, product.id


_DESCENDING = {ProductSort.NEWEST, ProductSort.PRICE_DESC}


class InMemoryProductRepository(ProductRepository):
    """Products in a dict, copied in and out as rows would be. Atomic by construction: the
    store runs one unit of work at a time, and a unit of work that is not committed leaves
    the store as it was (so a short line undoes the lines taken before it)."""

    def __init__(self, rows: dict[uuid.UUID, Any], order_lines: dict[uuid.UUID, Any]) -> None:
        self._rows: dict[uuid.UUID, Product] = rows
        self._order_lines = order_lines  # a product that orders name is not deleted

    async def add(self, product: Product) -> None:
        self._rows[product.id] = replace(product)

    async def get(self, product_id: uuid.UUID) -> Product | None:
        product = self._rows.get(product_id)
        return replace(product) if product else None

    async def get_for_update(self, product_id: uuid.UUID) -> Product | None:
        return await self.get(product_id)

    async def get_many(self, product_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Product]:
        return {i: replace(self._rows[i]) for i in set(product_ids) if i in self._rows}

    async def update(self, product: Product) -> None:
        stored = self._rows.get(product.id)
        if stored is not None:
            self._rows[product.id] = replace(product, created_at=stored.created_at)

    async def delete(self, product_id: uuid.UUID) -> bool:
        if any(line.product_id == product_id for line in self._order_lines.values()):
            return False
        self._rows.pop(product_id, None)
        return True

    async def take_stock(self, quantities: Mapping[uuid.UUID, int]) -> None:
        for product_id, quantity in sorted(quantities.items()):
            product = self._rows.get(product_id)
            if product is None or not product.is_active:
                raise NotFound(f"Product {product_id} not found.")
            if product.stock < quantity:
                raise InsufficientStock(product_id)
            self._rows[product_id] = replace(product, stock=product.stock - quantity)

    async def give_back(self, quantities: Mapping[uuid.UUID, int]) -> None:
        for product_id, quantity in sorted(quantities.items()):
            product = self._rows.get(product_id)
            if product is not None:
                self._rows[product_id] = replace(product, stock=product.stock + quantity)

    async def search(
        self,
        where: ProductFilter,
        sort: ProductSort,
        *,
        limit: int,
        offset: int = 0,
        after: tuple[Any, uuid.UUID] | None = None,
    ) -> list[Product]:
        descending = sort in _DESCENDING
        found = sorted(
            (p for p in self._rows.values() if where.matches(p)),
            key=lambda p: _sort_key(sort, p),
            reverse=descending,
        )
        if after is not None:
            found = [
                p
                for p in found
                if (_sort_key(sort, p) < after if descending else _sort_key(sort, p) > after)
            ]
        return [replace(p) for p in found[offset : offset + limit]]

    async def count(self, where: ProductFilter) -> int:
        return sum(1 for p in self._rows.values() if where.matches(p))

    async def search_counted(
        self,
        where: ProductFilter,
        sort: ProductSort,
        *,
        limit: int,
        offset: int = 0,
        after: tuple[Any, uuid.UUID] | None = None,
    ) -> tuple[list[Product], int]:
        rows = await self.search(where, sort, limit=limit, offset=offset, after=after)
        return rows, await self.count(where)
