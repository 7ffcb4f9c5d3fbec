from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables import users
from application.ports import UserRepository
from domain.errors import EmailTaken
from domain.users import User

_COLUMNS = [c.name for c in users.columns]


def user_from_row(row: Mapping[str, Any]) -> User:
    return User(**{name: row[name] for name in _COLUMNS})


def user_to_row(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in _COLUMNS}


class SqlAlchemyUserRepository(UserRepository):
    """Users through SQLAlchemy Core on the unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, user: User) -> None:
        await self._write(insert(users).values(user_to_row(user)))

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self._one(select(users).where(users.c.id == user_id))

    async def get_by_email(self, email: str) -> User | None:
        return await self._one(select(users).where(users.c.email == email))

    async def update(self, user: User) -> None:
        row = user_to_row(user)
        del row["id"], row["created_at"]
        await self._write(update(users).where(users.c.id == user.id).values(row))

    async def _one(self, statement: Any) -> User | None:
        row = (await self._conn.execute(statement)).mappings().first()
        return user_from_row(row) if row else None

    async def _write(self, statement: Any) -> None:
        try:
            await self._conn.execute(statement)
        except IntegrityError as exc:  # the unit of work is spoilt and will roll back
            if "email" in str(exc.orig):
                raise EmailTaken() from exc
            raise
