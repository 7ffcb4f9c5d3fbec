from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from adapters.memory.tables import DELETE_ROWS, MemoryTable
from application.ports.items import ItemFilter, ItemRepository, NewestFirstKey
from domain.items import Item

# Items go with the account that owns them, as ON DELETE CASCADE does in SQL.
ITEMS = MemoryTable("items", owner="owner_id", on_account_deleted=DELETE_ROWS)


class InMemoryItemRepository(ItemRepository):
    """Items in a dict, copied in and out as rows would be; the store runs one unit of work
    at a time, so every read is already "for update"."""

    def __init__(self, rows: dict[uuid.UUID, Any]) -> None:
        self._rows: dict[uuid.UUID, Item] = rows

    async def add(self, item: Item) -> None:
        self._rows[item.id] = replace(item)

    async def get(self, item_id: uuid.UUID) -> Item | None:
        item = self._rows.get(item_id)
        return replace(item) if item else None

    async def get_for_update(self, item_id: uuid.UUID) -> Item | None:
        return await self.get(item_id)

    async def update(self, item: Item) -> None:
        stored = self._rows.get(item.id)
        if stored is not None:
            self._rows[item.id] = replace(
                stored,
                title=item.title,
                description=item.description,
                updated_at=item.updated_at,
            )

    async def delete(self, item_id: uuid.UUID) -> bool:
        return self._rows.pop(item_id, None) is not None

    async def search(
        self,
        where: ItemFilter,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> list[Item]:
        found = sorted(
            (i for i in self._rows.values() if where.matches(i)),
            key=lambda i: (i.created_at, i.id),
            reverse=True,
        )
        if after is not None:
            found = [i for i in found if (i.created_at, i.id) < after]
        return [replace(i) for i in found[offset : offset + limit]]

    async def count(self, where: ItemFilter) -> int:
        return sum(1 for i in self._rows.values() if where.matches(i))

    async def search_counted(
        self,
        where: ItemFilter,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> tuple[list[Item], int]:
        rows = await self.search(where, limit=limit, offset=offset, after=after)
        return rows, await self.count(where)
