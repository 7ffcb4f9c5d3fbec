from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from application.files import check_file_key
from application.ports import FileStorage
from application.ports.files import PendingWrite, StoredBytes

# Temporary files carry this prefix; keys never start with a dot, so no key can name one.
PARTIAL_PREFIX = ".partial-"
# Writes and reads go to the disk in pieces this large: few thread hops, little memory.
CHUNK_BYTES = 256 * 1024


class LocalFileStorage(FileStorage):
    """Files under one folder (UPLOAD_DIR), one file per key.

    Writes go to a temporary file in the target folder and are renamed into place, so a
    reader never sees half a file and a crash leaves no truncated one (only a `.partial-`
    file, which `remove_abandoned` sweeps). Blocking file I/O runs in worker threads, off
    the event loop.
    """

    def __init__(self, root: Path) -> None:
        self._root = Path(root).expanduser().resolve()

    async def save(self, key: str, content: bytes) -> None:
        pending = await self.begin(key)
        try:
            await pending.write(content)
            await pending.publish()
        except BaseException:
            await pending.discard()
            raise

    async def read(self, key: str) -> bytes | None:
        return await asyncio.to_thread(self._read, self._path(key))

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def begin(self, key: str) -> PendingWrite:
        path = self._path(key)
        handle, temporary = await asyncio.to_thread(_create_partial, path)
        return _LocalPendingWrite(path, temporary, handle)

    async def open(self, key: str) -> StoredBytes | None:
        path = self._path(key)
        try:
            handle, size = await asyncio.to_thread(_open_sized, path)
        except FileNotFoundError:
            return None
        return StoredBytes(size=size, chunks=_chunks(handle))

    async def stored_keys(self, kind: str, *, older_than: datetime) -> AsyncIterator[str]:
        folder = self._root / check_file_key(kind)
        names = await asyncio.to_thread(_names_older_than, folder, older_than.timestamp())
        for name in names:
            yield f"{kind}/{name}"

    async def remove_abandoned(self, *, older_than: datetime) -> int:
        return await asyncio.to_thread(_remove_partials, self._root, older_than.timestamp())

    def _path(self, key: str) -> Path:
        return self._root / check_file_key(key)  # never a path outside the root

    @staticmethod
    def _read(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None


class _LocalPendingWrite(PendingWrite):
    def __init__(self, path: Path, temporary: Path, handle: BinaryIO) -> None:
        self._path, self._temporary, self._handle = path, temporary, handle
        self._buffer = bytearray()
        self._published = False

    async def write(self, chunk: bytes) -> None:
        if self._handle.closed:
            raise RuntimeError("this write is already finished")
        self._buffer += chunk
        if len(self._buffer) >= CHUNK_BYTES:
            data, self._buffer = bytes(self._buffer), bytearray()
            await asyncio.to_thread(self._handle.write, data)

    async def publish(self) -> None:
        data, self._buffer = bytes(self._buffer), bytearray()
        await asyncio.to_thread(self._finish, data)
        self._published = True

    async def discard(self) -> None:
        self._buffer = bytearray()
        await asyncio.to_thread(self._remove)

    def _finish(self, data: bytes) -> None:
        with self._handle:
            self._handle.write(data)
            self._handle.flush()
            os.fsync(self._handle.fileno())  # the rename must not outlive the bytes it names
        # Published now, however long ago writing began: the orphan sweep's age counts from here.
        os.utime(self._temporary)
        os.replace(self._temporary, self._path)

    def _remove(self) -> None:
        self._handle.close()
        self._temporary.unlink(missing_ok=True)
        if self._published:
            self._path.unlink(missing_ok=True)


def _create_partial(path: Path) -> tuple[BinaryIO, Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=PARTIAL_PREFIX)
    return os.fdopen(fd, "wb"), Path(temporary)


def _open_sized(path: Path) -> tuple[BinaryIO, int]:
    handle = path.open("rb")
    # The size of the file opened, even if the key is replaced meanwhile.
    return handle, os.fstat(handle.fileno()).st_size


async def _chunks(handle: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
            yield chunk
    finally:
        handle.close()


def _names_older_than(folder: Path, before: float) -> list[str]:
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    return sorted(
        entry.name
        for entry in entries
        if not entry.name.startswith(".")
        and entry.is_file(follow_symlinks=False)
        and entry.stat(follow_symlinks=False).st_mtime < before
    )


def _remove_partials(root: Path, before: float) -> int:
    removed = 0
    for partial in root.glob(f"**/{PARTIAL_PREFIX}*"):
        with contextlib.suppress(FileNotFoundError):
            if partial.stat().st_mtime < before:
                partial.unlink()
                removed += 1
    return removed
