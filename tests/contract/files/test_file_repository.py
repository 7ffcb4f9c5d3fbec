"""The file repository on every backend: rows as stored, order and keyset, one winner of
two deletions, the keys the sweep asks about, and the cascade of an account's deletion."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from application.files import new_file_key
from domain.files import StoredFile
from domain.users import User
from tests.contract.backends import Backend


async def add_file(backend: Backend, owner: User, name: str = "a.txt") -> StoredFile:
    file = StoredFile.received(
        owner_id=owner.id,
        filename=name,
        content_type="text/plain",
        size=12,
        sha256="ab" * 32,
        storage_key=new_file_key("files"),
        now=backend.clock.now(),
    )
    async with backend.uow() as uow:
        await uow.files.add(file)
        await uow.commit()
    return file


async def test_a_file_reads_back_as_added(backend: Backend) -> None:
    ann = await backend.add_user()
    file = await add_file(backend, ann, "тест 🎉.txt")
    async with backend.uow() as uow:
        assert await uow.files.get(file.id) == file
        assert await uow.files.get(uuid.uuid4()) is None


async def test_listing_is_newest_first_per_owner_or_everyones(backend: Backend) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    anns = []
    for n in range(5):
        anns.append(await add_file(backend, ann, f"a{n}"))
        if n % 2:  # pairs share an instant: the id decides
            backend.clock.advance(seconds=1)
    backend.clock.advance(seconds=1)
    bobs = await add_file(backend, bob)
    newest = sorted(anns, key=lambda f: (f.created_at, f.id), reverse=True)
    async with backend.uow() as uow:
        assert await uow.files.count(ann.id) == 5
        assert await uow.files.count(None) == 6
        assert await uow.files.search(ann.id, limit=10) == newest
        assert await uow.files.search(ann.id, limit=2, offset=2) == newest[2:4]
        last = newest[1]
        after = await uow.files.search(ann.id, limit=10, after=(last.created_at, last.id))
        assert after == newest[2:]
        everyone = await uow.files.search(None, limit=10)
        assert everyone == [bobs, *newest]


async def test_of_two_deletions_exactly_one_gets_the_file(backend: Backend) -> None:
    ann = await backend.add_user()
    file = await add_file(backend, ann)

    async def delete() -> StoredFile | None:
        async with backend.uow() as uow:
            deleted = await uow.files.delete(file.id)
            await uow.commit()
        return deleted

    results = await asyncio.gather(delete(), delete())
    assert sorted(r is None for r in results) == [False, True]
    assert [r for r in results if r is not None] == [file]


async def test_known_keys_and_keys_of_owner(backend: Backend) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    anns = [await add_file(backend, ann) for _ in range(3)]
    bobs = await add_file(backend, bob)
    unknown = [new_file_key("files") for _ in range(600)]  # more than one batch
    async with backend.uow() as uow:
        assert await uow.files.keys_of_owner(ann.id) == sorted(f.storage_key for f in anns)
        asked = [*unknown, anns[0].storage_key, bobs.storage_key]
        assert await uow.files.known_keys(asked) == {anns[0].storage_key, bobs.storage_key}
        assert await uow.files.known_keys([]) == set()


async def test_storage_keys_are_unique(backend: Backend) -> None:
    ann = await backend.add_user()
    file = await add_file(backend, ann)
    twin = StoredFile.received(
        owner_id=ann.id,
        filename="b",
        content_type=None,
        size=0,
        sha256="00" * 32,
        storage_key=file.storage_key,
        now=backend.clock.now(),
    )
    with pytest.raises(Exception):  # noqa: B017 (IntegrityError or ValueError, by backend)
        async with backend.uow() as uow:
            await uow.files.add(twin)
            await uow.commit()


async def test_deleting_the_account_deletes_its_file_rows(backend: Backend) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    await add_file(backend, ann)
    kept = await add_file(backend, bob)
    async with backend.uow() as uow:
        await uow.users.delete(ann.id)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.files.search(None, limit=10) == [kept]
        assert await uow.files.keys_of_owner(ann.id) == []
