from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.orders import Order, OrderStatus

# A position in the newest-first order: (created_at, id) of the last order already shown.
NewestFirstKey = tuple[datetime, uuid.UUID]


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderFilter:
    """Which orders a listing shows: one user's (None: everyone's), of one status or all."""

    user_id: uuid.UUID | None = None
    status: OrderStatus | None = None

    def matches(self, order: Order) -> bool:
        if self.user_id is not None and order.user_id != self.user_id:
            return False
        return self.status is None or order.status is self.status


class OrderRepository(Protocol):
    """Orders with their lines; part of a unit of work."""

    async def add(self, order: Order) -> None: ...

    async def get(self, order_id: uuid.UUID) -> Order | None: ...

    async def change_status(self, order: Order, expected: OrderStatus, now: datetime) -> bool:
        """Write `order.status` only if the stored status is still `expected`; False when it
        is not (a concurrent change won), so a state change happens once."""
        ...

    async def search(
        self,
        where: OrderFilter,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> list[Order]:
        """Matching orders newest first, each with its lines, in a fixed number of queries
        whatever the page size."""
        ...

    async def count(self, where: OrderFilter) -> int: ...
