"""Item use cases on the memory adapters: ownership, changes, listings, account deletion."""

from __future__ import annotations

import uuid

import pytest

from application.pagination import PageRequest
from domain.errors import InvalidCursor, NotFound, PolicyViolation


async def test_an_item_belongs_to_its_creator(items, ann) -> None:
    made = await items.item(ann, "Stove", "Two burners")
    assert (made.owner_id, made.title, made.description) == (ann.id, "Stove", "Two burners")
    assert made.created_at == made.updated_at == items.clock.now()
    assert await items.get(ann, made.id) == made == await items.stored(made.id)


async def test_nobody_but_the_owner_and_superusers_sees_or_touches_an_item(
    items, ann, bob, admin
) -> None:
    made = await items.item(ann)
    for attempt in (
        items.get(bob, made.id),
        items.change(bob, made.id, title="Mine now"),
        items.delete(bob, made.id),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert await items.stored(made.id) == made
    assert (await items.get(admin, made.id)).id == made.id
    assert (await items.change(admin, made.id, title="Checked")).title == "Checked"
    await items.delete(admin, made.id)
    assert await items.stored(made.id) is None


async def test_an_unknown_item_is_not_found_for_everyone(items, ann, admin) -> None:
    for actor in (ann, admin):
        with pytest.raises(NotFound):
            await items.get(actor, uuid.uuid4())
        with pytest.raises(NotFound):
            await items.change(actor, uuid.uuid4(), title="x")
        with pytest.raises(NotFound):
            await items.delete(actor, uuid.uuid4())


async def test_a_change_keeps_what_it_does_not_name(items, ann) -> None:
    made = await items.item(ann, "Stove", "Old")
    items.clock.advance(seconds=3)
    changed = await items.change(ann, made.id, title="Big stove")
    assert (changed.title, changed.description) == ("Big stove", "Old")
    assert (changed.created_at, changed.updated_at) == (made.created_at, items.clock.now())
    cleared = await items.change(ann, made.id, description=None)
    assert (cleared.title, cleared.description) == ("Big stove", None)
    assert await items.stored(made.id) == cleared


async def test_a_refused_change_stores_nothing(items, ann) -> None:
    made = await items.item(ann, "Stove", "Old")
    with pytest.raises(PolicyViolation):
        await items.change(ann, made.id, description="fine", title="")
    assert await items.stored(made.id) == made


async def test_a_user_lists_their_own_items_newest_first(items, ann, bob) -> None:
    mine = []
    for i in range(5):
        items.clock.advance(seconds=1)
        mine.append(await items.item(ann, f"A{i}"))
        await items.item(bob, f"B{i}")
    newest = list(reversed(mine))
    page = await items.list(ann, PageRequest(size=2))
    assert (page.items, page.total, page.page, page.pages) == (newest[:2], 5, 1, 3)
    assert await items.walk(ann) == newest
    third = await items.list(ann, PageRequest(size=2, page=3))
    assert (third.items, third.next_cursor) == (newest[4:], None)
    assert await items.walk(ann, owner_id=ann.id) == newest


async def test_another_owner_id_narrows_a_users_own_items_to_none(items, ann, bob) -> None:
    await items.item(ann)
    await items.item(bob)
    page = await items.list(ann, PageRequest(), owner_id=bob.id)
    assert (page.items, page.total, page.pages, page.next_cursor) == ([], 0, 0, None)


async def test_a_superuser_lists_everyones_items_or_one_owners(items, ann, bob, admin) -> None:
    made = []
    for owner in (ann, bob, ann, admin):
        items.clock.advance(seconds=1)
        made.append(await items.item(owner))
    assert await items.walk(admin) == list(reversed(made))
    assert await items.walk(admin, owner_id=ann.id) == [made[2], made[0]]
    assert await items.walk(admin, owner_id=uuid.uuid4()) == []


async def test_items_made_at_the_same_moment_are_ordered_by_id(items, ann) -> None:
    made = [await items.item(ann, f"T{i}") for i in range(6)]  # the clock stands still
    assert await items.walk(ann, size=4) == sorted(made, key=lambda i: i.id, reverse=True)


async def test_a_cursor_is_bound_to_its_caller_and_filter(items, ann, bob, admin) -> None:
    for owner in (ann, ann, ann, bob):
        await items.item(owner)
    cursor = (await items.list(ann, PageRequest(size=1))).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidCursor):  # another caller: another listing
        await items.list(bob, PageRequest(size=1, cursor=cursor))
    with pytest.raises(InvalidCursor):
        await items.list(admin, PageRequest(size=1, cursor=cursor))
    with pytest.raises(InvalidCursor):  # an empty narrowed listing still checks its cursor
        await items.list(ann, PageRequest(size=1, cursor=cursor), owner_id=bob.id)
    with pytest.raises(InvalidCursor):
        await items.list(ann, PageRequest(size=1, cursor=cursor[:-2]))
    # The same listing spelled with the owner's own id is the same listing.
    assert len((await items.list(ann, PageRequest(size=1, cursor=cursor), owner_id=ann.id)).items)


async def test_deleting_an_account_deletes_its_items_only(items, store, ann, bob) -> None:
    gone, kept = await items.item(ann), await items.item(bob)
    async with items.uow() as uow:
        await uow.users.add(ann)
        await uow.users.add(bob)
        await uow.commit()
    async with items.uow() as uow:
        await uow.users.delete(ann.id)
        await uow.commit()
    assert await items.stored(gone.id) is None
    assert await items.stored(kept.id) == kept
    assert set(store.table("items")) == {kept.id}
