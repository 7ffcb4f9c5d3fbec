from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables.sessions import login_sessions
from application.ports import SessionRepository
from domain.sessions import LoginSession

_COLUMNS = [c.name for c in login_sessions.columns]


def session_from_row(row: Mapping[Any, Any]) -> LoginSession:
    return LoginSession(**{name: row[name] for name in _COLUMNS})


class SqlAlchemySessionRepository(SessionRepository):
    """Login sessions through SQLAlchemy Core on the unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, session: LoginSession) -> None:
        row = {name: getattr(session, name) for name in _COLUMNS}
        await self._conn.execute(insert(login_sessions).values(row))

    async def get(self, session_id: uuid.UUID) -> LoginSession | None:
        result = await self._conn.execute(
            select(login_sessions).where(login_sessions.c.id == session_id)
        )
        row = result.mappings().first()
        return session_from_row(row) if row else None

    async def rotate(
        self,
        session_id: uuid.UUID,
        spent_token_id: uuid.UUID,
        new_token_id: uuid.UUID,
        expires_at: datetime,
    ) -> bool:
        # One conditional UPDATE: of two requests spending the same token, exactly one wins.
        result = await self._conn.execute(
            update(login_sessions)
            .where(
                login_sessions.c.id == session_id,
                login_sessions.c.refresh_token_id == spent_token_id,
                login_sessions.c.revoked_at.is_(None),
            )
            .values(refresh_token_id=new_token_id, expires_at=expires_at)
        )
        return result.rowcount == 1

    async def revoke(self, session_id: uuid.UUID, now: datetime) -> None:
        await self._conn.execute(
            update(login_sessions)
            .where(login_sessions.c.id == session_id, login_sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def revoke_all_for_user(self, user_id: uuid.UUID, now: datetime) -> None:
        await self._conn.execute(
            update(login_sessions)
            .where(login_sessions.c.user_id == user_id, login_sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
