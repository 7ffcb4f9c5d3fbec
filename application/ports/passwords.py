from __future__ import annotations

from typing import Protocol


class PasswordHasher(Protocol):
    """Hashes and verifies passwords without blocking the event loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, hashed: str | None, password: str) -> bool:
        """True when `password` matches `hashed`. With `hashed=None` (no such account) it
        spends the same time as a real verification and returns False, so response times do
        not reveal which accounts exist."""
        ...

    def needs_rehash(self, hashed: str) -> bool:
        """True when `hashed` was made with weaker parameters than the current ones."""
        ...
