"""An order: the products, prices and quantities of one purchase, fixed when it was placed.

`Order.place` copies each product's name and price at that moment (a later price change
does not touch placed orders), merges a product named twice into one line, and computes
every line total and the order total exactly, in `Money`. Stock is not the order's to hold:
the use case takes it from the products in the same unit of work, and gives it back when
`cancel` says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import InvalidState, NotFound, PolicyViolation
from domain.money import Money
from domain.products import Product

MIN_LINES, MAX_LINES = 1, 50
MIN_QUANTITY, MAX_QUANTITY = 1, 1000


class OrderStatus(StrEnum):
    PLACED = "placed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True, kw_only=True)
class LineRequest:
    """One line as a client asks for it: which product, how many."""

    product_id: uuid.UUID
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLine:
    product_id: uuid.UUID
    product_name: str
    unit_price: Money
    quantity: int

    @property
    def line_total(self) -> Money:
        return self.unit_price.times(self.quantity)


def check_lines(requested: Sequence[LineRequest]) -> None:
    if not MIN_LINES <= len(requested) <= MAX_LINES:
        raise PolicyViolation(f"an order has {MIN_LINES} to {MAX_LINES} lines", field="lines")
    for line in requested:
        if isinstance(line.quantity, bool) or not MIN_QUANTITY <= line.quantity <= MAX_QUANTITY:
            raise PolicyViolation(
                f"quantity must be {MIN_QUANTITY} to {MAX_QUANTITY}", field="quantity"
            )


def merge_lines(requested: Sequence[LineRequest]) -> list[LineRequest]:
    """One line per product, in the order products first appear, quantities added up."""
    quantities: dict[uuid.UUID, int] = {}
    for line in requested:
        quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
    return [LineRequest(product_id=p, quantity=q) for p, q in quantities.items()]


@dataclass(slots=True, kw_only=True)
class Order:
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    # None once the account that placed it is deleted: the sale stays on the books.
    user_id: uuid.UUID | None
    status: OrderStatus = OrderStatus.PLACED
    lines: list[OrderLine]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def place(
        cls,
        *,
        user_id: uuid.UUID,
        requested: Sequence[LineRequest],
        products: Mapping[uuid.UUID, Product],
        now: datetime,
    ) -> Order:
        """A new placed order. Every product must exist and be on sale (NotFound names the
        first that is not); stock is checked and taken by the caller, atomically."""
        check_lines(requested)
        lines = []
        for line in merge_lines(requested):
            product = products.get(line.product_id)
            if product is None or not product.is_active:
                raise NotFound(f"Product {line.product_id} not found.")
            lines.append(
                OrderLine(
                    product_id=product.id,
                    product_name=product.name,
                    unit_price=product.price,
                    quantity=line.quantity,
                )
            )
        return cls(user_id=user_id, lines=lines, created_at=now, updated_at=now)

    @property
    def total(self) -> Money:
        total = Money.zero()
        for line in self.lines:
            total = total + line.line_total
        return total

    def quantities(self) -> dict[uuid.UUID, int]:
        """Units per product, in product-id order: the order in which stock rows are locked,
        so two orders over the same products cannot deadlock."""
        wanted: dict[uuid.UUID, int] = {}
        for line in self.lines:
            wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
        return dict(sorted(wanted.items()))

    def cancel(self, now: datetime) -> dict[uuid.UUID, int]:
        """Cancel a placed order; returns the units to give back to stock, per product."""
        if self.status is not OrderStatus.PLACED:
            raise InvalidState("Only a placed order can be cancelled.")
        self.status = OrderStatus.CANCELLED
        self.updated_at = now
        return self.quantities()
