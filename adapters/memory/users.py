from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from adapters.memory.tables import MemoryTable
from application.ports import UserRepository
from application.ports.users import NewestFirstKey, UserFilter
from domain.errors import EmailTaken
from domain.users import User

USERS = MemoryTable("users")


class InMemoryUserRepository(UserRepository):
    """Users in a dict; entities are copied in and out, as rows would be.

    `forget_account` is the unit of work's cascade over the other tables, run on delete as
    the foreign keys do on SQL. Row locks are not needed: the store already runs one unit
    of work at a time.
    """

    def __init__(
        self,
        rows: dict[uuid.UUID, Any],
        forget_account: Callable[[uuid.UUID], None] = lambda user_id: None,
    ) -> None:
        self._rows: dict[uuid.UUID, User] = rows
        self._forget_account = forget_account

    async def add(self, user: User) -> None:
        self._ensure_email_free(user)
        self._rows[user.id] = replace(user)

    async def get(self, user_id: uuid.UUID) -> User | None:
        user = self._rows.get(user_id)
        return replace(user) if user else None

    async def get_for_update(self, user_id: uuid.UUID) -> User | None:
        return await self.get(user_id)

    async def get_by_email(self, email: str) -> User | None:
        return next((replace(u) for u in self._rows.values() if u.email == email), None)

    async def update(self, user: User) -> None:
        stored = self._rows.get(user.id)
        if stored is not None:
            self._ensure_email_free(user)
            self._rows[user.id] = replace(user, created_at=stored.created_at)  # as in SQL

    async def delete(self, user_id: uuid.UUID) -> None:
        self._rows.pop(user_id, None)
        self._forget_account(user_id)

    async def lock_active_superusers(self) -> list[uuid.UUID]:
        return sorted(u.id for u in self._rows.values() if u.is_active_superuser)

    async def search(
        self,
        where: UserFilter,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> list[User]:
        found = sorted(
            (u for u in self._rows.values() if where.matches(u)),
            key=lambda u: (u.created_at, u.id),
            reverse=True,
        )
        if after is not None:
            found = [u for u in found if (u.created_at, u.id) < after]
        return [replace(u) for u in found[offset : offset + limit]]

    async def count(self, where: UserFilter) -> int:
        return sum(1 for u in self._rows.values() if where.matches(u))

    def _ensure_email_free(self, user: User) -> None:
        if any(u.email == user.email and u.id != user.id for u in self._rows.values()):
            raise EmailTaken()
