"""Items: things users own. Owners and superusers see and change them, nobody else."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from application.pagination import NEWEST_FIRST, Page, PageRequest, Paginator
from application.ports import Clock, UnitOfWorkFactory
from application.ports.items import ItemFilter
from domain.authorization import ensure_can_see, owner_scope
from domain.errors import NotFound
from domain.items import Item
from domain.users import User


@dataclass(frozen=True, slots=True, kw_only=True)
class NewItem:
    title: str
    description: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemChanges:
    """The fields to change; the ones not given stay as they are (a None description
    clears it)."""

    values: dict[str, str | None] = field(default_factory=dict)


class CreateItem:
    """Create an item owned by the caller."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, actor: User, new: NewItem) -> Item:
        item = Item.create(
            owner_id=actor.id, title=new.title, description=new.description, now=self._clock.now()
        )
        async with self._uow(one_statement=True) as uow:  # the INSERT alone
            await uow.items.add(item)
            await uow.commit()
        return item


class GetItem:
    """One item: the caller's own, or any for a superuser (404 for anyone else)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, actor: User, item_id: uuid.UUID) -> Item:
        async with self._uow(read_only=True) as uow:
            item = await uow.items.get(item_id)
        if item is None:
            raise NotFound()
        ensure_can_see(actor, item.owner_id)
        return item


class ListItems:
    """The caller's items, newest first (`created_at`, then `id`, descending). A superuser
    sees everyone's and may keep one owner's with `owner_id`; for anyone else `owner_id`
    only narrows their own items, so another user's id gives an empty page."""

    def __init__(self, uow: UnitOfWorkFactory, paginator: Paginator) -> None:
        self._uow, self._paginator = uow, paginator

    async def __call__(
        self, actor: User, request: PageRequest, *, owner_id: uuid.UUID | None = None
    ) -> Page[Item]:
        scope = owner_scope(actor, owner_id)
        # Bound to what the page shows, so a cursor cannot carry one caller's scope to another.
        binding = {"listing": "items", "owner_id": scope.owner_id, "nothing": scope.nothing}
        window = self._paginator.window(request, NEWEST_FIRST, binding)
        if scope.nothing:
            return self._paginator.page(request, NEWEST_FIRST, binding, [], 0)
        where = ItemFilter(owner_id=scope.owner_id)
        # One statement (the page and its total together): no transaction needed around it.
        async with self._uow(read_only=True, one_statement=True) as uow:
            rows, total = await uow.items.search_counted(
                where, limit=window.limit, offset=window.offset, after=window.after
            )
        return self._paginator.page(request, NEWEST_FIRST, binding, rows, total)


class UpdateItem:
    """Change an item's `title` and/or `description` (null clears the description): the
    owner or a superuser; 404 for anyone else."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, actor: User, item_id: uuid.UUID, changes: ItemChanges) -> Item:
        async with self._uow() as uow:
            item = await uow.items.get_for_update(item_id)
            if item is None:
                raise NotFound()
            ensure_can_see(actor, item.owner_id)
            item.change(self._clock.now(), **changes.values)
            await uow.items.update(item)
            await uow.commit()
        return item


class DeleteItem:
    """Delete an item: the owner or a superuser; 404 for anyone else."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, actor: User, item_id: uuid.UUID) -> None:
        async with self._uow() as uow:
            item = await uow.items.get_for_update(item_id)
            if item is None:
                raise NotFound()
            ensure_can_see(actor, item.owner_id)
            # False: a concurrent deletion won; the item is gone either way.
            if not await uow.items.delete(item_id):
                raise NotFound()
            await uow.commit()
