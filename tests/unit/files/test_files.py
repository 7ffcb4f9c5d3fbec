"""File use cases on the memory adapters: all-or-nothing uploads, links, deletion, the sweep."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from adapters.memory.files import InMemoryFileStorage
from application.files import new_file_key
from application.files.links import FileLink
from application.pagination import PageRequest
from domain.errors import InvalidToken, NotAuthenticated, NotFound, PolicyViolation
from domain.files import FileTooLarge
from domain.users import User
from tests.support.accounts import register_superuser

LIMIT = 10 * 1024 * 1024


@dataclass
class Part:
    filename: str | None
    content_type: str | None
    pieces: list[bytes] = field(default_factory=list)
    fail_after: int | None = None  # raise this exception type after that many pieces
    error: BaseException = field(default_factory=lambda: ConnectionResetError("gone"))
    source: Callable[[], AsyncIterator[bytes]] | None = None  # instead of `pieces`

    @property
    def chunks(self) -> AsyncIterator[bytes]:
        return self.source() if self.source is not None else self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        for n, piece in enumerate(self.pieces):
            if self.fail_after is not None and n >= self.fail_after:
                raise self.error
            yield piece


async def parts(*given: Part) -> AsyncIterator[Part]:
    for part in given:
        yield part


def storage(core) -> InMemoryFileStorage:
    return core.container.core.file_storage()


async def upload(core, actor: User, *given: Part):
    return await core.container.files.upload_files()(actor, parts(*given))


async def test_an_upload_keeps_each_file_with_its_hash_size_and_clean_name(core) -> None:
    ann = await core.register()
    files = await upload(
        core,
        ann,
        Part("../../secret.txt", "text/plain", [b"hello ", b"world"]),
        Part(None, None, [b"\x00" * 70_000, b"\x01"]),
    )
    first, second = files
    assert (first.filename, first.content_type, first.size) == ("secret.txt", "text/plain", 11)
    assert first.sha256 == hashlib.sha256(b"hello world").hexdigest()
    assert (second.filename, second.content_type) == ("file", "application/octet-stream")
    assert storage(core).files == {
        first.storage_key: b"hello world",
        second.storage_key: b"\x00" * 70_000 + b"\x01",
    }
    assert all(f.storage_key.startswith("files/") for f in files)
    assert storage(core).pending == {}
    listed = await core.container.files.list_files()(ann, FIRST_PAGE)
    assert sorted(f.id for f in listed.items) == sorted([first.id, second.id])


FIRST_PAGE = PageRequest(size=20)


@pytest.mark.parametrize(
    "broken",
    [
        Part("b", None, [b"x"] * 3, fail_after=2),  # the client went away
        Part("b", None, [b"x"] * 3, fail_after=1, error=asyncio.CancelledError()),
        Part("b", None, [b"x" * (LIMIT // 2), b"x" * (LIMIT // 2), b"x"]),  # one byte too many
    ],
)
async def test_a_broken_or_refused_part_keeps_nothing_of_the_whole_upload(core, broken) -> None:
    ann = await core.register()
    with pytest.raises((ConnectionResetError, asyncio.CancelledError, FileTooLarge)):
        await upload(core, ann, Part("a", None, [b"first file"]), broken)
    assert storage(core).files == {} and storage(core).pending == {}
    assert (await core.container.files.list_files()(ann, FIRST_PAGE)).total == 0


async def test_exactly_the_limit_is_kept(core) -> None:
    ann = await core.register()
    [file] = await upload(core, ann, Part("a", None, [b"x" * (LIMIT - 1), b"x"]))
    assert file.size == LIMIT


@pytest.mark.parametrize("count", [0, 11])
async def test_zero_or_more_than_ten_files_are_refused(core, count) -> None:
    ann = await core.register()
    with pytest.raises(PolicyViolation):
        await upload(core, ann, *[Part(f"f{i}", None, [b"x"]) for i in range(count)])
    assert storage(core).files == {} and storage(core).pending == {}


async def test_an_account_deleted_during_the_upload_keeps_no_bytes(core) -> None:
    ann = await core.register()
    root = await register_superuser(core.container)
    delete_user = core.container.users.delete_user()

    async def deleting() -> AsyncIterator[bytes]:
        yield b"before"
        await delete_user(root, ann.id)
        yield b"after"

    with pytest.raises(InvalidToken):
        await upload(core, ann, Part("a", None, source=deleting))
    assert storage(core).files == {}


async def test_deleting_a_file_or_its_account_removes_the_bytes(core) -> None:
    ann = await core.register()
    root = await register_superuser(core.container)
    first, second = await upload(core, ann, Part("a", None, [b"a"]), Part("b", None, [b"b"]))
    await core.container.files.delete_file()(ann, first.id)
    assert list(storage(core).files) == [second.storage_key]
    with pytest.raises(NotFound):
        await core.container.files.delete_file()(ann, first.id)
    await core.container.users.delete_user()(root, ann.id)
    assert storage(core).files == {}


async def test_others_see_nothing_and_superusers_everything(core) -> None:
    ann = await core.register()
    bob = await core.register("bob@example.com")
    root = await register_superuser(core.container)
    [file] = await upload(core, ann, Part("a", None, [b"a"]))
    get_file = core.container.files.get_file()
    assert (await get_file(root, file.id)).id == file.id
    for use_case in (
        get_file,
        core.container.files.delete_file(),
        core.container.files.create_file_link(),
    ):
        with pytest.raises(NotFound):
            await use_case(bob, file.id)
    listed = core.container.files.list_files()
    assert (await listed(bob, FIRST_PAGE)).total == 0
    assert (await listed(root, FIRST_PAGE)).total == 1


async def test_a_link_grants_its_file_until_it_expires(core) -> None:
    ann = await core.register()
    a, b = await upload(core, ann, Part("a", None, [b"a"]), Part("b", None, [b"b"]))
    link = await core.container.files.create_file_link()(ann, a.id)
    assert link.expires_at == (core.clock.now() + timedelta(minutes=15)).replace(microsecond=0)
    content = core.container.files.get_file_content()

    async def nobody() -> User:
        raise NotAuthenticated()

    found = await content(a.id, link, nobody)
    assert b"".join([c async for c in found.content.chunks]) == b"a"
    for refused in (
        (b.id, link),  # another file
        (a.id, FileLink(link.expires + 60, link.signature)),  # a later expiry
        (a.id, FileLink(link.expires, link.signature[:-2] + "AA")),
    ):
        with pytest.raises(NotAuthenticated):
            await content(*refused, nobody)
    core.clock.advance(minutes=15)
    with pytest.raises(NotAuthenticated):
        await content(a.id, link, nobody)


async def test_the_sweep_removes_orphans_past_the_grace_and_nothing_else(core) -> None:
    ann = await core.register()
    [kept] = await upload(core, ann, Part("a", None, [b"kept"]))
    files = storage(core)
    orphan = new_file_key("files")
    await files.save(orphan, b"published, but its row never committed")
    avatar = new_file_key("avatars")
    await files.save(avatar, b"not an upload: not the sweep's")
    abandoned = await files.begin(new_file_key("files"))
    await abandoned.write(b"half")
    sweep = core.container.files.sweep_orphan_files()
    assert await sweep() == 0  # all younger than the grace
    core.clock.advance(hours=1, seconds=1)
    assert await sweep() == 2
    assert sorted(files.files) == sorted([kept.storage_key, avatar])
    assert files.pending == {}
    assert await sweep() == 0


async def test_the_sweep_is_a_housekeeping_chore(core) -> None:
    ann = await core.register()
    await upload(core, ann, Part("a", None, [b"kept"]))
    await storage(core).save(new_file_key("files"), b"orphan")
    core.clock.advance(hours=2)
    await core.container.housekeeping().run_once()
    assert len(storage(core).files) == 1
