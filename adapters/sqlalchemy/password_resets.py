from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables.password_resets import password_reset_tokens
from application.ports import PasswordResetTokenRepository
from domain.password_resets import PasswordResetToken

_t = password_reset_tokens.c
_COLUMNS = [c.name for c in password_reset_tokens.columns]


def reset_token_from_row(row: Mapping[Any, Any]) -> PasswordResetToken:
    return PasswordResetToken(**{name: row[name] for name in _COLUMNS})


class SqlAlchemyPasswordResetTokenRepository(PasswordResetTokenRepository):
    """Reset tokens (hashes only) on the unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, token: PasswordResetToken) -> None:
        row = {name: getattr(token, name) for name in _COLUMNS}
        await self._conn.execute(insert(password_reset_tokens).values(row))

    async def get_by_hash(self, token_hash: str) -> PasswordResetToken | None:
        result = await self._conn.execute(
            select(password_reset_tokens).where(_t.token_hash == token_hash)
        )
        row = result.mappings().first()
        return reset_token_from_row(row) if row else None

    async def consume(self, token_id: uuid.UUID, now: datetime) -> bool:
        # One conditional UPDATE: of two resets racing with one token, exactly one wins.
        result = await self._conn.execute(
            update(password_reset_tokens)
            .where(_t.id == token_id, _t.used_at.is_(None), _t.expires_at > now)
            .values(used_at=now)
        )
        return result.rowcount == 1

    async def void_for_user(self, user_id: uuid.UUID, now: datetime) -> None:
        await self._conn.execute(
            update(password_reset_tokens)
            .where(_t.user_id == user_id, _t.used_at.is_(None))
            .values(used_at=now)
        )

    async def count_created_since(self, user_id: uuid.UUID, since: datetime) -> int:
        result = await self._conn.execute(
            select(func.count())
            .select_from(password_reset_tokens)
            .where(_t.user_id == user_id, _t.created_at >= since)
        )
        return int(result.scalar_one())

    async def forget_created_before(self, user_id: uuid.UUID, before: datetime) -> None:
        await self._conn.execute(
            delete(password_reset_tokens).where(_t.user_id == user_id, _t.created_at < before)
        )
