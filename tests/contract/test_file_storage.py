"""FileStorage contract, in memory, on the local filesystem and in an S3-compatible store."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.memory.files import InMemoryFileStorage
from adapters.storage.local import PARTIAL_PREFIX, LocalFileStorage
from adapters.storage.s3 import MIN_PART_BYTES, S3FileStorage
from application.files import new_file_key
from application.ports import FileStorage
from tests.support.object_store import ObjectStore

MiB = 1024 * 1024


@dataclass
class Subject:
    storage: FileStorage
    # Whatever an adapter keeps of writes that were never published (temporary files,
    # incomplete multipart uploads, pending buffers): must be empty after a discard.
    leftovers: Callable[[], list[str]]


@pytest.fixture(params=["memory", "local", "s3"])
async def subject(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Subject]:
    if request.param == "memory":
        memory = InMemoryFileStorage()
        yield Subject(memory, lambda: [str(began) for began in memory.pending.values()])
    elif request.param == "local":
        root = tmp_path / "uploads"
        yield Subject(
            LocalFileStorage(root),
            lambda: sorted(p.name for p in root.glob(f"**/{PARTIAL_PREFIX}*")),
        )
    else:
        store: ObjectStore = request.getfixturevalue("object_store")
        bucket = store.new_bucket()
        s3 = S3FileStorage(store.location(bucket, prefix="app/"), part_bytes=MIN_PART_BYTES)
        try:
            yield Subject(s3, lambda: store.multipart_uploads(bucket))
        finally:
            await s3.close()


@pytest.fixture
def storage(subject: Subject) -> FileStorage:
    return subject.storage


async def read_stream(storage: FileStorage, key: str) -> bytes | None:
    stored = await storage.open(key)
    if stored is None:
        return None
    content = b"".join([chunk async for chunk in stored.chunks])
    assert len(content) == stored.size
    return content


async def keys_of(storage: FileStorage, kind: str, older_than: datetime) -> list[str]:
    return [key async for key in storage.stored_keys(kind, older_than=older_than)]


def soon() -> datetime:
    return datetime.now(UTC) + timedelta(seconds=30)


async def test_bytes_read_back_as_saved_and_are_gone_after_delete(storage) -> None:
    key = new_file_key("avatars")
    await storage.save(key, b"\x00\x01binary\xff")
    assert await storage.read(key) == b"\x00\x01binary\xff"
    assert await read_stream(storage, key) == b"\x00\x01binary\xff"
    await storage.delete(key)
    assert await storage.read(key) is None
    assert await storage.open(key) is None
    await storage.delete(key)  # deleting twice is fine


async def test_saving_again_replaces_the_bytes(storage) -> None:
    key = new_file_key("avatars")
    await storage.save(key, b"first")
    await storage.save(key, b"second")
    assert await storage.read(key) == b"second"


async def test_unknown_keys_read_as_none(storage) -> None:
    assert await storage.read(new_file_key("avatars")) is None
    assert await storage.open(new_file_key("files")) is None


@pytest.mark.parametrize(
    "key", ["../escape", "/etc/passwd", "avatars/../../x", "a//b", "", "A/B", "a\\b", "a/"]
)
async def test_malformed_keys_are_refused(storage, key: str) -> None:
    for attempt in (
        lambda: storage.save(key, b"x"),
        lambda: storage.read(key),
        lambda: storage.delete(key),
        lambda: storage.begin(key),
        lambda: storage.open(key),
    ):
        with pytest.raises(ValueError, match="invalid storage key"):
            await attempt()


async def test_a_streamed_write_is_invisible_until_published(storage) -> None:
    key = new_file_key("files")
    pending = await storage.begin(key)
    for piece in (b"first ", b"second ", b"third"):
        await pending.write(piece)
    assert await storage.open(key) is None
    assert await keys_of(storage, "files", soon()) == []
    await pending.publish()
    assert await read_stream(storage, key) == b"first second third"
    assert await keys_of(storage, "files", soon()) == [key]


async def test_an_empty_streamed_write_publishes_an_empty_file(storage) -> None:
    key = new_file_key("files")
    pending = await storage.begin(key)
    await pending.publish()
    stored = await storage.open(key)
    assert stored is not None and stored.size == 0
    assert [chunk async for chunk in stored.chunks] == []


async def test_large_writes_stream_through_in_parts_and_read_back_whole(subject) -> None:
    storage, key = subject.storage, new_file_key("files")
    block = os.urandom(MiB)
    expected = hashlib.sha256()
    pending = await storage.begin(key)
    for index in range(11):  # more than two S3 parts of the minimum size
        piece = bytes([index]) + block[1:]
        expected.update(piece)
        await pending.write(piece)
    await pending.publish()
    assert subject.leftovers() == []
    stored = await storage.open(key)
    assert stored is not None and stored.size == 11 * MiB
    received = hashlib.sha256()
    largest = 0
    async for chunk in stored.chunks:
        received.update(chunk)
        largest = max(largest, len(chunk))
    assert received.hexdigest() == expected.hexdigest()
    assert largest <= MiB  # streamed in chunks, not read whole


@pytest.mark.parametrize("written", [0, 3, 6 * MiB])
async def test_a_discarded_write_leaves_nothing_behind(subject, written: int) -> None:
    storage, key = subject.storage, new_file_key("files")
    pending = await storage.begin(key)
    if written:
        await pending.write(b"x" * written)
    await pending.discard()
    await pending.discard()  # twice is fine
    assert await storage.open(key) is None
    assert await keys_of(storage, "files", soon()) == []
    assert subject.leftovers() == []


async def test_discarding_after_publishing_removes_the_published_bytes(subject) -> None:
    storage, key = subject.storage, new_file_key("files")
    pending = await storage.begin(key)
    await pending.write(b"kept for a moment")
    await pending.publish()
    await pending.discard()
    assert await storage.open(key) is None
    assert subject.leftovers() == []


async def test_a_finished_write_takes_no_more_bytes(storage) -> None:
    pending = await storage.begin(new_file_key("files"))
    await pending.publish()
    with pytest.raises(RuntimeError):
        await pending.write(b"late")


async def test_stored_keys_lists_one_kind_written_before_the_cutoff(storage) -> None:
    file_key, avatar_key = new_file_key("files"), new_file_key("avatars")
    await storage.save(file_key, b"a file")
    await storage.save(avatar_key, b"an avatar")
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    assert await keys_of(storage, "files", soon()) == [file_key]
    assert await keys_of(storage, "avatars", soon()) == [avatar_key]
    assert await keys_of(storage, "files", long_ago) == []
    assert await keys_of(storage, "posts", soon()) == []


async def test_abandoned_writes_are_removed_once_old_enough(subject) -> None:
    storage = subject.storage
    pending = await storage.begin(new_file_key("files"))
    await pending.write(b"y" * (6 * MiB))  # enough for a temporary file or an S3 part
    assert subject.leftovers() != []
    if not isinstance(storage, S3FileStorage):  # moto reports one fixed time for uploads
        long_ago = datetime.now(UTC) - timedelta(hours=1)
        assert await storage.remove_abandoned(older_than=long_ago) == 0
        assert subject.leftovers() != []
    assert await storage.remove_abandoned(older_than=soon()) == 1
    assert subject.leftovers() == []


async def test_local_files_live_under_the_root_with_no_partial_files_left(tmp_path) -> None:
    storage = LocalFileStorage(tmp_path / "uploads")
    key = new_file_key("avatars")
    await storage.save(key, b"bytes")
    assert (tmp_path / "uploads" / key).read_bytes() == b"bytes"
    assert [p.name for p in (tmp_path / "uploads" / "avatars").iterdir()] == [key.split("/")[1]]


async def test_object_store_keys_carry_the_prefix(object_store: ObjectStore) -> None:
    bucket = object_store.new_bucket()
    storage = S3FileStorage(object_store.location(bucket, prefix="tenant-a/"))
    try:
        key = new_file_key("files")
        await storage.save(key, b"bytes")
        assert object_store.keys(bucket) == [f"tenant-a/{key}"]
        assert await keys_of(storage, "files", soon()) == [key]
    finally:
        await storage.close()
