from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Uuid, bindparam, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement

from adapters.sqlalchemy.tables.orders import order_lines, orders
from adapters.sqlalchemy.types import UtcDateTime
from application.ports.orders import NewestFirstKey, OrderFilter, OrderRepository
from domain.orders import Order, OrderLine, OrderStatus

_o, _l = orders.c, order_lines.c
_NEWEST_FIRST = (_o.created_at.desc(), _o.id.desc())


def _conditions(where: OrderFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.user_id is not None:
        conditions.append(_o.user_id == where.user_id)
    if where.status is not None:
        conditions.append(_o.status == where.status.value)
    return conditions


def _line_from_row(row: Mapping[Any, Any]) -> OrderLine:
    return OrderLine(
        product_id=row["product_id"],
        product_name=row["product_name"],
        unit_price=row["unit_price"],
        quantity=row["quantity"],
    )


def _order_from_row(row: Mapping[Any, Any], lines: list[OrderLine]) -> Order:
    return Order(
        id=row["id"],
        user_id=row["user_id"],
        status=OrderStatus(row["status"]),
        lines=lines,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class SqlAlchemyOrderRepository(OrderRepository):
    """Orders and their lines through SQLAlchemy Core. A page of orders is two queries
    whatever its size: the orders, then all their lines at once."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, order: Order) -> None:
        await self._conn.execute(
            insert(orders).values(
                id=order.id,
                user_id=order.user_id,
                status=order.status.value,
                total=order.total,
                created_at=order.created_at,
                updated_at=order.updated_at,
            )
        )
        await self._conn.execute(
            insert(order_lines),
            [
                {
                    "order_id": order.id,
                    "position": position,
                    "product_id": line.product_id,
                    "product_name": line.product_name,
                    "unit_price": line.unit_price,
                    "quantity": line.quantity,
                    "line_total": line.line_total,
                }
                for position, line in enumerate(order.lines)
            ],
        )

    async def get(self, order_id: uuid.UUID) -> Order | None:
        found = await self._with_lines(select(orders).where(_o.id == order_id))
        return found[0] if found else None

    async def change_status(self, order: Order, expected: OrderStatus, now: datetime) -> bool:
        result = await self._conn.execute(
            update(orders)
            .where(_o.id == order.id, _o.status == expected.value)
            .values(status=order.status.value, updated_at=now)
        )
        return result.rowcount == 1

    async def search(
        self,
        where: OrderFilter,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> list[Order]:
        conditions = _conditions(where)
        if after is not None:
            conditions.append(
                tuple_(_o.created_at, _o.id)
                < tuple_(
                    bindparam("after_created_at", after[0], type_=UtcDateTime),
                    bindparam("after_id", after[1], type_=Uuid),
                )
            )
        statement = (
            select(orders).where(*conditions).order_by(*_NEWEST_FIRST).limit(limit).offset(offset)
        )
        return await self._with_lines(statement)

    async def count(self, where: OrderFilter) -> int:
        statement = select(func.count()).select_from(orders).where(*_conditions(where))
        return (await self._conn.execute(statement)).scalar_one()

    async def _with_lines(self, statement: Any) -> list[Order]:
        rows = list((await self._conn.execute(statement)).mappings())
        if not rows:
            return []
        lines: dict[uuid.UUID, list[OrderLine]] = defaultdict(list)
        result = await self._conn.execute(
            select(order_lines)
            .where(_l.order_id.in_([row["id"] for row in rows]))
            .order_by(_l.order_id, _l.position)
        )
        for line in result.mappings():
            lines[line["order_id"]].append(_line_from_row(line))
        return [_order_from_row(row, lines[row["id"]]) for row in rows]
