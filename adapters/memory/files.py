"""Uploaded files on process memory: their rows, and bytes in a dict (InMemoryFileStorage,
also the avatars' storage on the memory backend)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Collection, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from adapters.memory.tables import DELETE_ROWS, MemoryTable
from application.files import check_file_key
from application.ports import FileStorage
from application.ports.files import FileRepository, NewestFirstKey, PendingWrite, StoredBytes
from domain.files import StoredFile

CHUNK_BYTES = 64 * 1024


def _utc_now() -> datetime:
    return datetime.now(UTC)


class InMemoryFileStorage(FileStorage):
    """Stored bytes in a dict, for tests and the memory backend. `pending` holds the writes
    not yet published (what a crash would leave behind), with when each began."""

    def __init__(self, now: Callable[[], datetime] = _utc_now) -> None:
        self.files: dict[str, bytes] = {}
        self.written_at: dict[str, datetime] = {}
        self.pending: dict[int, datetime] = {}
        self._now = now

    async def save(self, key: str, content: bytes) -> None:
        self._put(check_file_key(key), bytes(content))

    async def read(self, key: str) -> bytes | None:
        return self.files.get(check_file_key(key))

    async def delete(self, key: str) -> None:
        self.files.pop(check_file_key(key), None)
        self.written_at.pop(key, None)

    async def begin(self, key: str) -> PendingWrite:
        return _InMemoryPendingWrite(self, check_file_key(key))

    async def open(self, key: str) -> StoredBytes | None:
        content = self.files.get(check_file_key(key))
        if content is None:
            return None
        return StoredBytes(size=len(content), chunks=_chunks(content))

    async def stored_keys(self, kind: str, *, older_than: datetime) -> AsyncIterator[str]:
        prefix = check_file_key(kind) + "/"
        for key in sorted(self.files):
            if key.startswith(prefix) and self.written_at[key] < older_than:
                yield key

    async def remove_abandoned(self, *, older_than: datetime) -> int:
        stale = [ident for ident, began in self.pending.items() if began < older_than]
        for ident in stale:
            del self.pending[ident]
        return len(stale)

    def _put(self, key: str, content: bytes) -> None:
        self.files[key] = content
        self.written_at[key] = self._now()


class _InMemoryPendingWrite(PendingWrite):
    def __init__(self, storage: InMemoryFileStorage, key: str) -> None:
        self._storage, self._key = storage, key
        self._buffer: bytearray | None = bytearray()
        self._published = False
        storage.pending[id(self)] = storage._now()

    async def write(self, chunk: bytes) -> None:
        if self._buffer is None:
            raise RuntimeError("this write is already finished")
        self._buffer += chunk

    async def publish(self) -> None:
        if self._buffer is None:
            raise RuntimeError("this write is already finished")
        self._storage._put(self._key, bytes(self._buffer))
        self._buffer = None
        self._published = True
        self._storage.pending.pop(id(self), None)

    async def discard(self) -> None:
        self._buffer = None
        self._storage.pending.pop(id(self), None)
        if self._published:
            await self._storage.delete(self._key)
            self._published = False


async def _chunks(content: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(content), CHUNK_BYTES):
        yield content[start : start + CHUNK_BYTES]


FILES = MemoryTable("files", owner="owner_id", on_account_deleted=DELETE_ROWS)


class InMemoryFileRepository(FileRepository):
    """File rows in a dict, copied in and out as rows would be."""

    def __init__(self, rows: dict[uuid.UUID, Any]) -> None:
        self._rows: dict[uuid.UUID, StoredFile] = rows

    async def add(self, file: StoredFile) -> None:
        if any(row.storage_key == file.storage_key for row in self._rows.values()):
            raise ValueError("storage keys are unique")
        self._rows[file.id] = replace(file)

    async def get(self, file_id: uuid.UUID) -> StoredFile | None:
        row = self._rows.get(file_id)
        return replace(row) if row is not None else None

    async def delete(self, file_id: uuid.UUID) -> StoredFile | None:
        return self._rows.pop(file_id, None)

    async def search(
        self,
        owner_id: uuid.UUID | None,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> list[StoredFile]:
        found = sorted(self._visible(owner_id), key=_newest_key, reverse=True)
        if after is not None:
            found = [row for row in found if _newest_key(row) < after]
        return [replace(row) for row in found[offset : offset + limit]]

    async def count(self, owner_id: uuid.UUID | None) -> int:
        return sum(1 for _ in self._visible(owner_id))

    async def keys_of_owner(self, owner_id: uuid.UUID) -> list[str]:
        return sorted(row.storage_key for row in self._visible(owner_id))

    async def known_keys(self, keys: Collection[str]) -> set[str]:
        wanted = set(keys)
        return {row.storage_key for row in self._rows.values() if row.storage_key in wanted}

    def _visible(self, owner_id: uuid.UUID | None) -> Iterator[StoredFile]:
        return (r for r in self._rows.values() if owner_id is None or r.owner_id == owner_id)


def _newest_key(row: StoredFile) -> NewestFirstKey:
    return row.created_at, row.id
