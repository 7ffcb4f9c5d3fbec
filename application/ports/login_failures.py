from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol


class LoginFailures(Protocol):
    """Login attempts counted per key (a normalised e-mail, a client address), one row each,
    in the unit of work's transaction: shared by every worker and host on the storage.

    `lock` first: it holds the key until the transaction ends, so that "count the failures in
    the window, then add one" is atomic however many attempts for the key run in parallel, on
    however many hosts. Keys are locked in one fixed order by every caller (the client's, then
    the e-mail's), so two transactions never wait for each other.
    """

    async def lock(self, key: str) -> None:
        """Serialise the transactions that touch `key` until this one ends."""
        ...

    async def failures_since(self, key: str, since: datetime) -> list[datetime]:
        """When each attempt of `key` after `since` was made."""
        ...

    async def add(self, key: str, attempt: uuid.UUID, at: datetime) -> None: ...

    async def forgive(self, key: str, attempt: uuid.UUID) -> None:
        """Stop counting one attempt; the others of `key` stay."""
        ...

    async def reset(self, key: str) -> None:
        """Forget every attempt of `key`."""
        ...

    async def sweep(self, until: datetime, limit: int) -> int:
        """Delete at most `limit` attempts (of any key) made at or before `until`, never
        waiting for rows another transaction holds; how many went."""
        ...
