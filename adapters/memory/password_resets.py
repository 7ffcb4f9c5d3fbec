from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from adapters.memory.tables import DELETE_ROWS, MemoryTable
from application.ports import PasswordResetTokenRepository
from domain.password_resets import PasswordResetToken

PASSWORD_RESET_TOKENS = MemoryTable(
    "password_reset_tokens", owner="user_id", on_account_deleted=DELETE_ROWS
)


class InMemoryPasswordResetTokenRepository(PasswordResetTokenRepository):
    """Reset tokens in a dict, keyed by id."""

    def __init__(self, rows: dict[uuid.UUID, Any]) -> None:
        self._rows: dict[uuid.UUID, PasswordResetToken] = rows

    async def add(self, token: PasswordResetToken) -> None:
        self._rows[token.id] = replace(token)

    async def get_by_hash(self, token_hash: str) -> PasswordResetToken | None:
        return next((replace(t) for t in self._rows.values() if t.token_hash == token_hash), None)

    async def consume(self, token_id: uuid.UUID, now: datetime) -> bool:
        token = self._rows.get(token_id)
        if token is None or not token.is_usable(now):
            return False
        self._rows[token_id] = replace(token, used_at=now)
        return True

    async def void_for_user(self, user_id: uuid.UUID, now: datetime) -> None:
        for token_id, token in list(self._rows.items()):
            if token.user_id == user_id and token.used_at is None:
                self._rows[token_id] = replace(token, used_at=now)

    async def count_created_since(self, user_id: uuid.UUID, since: datetime) -> int:
        return sum(1 for t in self._rows.values() if t.user_id == user_id and t.created_at >= since)

    async def forget_created_before(self, user_id: uuid.UUID, before: datetime) -> None:
        for token_id, token in list(self._rows.items()):
            if token.user_id == user_id and token.created_at < before:
                del self._rows[token_id]
