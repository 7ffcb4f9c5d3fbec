from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.availability import connection
from adapters.sqlalchemy.tables.sessions import login_sessions
from adapters.sqlalchemy.tables.users import users
from adapters.sqlalchemy.users import user_from_row
from application.ports import Clock, PrincipalLookup
from domain.users import User

# One statement, outside any transaction: the hottest read of the service.
_PRINCIPAL = (
    select(users)
    .join(login_sessions, login_sessions.c.user_id == users.c.id)
    .where(
        login_sessions.c.id == bindparam("session_id"),
        users.c.id == bindparam("user_id"),
        users.c.is_active.is_(True),
        login_sessions.c.revoked_at.is_(None),
        login_sessions.c.expires_at > bindparam("now"),
        login_sessions.c.created_at >= users.c.password_changed_at,
    )
)


class SqlAlchemyPrincipalLookup(PrincipalLookup):
    """The per-request session check as a single autocommit SELECT."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._clock = clock

    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID) -> User | None:
        async with connection(self._engine) as conn:
            result = await conn.execute(
                _PRINCIPAL,
                {"session_id": session_id, "user_id": user_id, "now": self._clock.now()},
            )
            row = result.mappings().first()
        return user_from_row(row) if row else None
