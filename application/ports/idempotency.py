from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from domain.idempotency import IdempotencyRecord, StoredResponse


class IdempotencyKeys(Protocol):
    """Records of idempotent requests, one per user and key; part of a unit of work.

    The database decides which of several requests with one key does the work: `claim` is
    an insert under a unique key, and every later step is conditional on the claim's token.
    """

    async def insert_claim(
        self,
        user_id: uuid.UUID,
        key: str,
        fingerprint: str,
        token: uuid.UUID,
        now: datetime,
        until: datetime,
    ) -> IdempotencyRecord | None:
        """Claim a key nobody holds: None when claimed, else the record that is there."""
        ...

    async def take_over(
        self,
        found: IdempotencyRecord,
        fingerprint: str,
        token: uuid.UUID,
        now: datetime,
        until: datetime,
    ) -> bool:
        """Claim an expired or abandoned record anew, if it is still exactly as `found`."""
        ...

    async def complete(
        self, user_id: uuid.UUID, key: str, token: uuid.UUID, response: StoredResponse
    ) -> bool:
        """Keep the response, if the claim `token` still holds; False when it does not."""
        ...

    async def release(self, user_id: uuid.UUID, key: str, token: uuid.UUID) -> None:
        """Forget an unfinished claim (the request failed in a way that is not kept)."""
        ...

    async def prune(self, created_before: datetime) -> int:
        """Delete records made before `created_before`; returns how many."""
        ...
