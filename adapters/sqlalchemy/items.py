from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, Uuid, bindparam, delete, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement

from adapters.sqlalchemy.paging import page_with_total, split_page
from adapters.sqlalchemy.tables.items import items
from adapters.sqlalchemy.types import UtcDateTime
from application.ports.items import ItemFilter, ItemRepository, NewestFirstKey
from domain.items import Item

_i = items.c
_COLUMNS = [c.name for c in items.columns]
_NEWEST_FIRST = (_i.created_at.desc(), _i.id.desc())
# Built once, its values bound per call: `.values(...)` per call coerced every value into the
# statement and hashed them all for the compiled cache's key (a fifth of POST /items's CPU).
_INSERT = insert(items)


def item_from_row(row: Mapping[Any, Any]) -> Item:
    return Item(**{name: row[name] for name in _COLUMNS})


def _conditions(where: ItemFilter) -> list[ColumnElement[bool]]:
    if where.owner_id is None:
        return []
    return [_i.owner_id == where.owner_id]


class SqlAlchemyItemRepository(ItemRepository):
    """Items through SQLAlchemy Core on the unit of work's connection. A page and its total
    are one query together, whatever the page's size or depth."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, item: Item) -> None:
        await self._conn.execute(_INSERT, {name: getattr(item, name) for name in _COLUMNS})

    async def get(self, item_id: uuid.UUID) -> Item | None:
        return await self._one(select(items).where(_i.id == item_id))

    async def get_for_update(self, item_id: uuid.UUID) -> Item | None:
        return await self._one(select(items).where(_i.id == item_id).with_for_update())

    async def update(self, item: Item) -> None:
        await self._conn.execute(
            update(items)
            .where(_i.id == item.id)
            .values(title=item.title, description=item.description, updated_at=item.updated_at)
        )

    async def delete(self, item_id: uuid.UUID) -> bool:
        result = await self._conn.execute(delete(items).where(_i.id == item_id))
        return result.rowcount == 1

    async def search(
        self,
        where: ItemFilter,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> list[Item]:
        statement = _page(where, limit=limit, offset=offset, after=after)
        return [item_from_row(row) for row in (await self._conn.execute(statement)).mappings()]

    async def count(self, where: ItemFilter) -> int:
        return (await self._conn.execute(select(_total(where)))).scalar_one()

    async def search_counted(
        self,
        where: ItemFilter,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> tuple[list[Item], int]:
        statement = page_with_total(
            _page(where, limit=limit, offset=offset, after=after),
            _total(where),
            (("created_at", True), ("id", True)),
        )
        return split_page(await self._conn.execute(statement), item_from_row)

    async def _one(self, statement: Any) -> Item | None:
        row = (await self._conn.execute(statement)).mappings().first()
        return item_from_row(row) if row else None


def _page(
    where: ItemFilter, *, limit: int, offset: int, after: NewestFirstKey | None
) -> Select[Any]:
    conditions = _conditions(where)
    if after is not None:
        conditions.append(
            tuple_(_i.created_at, _i.id)
            < tuple_(
                bindparam("after_created_at", after[0], type_=UtcDateTime),
                bindparam("after_id", after[1], type_=Uuid),
            )
        )
    return select(items).where(*conditions).order_by(*_NEWEST_FIRST).limit(limit).offset(offset)


def _total(where: ItemFilter) -> ColumnElement[int]:
    return select(func.count()).select_from(items).where(*_conditions(where)).scalar_subquery()
