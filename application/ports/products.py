from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from domain.money import Money
from domain.products import Product, ProductSort


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductFilter:
    """Which products a listing shows. `q`: a case-insensitive substring of the name;
    `min_price`/`max_price` are inclusive; inactive products only with `include_inactive`."""

    q: str | None = None
    min_price: Money | None = None
    max_price: Money | None = None
    include_inactive: bool = False

    @property
    def is_unfiltered(self) -> bool:
        """Only the active/inactive choice: the case a kept count can answer."""
        return self.q is None and self.min_price is None and self.max_price is None

    def matches(self, product: Product) -> bool:
        if not self.include_inactive and not product.is_active:
            return False
        if self.min_price is not None and product.price < self.min_price:
            return False
        if self.max_price is not None and product.price > self.max_price:
            return False
        return not self.q or self.q.lower() in product.name.lower()


class ProductRepository(Protocol):
    """The catalogue; part of a unit of work. Stock only changes through `take_stock` and
    `give_back`, which are atomic per product whatever runs beside them."""

    async def add(self, product: Product) -> None: ...

    async def get(self, product_id: uuid.UUID) -> Product | None: ...

    async def get_for_update(self, product_id: uuid.UUID) -> Product | None:
        """Like `get`, with the row locked until the unit of work ends, so that writing it
        back cannot undo a concurrent change of its stock."""
        ...

    async def get_many(self, product_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Product]:
        """The products among `product_ids` that exist (active or not), by id, in one query."""
        ...

    async def update(self, product: Product) -> None:
        """Write back every field of `product` but `created_at`."""
        ...

    async def delete(self, product_id: uuid.UUID) -> bool:
        """Delete a product that no order names; False (nothing deleted) when one does."""
        ...

    async def take_stock(self, quantities: Mapping[uuid.UUID, int]) -> None:
        """Take `quantities` units of each active product, one conditional update per product
        in product-id order; raises InsufficientStock naming the first product short of
        stock (or NotFound for one gone or taken off sale meanwhile). The unit of work must
        then be rolled back: the products taken before stay taken until it is."""
        ...

    async def give_back(self, quantities: Mapping[uuid.UUID, int]) -> None:
        """Return units to stock (a cancelled order), in product-id order."""
        ...

    async def search(
        self,
        where: ProductFilter,
        sort: ProductSort,
        *,
        limit: int,
        offset: int = 0,
        after: tuple[Any, uuid.UUID] | None = None,
    ) -> list[Product]:
        """Matching products in `sort` order (ending with id): skip `offset`, or start
        strictly after the position `after` = (sort value, id); at most `limit`."""
        ...

    async def count(self, where: ProductFilter) -> int:
        """How many products match, exactly."""
        ...

    async def search_counted(
        self,
        where: ProductFilter,
        sort: ProductSort,
        *,
        limit: int,
        offset: int = 0,
        after: tuple[Any, uuid.UUID] | None = None,
    ) -> tuple[list[Product], int]:
        """`search` and `count` together, as of one moment (one statement on a database)."""
        ...
