"""The items' use cases over any unit-of-work factory, for unit and contract tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from adapters.security.signing import HmacSigner
from application.items import (
    CreateItem,
    DeleteItem,
    GetItem,
    ItemChanges,
    ListItems,
    NewItem,
    UpdateItem,
)
from application.pagination import PageRequest, Paginator
from application.ports import UnitOfWorkFactory
from domain.items import Item
from domain.users import User
from tests.support.clock import FakeClock


@dataclass
class Items:
    uow: UnitOfWorkFactory
    clock: FakeClock

    def __post_init__(self) -> None:
        paginator = Paginator(HmacSigner("items-test-secret-0123456789-0123456789", "cursor"))
        self.create = CreateItem(self.uow, self.clock)
        self.get = GetItem(self.uow)
        self.list = ListItems(self.uow, paginator)
        self.update = UpdateItem(self.uow, self.clock)
        self.delete = DeleteItem(self.uow)

    async def item(self, owner: User, title: str = "Stove", description: str | None = None) -> Item:
        return await self.create(owner, NewItem(title=title, description=description))

    async def change(self, actor: User, item_id: uuid.UUID, **values: str | None) -> Item:
        return await self.update(actor, item_id, ItemChanges(values=values))

    async def walk(
        self, actor: User, size: int = 2, owner_id: uuid.UUID | None = None
    ) -> list[Item]:
        """Every page of a listing, by cursor, from the first."""
        page = await self.list(actor, PageRequest(size=size), owner_id=owner_id)
        seen = list(page.items)
        while page.next_cursor is not None:
            page = await self.list(
                actor, PageRequest(size=size, cursor=page.next_cursor), owner_id=owner_id
            )
            seen.extend(page.items)
        return seen

    async def stored(self, item_id: uuid.UUID) -> Item | None:
        async with self.uow() as uow:
            return await uow.items.get(item_id)
