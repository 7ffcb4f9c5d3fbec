from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from adapters.memory.tables import DELETE_ROWS, MemoryTable
from application.ports.idempotency import IdempotencyKeys
from domain.idempotency import IdempotencyRecord, StoredResponse

# Keyed by (user id, key); the records go with the account, as ON DELETE CASCADE does.
IDEMPOTENCY_KEYS = MemoryTable("idempotency_keys", owner="user_id", on_account_deleted=DELETE_ROWS)


class InMemoryIdempotencyKeys(IdempotencyKeys):
    """Records keyed by (user, key). The store's lock makes each step atomic, as the unique
    key and conditional updates do in SQL."""

    def __init__(self, rows: dict[Any, Any]) -> None:
        self._rows: dict[tuple[uuid.UUID, str], IdempotencyRecord] = rows

    async def insert_claim(
        self,
        user_id: uuid.UUID,
        key: str,
        fingerprint: str,
        token: uuid.UUID,
        now: datetime,
        until: datetime,
    ) -> IdempotencyRecord | None:
        found = self._rows.get((user_id, key))
        if found is not None:
            return found
        self._rows[(user_id, key)] = IdempotencyRecord(
            user_id=user_id,
            key=key,
            fingerprint=fingerprint,
            created_at=now,
            claim_token=token,
            claimed_until=until,
            response=None,
        )
        return None

    async def take_over(
        self,
        found: IdempotencyRecord,
        fingerprint: str,
        token: uuid.UUID,
        now: datetime,
        until: datetime,
    ) -> bool:
        if self._rows.get((found.user_id, found.key)) != found:
            return False
        self._rows[(found.user_id, found.key)] = IdempotencyRecord(
            user_id=found.user_id,
            key=found.key,
            fingerprint=fingerprint,
            created_at=now,
            claim_token=token,
            claimed_until=until,
            response=None,
        )
        return True

    async def complete(
        self, user_id: uuid.UUID, key: str, token: uuid.UUID, response: StoredResponse
    ) -> bool:
        found = self._rows.get((user_id, key))
        if found is None or found.claim_token != token or found.response is not None:
            return False
        self._rows[(user_id, key)] = replace(
            found, claim_token=None, claimed_until=None, response=response
        )
        return True

    async def release(self, user_id: uuid.UUID, key: str, token: uuid.UUID) -> None:
        found = self._rows.get((user_id, key))
        if found is not None and found.claim_token == token and found.response is None:
            del self._rows[(user_id, key)]

    async def prune(self, created_before: datetime) -> int:
        old = [k for k, record in self._rows.items() if record.created_at < created_before]
        for k in old:
            del self._rows[k]
        return len(old)
