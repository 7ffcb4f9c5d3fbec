from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.files import StoredFile

# A position in the newest-first order: (created_at, id) of the last file already shown.
NewestFirstKey = tuple[datetime, uuid.UUID]


class FileRepository(Protocol):
    """The metadata of uploaded files; part of a unit of work. Storage keys are unique."""

    async def add(self, file: StoredFile) -> None: ...

    async def get(self, file_id: uuid.UUID) -> StoredFile | None: ...

    async def delete(self, file_id: uuid.UUID) -> StoredFile | None:
        """Delete the row; the deleted file, or None when there was none (so of two
        concurrent deletions exactly one gets it)."""
        ...

    async def search(
        self,
        owner_id: uuid.UUID | None,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> list[StoredFile]:
        """Files of `owner_id` (None: everyone's), newest first (created_at desc, id desc):
        skip `offset`, or start strictly after the position `after`; at most `limit`."""
        ...

    async def count(self, owner_id: uuid.UUID | None) -> int: ...

    async def keys_of_owner(self, owner_id: uuid.UUID) -> list[str]:
        """The storage keys of every file the account owns."""
        ...

    async def known_keys(self, keys: Collection[str]) -> set[str]:
        """Those of `keys` that some file row still names."""
        ...


class FileStorage(Protocol):
    """Bytes kept outside the database (avatars, uploads) under keys the application makes.

    Keys look like `avatars/3f2a…`: lower-case letters, digits, `-`, `_` and `/` separators;
    they are never taken from a client. The first part of a key is its *kind* (`avatars`,
    `files`).
    """

    async def save(self, key: str, content: bytes) -> None:
        """Store `content` under `key` atomically: readers see all of it or nothing."""
        ...

    async def read(self, key: str) -> bytes | None:
        """The bytes under `key`, or None when there are none."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the bytes under `key`; nothing happens when there are none."""
        ...

    async def begin(self, key: str) -> PendingWrite:
        """Start writing `key` piece by piece. Nothing is readable under `key` until the
        write is published; memory use does not grow with the size written."""
        ...

    async def open(self, key: str) -> StoredBytes | None:
        """The bytes under `key` as a stream of chunks with their size; None when there are
        none. The caller closes it (iterating to the end closes it too)."""
        ...

    def stored_keys(self, kind: str, *, older_than: datetime) -> AsyncIterator[str]:
        """Every published key of `kind` last written before `older_than` (for sweeping
        bytes whose rows never committed)."""
        ...

    async def remove_abandoned(self, *, older_than: datetime) -> int:
        """Remove unpublished writes begun before `older_than` (left by a process that died
        mid-upload); returns how many were removed."""
        ...


class PendingWrite(Protocol):
    """Bytes on their way into storage, under a temporary name no reader sees."""

    async def write(self, chunk: bytes) -> None:
        """Append `chunk`."""
        ...

    async def publish(self) -> None:
        """Make everything written readable under the key, at once and entirely."""
        ...

    async def discard(self) -> None:
        """Remove what was written: the temporary bytes, or the published ones. Safe to call
        at any point and more than once."""
        ...


@dataclass(slots=True)
class StoredBytes:
    """Stored bytes being read: `size` in bytes, and the bytes as an async stream."""

    size: int
    chunks: AsyncIterator[bytes]

    async def aclose(self) -> None:
        """Release the underlying file or connection (the stream is an async generator)."""
        aclose = getattr(self.chunks, "aclose", None)
        if aclose is not None:
            await aclose()
