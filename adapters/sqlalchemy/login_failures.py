from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables.login_failures import login_failures
from application.ports.login_failures import LoginFailures

# First half of the two-part advisory lock key, so these locks cannot meet anyone else's.
_LOCK_NAMESPACE = 0x68657861  # "hexa"
_T = login_failures.c


class SqlAlchemyLoginFailures(LoginFailures):
    """Attempts as rows of `login_failures`, keyed by the SHA-256 of the key.

    On PostgreSQL `lock` takes a transaction-scoped advisory lock on the key's hash (other
    keys never wait); on SQLite the write lock that BEGIN IMMEDIATE took already serialises
    every writing transaction.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def lock(self, key: str) -> None:
        if self._conn.dialect.name == "postgresql":
            await self._conn.execute(
                text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
                {"namespace": _LOCK_NAMESPACE, "key": int(_hash(key)[:8], 16) - 2**31},
            )

    async def failures_since(self, key: str, since: datetime) -> list[datetime]:
        result = await self._conn.execute(
            select(_T.failed_at).where(_T.key_hash == _hash(key), _T.failed_at > since)
        )
        return list(result.scalars())

    async def add(self, key: str, attempt: uuid.UUID, at: datetime) -> None:
        await self._conn.execute(
            insert(login_failures).values(id=attempt, key_hash=_hash(key), failed_at=at)
        )

    async def forgive(self, key: str, attempt: uuid.UUID) -> None:
        await self._conn.execute(
            delete(login_failures).where(_T.key_hash == _hash(key), _T.id == attempt)
        )

    async def reset(self, key: str) -> None:
        await self._conn.execute(delete(login_failures).where(_T.key_hash == _hash(key)))

    async def sweep(self, until: datetime, limit: int) -> int:
        expired = select(_T.id).where(_T.failed_at <= until).limit(limit)
        if self._conn.dialect.name == "postgresql":
            # Rows another sweeper holds are its business: skipping them means never waiting,
            # so sweepers on several hosts cannot deadlock.
            expired = expired.with_for_update(skip_locked=True)
        result = await self._conn.execute(delete(login_failures).where(_T.id.in_(expired)))
        return int(result.rowcount)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
