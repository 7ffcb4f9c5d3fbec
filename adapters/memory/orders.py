from __future__ import annotations

import copy
import uuid
from datetime import datetime
from typing import Any

from adapters.memory.tables import NULL_OWNER, MemoryTable
from application.ports.orders import NewestFirstKey, OrderFilter, OrderRepository
from domain.orders import Order, OrderLine, OrderStatus

# Orders outlive the account that placed them, as ON DELETE SET NULL does in SQL.
ORDERS = MemoryTable("orders", owner="user_id", on_account_deleted=NULL_OWNER)
ORDER_LINES = MemoryTable("order_lines")


class InMemoryOrderRepository(OrderRepository):
    """Orders in a dict, and their lines in a table of their own (as in SQL), so a product's
    deletion can ask whether any order names it."""

    def __init__(self, rows: dict[uuid.UUID, Any], lines: dict[uuid.UUID, Any]) -> None:
        self._rows: dict[uuid.UUID, Order] = rows
        self._lines: dict[uuid.UUID, OrderLine] = lines

    async def add(self, order: Order) -> None:
        self._rows[order.id] = copy.deepcopy(order)
        for line in order.lines:
            self._lines[uuid.uuid4()] = line

    async def get(self, order_id: uuid.UUID) -> Order | None:
        order = self._rows.get(order_id)
        return copy.deepcopy(order) if order else None

    async def change_status(self, order: Order, expected: OrderStatus, now: datetime) -> bool:
        stored = self._rows.get(order.id)
        if stored is None or stored.status is not expected:
            return False
        changed = copy.deepcopy(stored)
        changed.status, changed.updated_at = order.status, now
        self._rows[order.id] = changed
        return True

    async def search(
        self,
        where: OrderFilter,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> list[Order]:
        found = sorted(
            (o for o in self._rows.values() if where.matches(o)),
            key=lambda o: (o.created_at, o.id),
            reverse=True,
        )
        if after is not None:
            found = [o for o in found if (o.created_at, o.id) < after]
        return [copy.deepcopy(o) for o in found[offset : offset + limit]]

    async def count(self, where: OrderFilter) -> int:
        return sum(1 for o in self._rows.values() if where.matches(o))
