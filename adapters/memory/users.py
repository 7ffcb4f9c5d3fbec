from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from application.ports import UserRepository
from domain.errors import EmailTaken
from domain.users import User


class InMemoryUserRepository(UserRepository):
    """Users in a dict; entities are copied in and out, as rows would be."""

    def __init__(self, rows: dict[uuid.UUID, Any]) -> None:
        self._rows: dict[uuid.UUID, User] = rows

    async def add(self, user: User) -> None:
        self._ensure_email_free(user)
        self._rows[user.id] = replace(user)

    async def get(self, user_id: uuid.UUID) -> User | None:
        user = self._rows.get(user_id)
        return replace(user) if user else None

    async def get_by_email(self, email: str) -> User | None:
        return next((replace(u) for u in self._rows.values() if u.email == email), None)

    async def update(self, user: User) -> None:
        if user.id in self._rows:
            self._ensure_email_free(user)
            self._rows[user.id] = replace(user)

    def _ensure_email_free(self, user: User) -> None:
        if any(u.email == user.email and u.id != user.id for u in self._rows.values()):
            raise EmailTaken()
