from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.sessions import SqlAlchemySessionRepository
from adapters.sqlalchemy.users import SqlAlchemyUserRepository
from application.ports import UnitOfWork


class SqlAlchemyUnitOfWork(UnitOfWork):
    """One database transaction on one pooled connection, owned by the use case."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def __aenter__(self) -> Self:
        self._conn: AsyncConnection = await self._engine.connect()
        try:
            await self._conn.begin()
        except BaseException:
            await self._conn.close()
            raise
        self.users = SqlAlchemyUserRepository(self._conn)
        self.sessions = SqlAlchemySessionRepository(self._conn)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._conn.in_transaction():
                await self._conn.rollback()
        finally:
            await self._conn.close()

    async def commit(self) -> None:
        await self._conn.commit()
