from __future__ import annotations

from typing import Protocol


class FileStorage(Protocol):
    """Bytes kept outside the database (avatars, uploads) under keys the application makes.

    Keys look like `avatars/3f2a…`: lower-case letters, digits, `-`, `_` and `/` separators;
    they are never taken from a client.
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
