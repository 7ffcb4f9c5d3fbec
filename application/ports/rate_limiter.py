from __future__ import annotations

import uuid
from typing import Protocol


class RateLimiter(Protocol):
    """Throttles attempts per key (a normalised e-mail) under a ThrottlePolicy, shared by
    every worker and host that uses the same storage.

    An attempt is admitted *before* its outcome is known and counts as a failure from that
    moment on, so parallel attempts cannot overtake the limit: of any number of simultaneous
    attempts at most `max_failures` are admitted per window. The caller then either leaves it
    counted (it failed, or it ended in an unexpected error: the safe side), `forgive`s it (it
    was not a failure), or `reset`s the key (it succeeded).

    Refused attempts are never counted, so a lockout ends at most `window` after the failure
    that started it, however often the key is tried meanwhile.
    """

    async def admit(self, key: str) -> uuid.UUID:
        """Count one attempt for `key` and return its id, or raise RateLimited(retry_after)
        without counting anything while `max_failures` or more failures lie in the window."""
        ...

    async def forgive(self, key: str, attempt: uuid.UUID) -> None:
        """Stop counting one admitted attempt; the other failures of `key` stay."""
        ...

    async def reset(self, key: str) -> None:
        """Forget every failure of `key` (after a successful attempt)."""
        ...
