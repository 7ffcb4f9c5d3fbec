from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables.users import users
from adapters.sqlalchemy.user_search import NEWEST_FIRST, older_than, user_conditions
from application.ports import UserRepository
from application.ports.users import NewestFirstKey, UserFilter
from domain.errors import EmailTaken
from domain.users import User

_COLUMNS = [c.name for c in users.columns]


def user_from_row(row: Mapping[Any, Any]) -> User:
    return User(**{name: row[name] for name in _COLUMNS})


def user_to_row(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in _COLUMNS}


class SqlAlchemyUserRepository(UserRepository):
    """Users through SQLAlchemy Core on the unit of work's connection.

    Row locks (`FOR UPDATE`) are taken on PostgreSQL; SQLite has none and needs none, since
    its transactions begin with BEGIN IMMEDIATE and so run one writer at a time.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, user: User) -> None:
        await self._write(insert(users).values(user_to_row(user)))

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self._one(select(users).where(users.c.id == user_id))

    async def get_for_update(self, user_id: uuid.UUID) -> User | None:
        return await self._one(select(users).where(users.c.id == user_id).with_for_update())

    async def get_by_email(self, email: str) -> User | None:
        return await self._one(select(users).where(users.c.email == email))

    async def update(self, user: User) -> None:
        row = user_to_row(user)
        del row["id"], row["created_at"]
        await self._write(update(users).where(users.c.id == user.id).values(row))

    async def delete(self, user_id: uuid.UUID) -> None:
        await self._conn.execute(delete(users).where(users.c.id == user_id))

    async def lock_active_superusers(self) -> list[uuid.UUID]:
        # Served by the partial index ix_users_active_superusers; locking in id order keeps
        # two transactions from deadlocking on the same rows.
        result = await self._conn.execute(
            select(users.c.id)
            .where(users.c.is_superuser, users.c.is_active)
            .order_by(users.c.id)
            .with_for_update()
        )
        return list(result.scalars())

    async def search(
        self,
        where: UserFilter,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> list[User]:
        conditions = user_conditions(where)
        if after is not None:
            conditions.append(older_than(after))
        statement = (
            select(users).where(*conditions).order_by(*NEWEST_FIRST).limit(limit).offset(offset)
        )
        result = await self._conn.execute(statement)
        return [user_from_row(row) for row in result.mappings()]

    async def count(self, where: UserFilter) -> int:
        statement = select(func.count()).select_from(users).where(*user_conditions(where))
        return (await self._conn.execute(statement)).scalar_one()

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
