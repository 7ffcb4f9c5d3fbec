from __future__ import annotations

from application.files import check_file_key
from application.ports import FileStorage


class InMemoryFileStorage(FileStorage):
    """Stored bytes in a dict, for tests and the memory backend."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def save(self, key: str, content: bytes) -> None:
        self.files[check_file_key(key)] = bytes(content)

    async def read(self, key: str) -> bytes | None:
        return self.files.get(check_file_key(key))

    async def delete(self, key: str) -> None:
        self.files.pop(check_file_key(key), None)
