"""The item repository, and the item use cases over it, on every backend."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from application.pagination import PageRequest
from application.ports.items import ItemFilter
from domain.errors import NotFound
from domain.items import MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH, Item
from tests.contract.backends import Backend
from tests.support.items import Items


def new_item(backend: Backend, owner_id: uuid.UUID, **fields) -> Item:
    values = {
        "owner_id": owner_id,
        "title": "Stove",
        "created_at": backend.clock.now(),
        "updated_at": backend.clock.now(),
    }
    values.update(fields)
    return Item(**values)


async def add(backend: Backend, owner_id: uuid.UUID, **fields) -> Item:
    item = new_item(backend, owner_id, **fields)
    async with backend.uow() as uow:
        await uow.items.add(item)
        await uow.commit()
    return item


async def get(backend: Backend, item_id: uuid.UUID) -> Item | None:
    async with backend.uow() as uow:
        return await uow.items.get(item_id)


@pytest.fixture
def items(backend: Backend) -> Items:
    return Items(lambda **_: backend.uow(), backend.clock)


async def test_items_round_trip_exactly(backend: Backend) -> None:
    owner = await backend.add_user()
    texts = await add(
        backend,
        owner.id,
        title="Grüner Tee 🍵" + "x" * (MAX_TITLE_LENGTH - 12),
        description="Line one\nline two\r\n\t" + "é" * (MAX_DESCRIPTION_LENGTH - 21),
    )
    bare = await add(backend, owner.id, description=None)
    assert await get(backend, texts.id) == texts
    assert await get(backend, bare.id) == bare
    assert await get(backend, uuid.uuid4()) is None
    assert texts.created_at.microsecond == backend.clock.now().microsecond


async def test_an_update_writes_the_text_and_its_time_only(backend: Backend) -> None:
    owner, other = await backend.add_user(), await backend.add_user()
    item = await add(backend, owner.id, description="Old")
    later = backend.clock.advance(seconds=5)
    changed = Item(
        id=item.id,
        owner_id=other.id,
        title="New",
        description=None,
        created_at=later,
        updated_at=later,
    )
    async with backend.uow() as uow:
        await uow.items.update(changed)
        await uow.commit()
    stored = await get(backend, item.id)
    assert (stored.title, stored.description, stored.updated_at) == ("New", None, later)
    assert (stored.owner_id, stored.created_at) == (owner.id, item.created_at)


async def test_a_delete_says_whether_there_was_an_item(backend: Backend) -> None:
    owner = await backend.add_user()
    item = await add(backend, owner.id)
    async with backend.uow() as uow:
        assert await uow.items.delete(item.id) is True
        assert await uow.items.delete(item.id) is False
        await uow.commit()
    assert await get(backend, item.id) is None


async def test_listings_filter_by_owner_newest_first_by_offset_and_keyset(
    backend: Backend,
) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    made = []
    for i in range(7):
        if i % 3:  # some share their moment: the id breaks the tie
            backend.clock.advance(seconds=1)
        made.append(await add(backend, (ann if i % 2 else bob).id, title=f"T{i}"))
    newest = sorted(made, key=lambda i: (i.created_at, i.id), reverse=True)
    anns = [i for i in newest if i.owner_id == ann.id]
    async with backend.uow() as uow:
        assert await uow.items.search(ItemFilter(), limit=10) == newest
        assert await uow.items.search(ItemFilter(owner_id=ann.id), limit=10) == anns
        assert await uow.items.count(ItemFilter()) == 7
        assert await uow.items.count(ItemFilter(owner_id=ann.id)) == 3
        assert await uow.items.count(ItemFilter(owner_id=uuid.uuid4())) == 0
        assert await uow.items.search(ItemFilter(), limit=2, offset=3) == newest[3:5]
        for cut in range(7):
            after = (newest[cut].created_at, newest[cut].id)
            assert await uow.items.search(ItemFilter(), limit=10, after=after) == newest[cut + 1 :]


async def test_a_cursor_walk_meets_every_row_once_while_rows_are_added(
    backend: Backend, items: Items
) -> None:
    ann = await backend.add_user()
    seeded = []
    for i in range(15):
        if i % 4 == 0:
            backend.clock.advance(seconds=1)
        seeded.append(await items.item(ann, f"Seed {i}"))
    moments = sorted({i.created_at for i in seeded})
    added: list[Item] = []
    walking = True

    async def writer() -> None:
        # Newer rows (before the cursor) and rows at the moments being walked (ties, which
        # fall on either side of the cursor by their id), until the walk is over.
        n = 0
        while walking:
            when = moments[-1] + timedelta(seconds=n) if n % 2 else moments[n % len(moments)]
            added.append(await add(backend, ann.id, title=f"Added {n}", created_at=when))
            n += 1
            await asyncio.sleep(0)

    async def walk() -> list[Item]:
        nonlocal walking
        try:
            page = await items.list(ann, PageRequest(size=2))
            seen = list(page.items)
            while page.next_cursor is not None:
                await asyncio.sleep(0)
                page = await items.list(ann, PageRequest(size=2, cursor=page.next_cursor))
                seen.extend(page.items)
            return seen
        finally:
            walking = False

    seen, _ = await asyncio.gather(walk(), writer())
    ids = [i.id for i in seen]
    assert len(ids) == len(set(ids)), "a row was met twice"
    assert {i.id for i in seeded} <= set(ids), "a row that was there all along was missed"
    assert set(ids) <= {i.id for i in seeded + added}
    keys = [(i.created_at, i.id) for i in seen]
    assert keys == sorted(keys, reverse=True)
    assert added, "the writer never ran during the walk"


async def test_two_changes_at_once_both_stay(backend: Backend, items: Items) -> None:
    ann = await backend.add_user()
    for n in range(3):
        item = await items.item(ann, "T0", "D0")
        await asyncio.gather(
            items.change(ann, item.id, title=f"T{n + 1}"),
            items.change(ann, item.id, description=f"D{n + 1}"),
        )
        stored = await items.stored(item.id)
        assert (stored.title, stored.description) == (f"T{n + 1}", f"D{n + 1}")


async def test_a_change_racing_a_deletion_is_not_found_or_done_first(
    backend: Backend, items: Items
) -> None:
    ann = await backend.add_user()
    item = await items.item(ann)
    results = await asyncio.gather(
        items.delete(ann, item.id),
        items.change(ann, item.id, title="Late"),
        items.delete(ann, item.id),
        return_exceptions=True,
    )
    deletions = [r for r in (results[0], results[2])]
    assert sorted(type(r).__name__ for r in deletions) == ["NoneType", "NotFound"]
    assert results[1] is None or isinstance(results[1], NotFound) or results[1].title == "Late"
    assert await items.stored(item.id) is None


async def test_deleting_an_account_deletes_its_items(backend: Backend) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    gone = [await add(backend, ann.id, title=f"A{i}") for i in range(3)]
    kept = await add(backend, bob.id)
    async with backend.uow() as uow:
        await uow.users.delete(ann.id)
        await uow.commit()
    for item in gone:
        assert await get(backend, item.id) is None
    assert await get(backend, kept.id) == kept
    async with backend.uow() as uow:
        assert await uow.items.count(ItemFilter()) == 1


async def test_a_page_counted_is_the_search_and_the_count_of_one_moment(
    backend: Backend,
) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    made = []
    for i in range(7):
        if i % 3:
            backend.clock.advance(seconds=1)
        made.append(await add(backend, (ann if i % 2 else bob).id, title=f"T{i}"))
    newest = sorted(made, key=lambda i: (i.created_at, i.id), reverse=True)
    windows = [
        {"limit": 3},
        {"limit": 3, "offset": 2},
        {"limit": 3, "offset": 100},  # beyond the end: no rows, still the total
        {"limit": 2, "after": (newest[1].created_at, newest[1].id)},
    ]
    for where in (ItemFilter(), ItemFilter(owner_id=ann.id), ItemFilter(owner_id=uuid.uuid4())):
        for window in windows:
            async with backend.uow() as uow:
                expected = (
                    await uow.items.search(where, **window),
                    await uow.items.count(where),
                )
                assert await uow.items.search_counted(where, **window) == expected, (where, window)
    async with backend.uow() as uow:
        assert await uow.items.search_counted(ItemFilter(), limit=2) == (newest[:2], 7)
