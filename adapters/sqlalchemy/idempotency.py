from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables.orders import idempotency_keys
from application.ports.idempotency import IdempotencyKeys
from domain.errors import RequestInProgress
from domain.idempotency import IdempotencyRecord, StoredResponse

_k = idempotency_keys.c


def _record_from_row(row: Mapping[Any, Any]) -> IdempotencyRecord:
    response = None
    if row["response_status"] is not None:
        response = StoredResponse(status=row["response_status"], body=row["response_body"])
    return IdempotencyRecord(
        user_id=row["user_id"],
        key=row["key"],
        fingerprint=row["fingerprint"],
        created_at=row["created_at"],
        claim_token=row["claim_token"],
        claimed_until=row["claimed_until"],
        response=response,
    )


class SqlAlchemyIdempotencyKeys(IdempotencyKeys):
    """Idempotency records through SQLAlchemy Core.

    A claim is `INSERT … ON CONFLICT DO NOTHING` on the (user, key) primary key: of several
    requests arriving at once on any number of workers exactly one inserts (on PostgreSQL
    the others wait for its short transaction and then see its row). Every later step names
    the claim's token in its WHERE, so a request whose claim was taken over changes nothing.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    def _mine(self, user_id: uuid.UUID, key: str, token: uuid.UUID) -> list[Any]:
        return [
            _k.user_id == user_id,
            _k.key == key,
            _k.claim_token == token,
            _k.response_status.is_(None),
        ]

    async def insert_claim(
        self,
        user_id: uuid.UUID,
        key: str,
        fingerprint: str,
        token: uuid.UUID,
        now: datetime,
        until: datetime,
    ) -> IdempotencyRecord | None:
        dialect = postgresql if self._conn.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(idempotency_keys)
            .values(
                user_id=user_id,
                key=key,
                fingerprint=fingerprint,
                created_at=now,
                claim_token=token,
                claimed_until=until,
            )
            .on_conflict_do_nothing(index_elements=["user_id", "key"])
        )
        if (await self._conn.execute(statement)).rowcount == 1:
            return None
        found = await self._conn.execute(
            select(idempotency_keys).where(_k.user_id == user_id, _k.key == key)
        )
        row = found.mappings().first()
        if row is None:  # pruned between the two statements: the client may simply retry
            raise RequestInProgress()
        return _record_from_row(row)

    async def take_over(
        self,
        found: IdempotencyRecord,
        fingerprint: str,
        token: uuid.UUID,
        now: datetime,
        until: datetime,
    ) -> bool:
        held = found.claim_token
        same_claim = _k.claim_token.is_(None) if held is None else _k.claim_token == held
        result = await self._conn.execute(
            update(idempotency_keys)
            .where(
                _k.user_id == found.user_id,
                _k.key == found.key,
                _k.created_at == found.created_at,
                same_claim,
            )
            .values(
                fingerprint=fingerprint,
                created_at=now,
                claim_token=token,
                claimed_until=until,
                response_status=None,
                response_body=None,
            )
        )
        return result.rowcount == 1

    async def complete(
        self, user_id: uuid.UUID, key: str, token: uuid.UUID, response: StoredResponse
    ) -> bool:
        result = await self._conn.execute(
            update(idempotency_keys)
            .where(*self._mine(user_id, key, token))
            .values(
                response_status=response.status,
                response_body=response.body,
                claim_token=None,
                claimed_until=None,
            )
        )
        return result.rowcount == 1

    async def release(self, user_id: uuid.UUID, key: str, token: uuid.UUID) -> None:
        await self._conn.execute(delete(idempotency_keys).where(*self._mine(user_id, key, token)))

    async def prune(self, created_before: datetime) -> int:
        result = await self._conn.execute(
            delete(idempotency_keys).where(_k.created_at < created_before)
        )
        return result.rowcount
