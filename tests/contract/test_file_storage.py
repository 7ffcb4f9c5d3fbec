"""FileStorage contract, on the local filesystem and in memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.memory.files import InMemoryFileStorage
from adapters.storage.local import LocalFileStorage
from application.files import new_file_key
from application.ports import FileStorage


@pytest.fixture(params=["memory", "local"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FileStorage]:
    yield InMemoryFileStorage() if request.param == "memory" else LocalFileStorage(tmp_path)


async def test_bytes_read_back_as_saved_and_are_gone_after_delete(storage) -> None:
    key = new_file_key("avatars")
    await storage.save(key, b"\x00\x01binary\xff")
    assert await storage.read(key) == b"\x00\x01binary\xff"
    await storage.delete(key)
    assert await storage.read(key) is None
    await storage.delete(key)  # deleting twice is fine


async def test_saving_again_replaces_the_bytes(storage) -> None:
    key = new_file_key("avatars")
    await storage.save(key, b"first")
    await storage.save(key, b"second")
    assert await storage.read(key) == b"second"


async def test_unknown_keys_read_as_none(storage) -> None:
    assert await storage.read(new_file_key("avatars")) is None


@pytest.mark.parametrize(
    "key", ["../escape", "/etc/passwd", "avatars/../../x", "a//b", "", "A/B", "a\\b", "a/"]
)
async def test_malformed_keys_are_refused(storage, key: str) -> None:
    with pytest.raises(ValueError, match="invalid storage key"):
        await storage.save(key, b"x")
    with pytest.raises(ValueError, match="invalid storage key"):
        await storage.read(key)


async def test_local_files_live_under_the_root_with_no_partial_files_left(tmp_path) -> None:
    storage = LocalFileStorage(tmp_path / "uploads")
    key = new_file_key("avatars")
    await storage.save(key, b"bytes")
    assert (tmp_path / "uploads" / key).read_bytes() == b"bytes"
    assert [p.name for p in (tmp_path / "uploads" / "avatars").iterdir()] == [key.split("/")[1]]
