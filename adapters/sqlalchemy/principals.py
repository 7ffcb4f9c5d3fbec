from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.availability import connection
from adapters.sqlalchemy.tables.sessions import login_sessions
from adapters.sqlalchemy.tables.users import users
from adapters.sqlalchemy.users import user_from_row
from application.ports import Clock, PrincipalLookup
from domain.sessions import LoginSession, grants_access
from domain.users import User

SESSION_PREFIX = "session_"
# One statement, outside any transaction: the hottest read of the service. It fetches the
# user and the session by their ids; whether that session still grants access is the
# domain's rule (grants_access), applied to the row.
_PRINCIPAL = (
    select(
        users,
        *(c.label(SESSION_PREFIX + c.name) for c in login_sessions.columns),
    )
    .join(login_sessions, login_sessions.c.user_id == users.c.id)
    .where(login_sessions.c.id == bindparam("session_id"), users.c.id == bindparam("user_id"))
)


# (field, column label) of the session's part of the row, worked out once.
_SESSION_FIELDS = [(c.name, SESSION_PREFIX + c.name) for c in login_sessions.columns]


def principal_from_row(row: Mapping[Any, Any] | None, now: datetime) -> User | None:
    """The user of a (user, session) row when the session still grants access, else None."""
    if row is None:
        return None
    user = user_from_row(row)
    session = LoginSession(**{name: row[label] for name, label in _SESSION_FIELDS})
    return user if grants_access(session, user, now) else None


class SqlAlchemyPrincipalLookup(PrincipalLookup):
    """The per-request session check as a single autocommit SELECT."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._clock = clock

    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID) -> User | None:
        async with connection(self._engine) as conn:
            result = await conn.execute(_PRINCIPAL, {"session_id": session_id, "user_id": user_id})
            row = result.mappings().first()
        return principal_from_row(row, self._clock.now())
