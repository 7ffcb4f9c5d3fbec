from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.items import Item

# A position in the newest-first order: (created_at, id) of the last item already shown.
NewestFirstKey = tuple[datetime, uuid.UUID]


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemFilter:
    """Which items a listing shows: one owner's, or everyone's (None)."""

    owner_id: uuid.UUID | None = None

    def matches(self, item: Item) -> bool:
        return self.owner_id is None or item.owner_id == self.owner_id


class ItemRepository(Protocol):
    """Items, each owned by one account (they go with it); part of a unit of work."""

    async def add(self, item: Item) -> None: ...

    async def get(self, item_id: uuid.UUID) -> Item | None: ...

    async def get_for_update(self, item_id: uuid.UUID) -> Item | None:
        """Like `get`, with the row locked until the unit of work ends, so that two changes
        of different fields at once cannot undo each other."""
        ...

    async def update(self, item: Item) -> None:
        """Write back the title, description and updated_at of `item`."""
        ...

    async def delete(self, item_id: uuid.UUID) -> bool:
        """Delete one item; False when there was none."""
        ...

    async def search(
        self,
        where: ItemFilter,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> list[Item]:
        """Matching items newest first (created_at desc, then id desc): skip `offset`, or
        start strictly after the position `after`; at most `limit`, in one query."""
        ...

    async def count(self, where: ItemFilter) -> int:
        """How many items match, exactly."""
        ...

    async def search_counted(
        self,
        where: ItemFilter,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> tuple[list[Item], int]:
        """`search` and `count` together, as of one moment (one statement on a database)."""
        ...
