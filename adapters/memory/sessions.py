from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from adapters.memory.tables import DELETE_ROWS, MemoryTable
from application.ports import SessionRepository
from domain.sessions import LoginSession

SESSIONS = MemoryTable("sessions", owner="user_id", on_account_deleted=DELETE_ROWS)


class InMemorySessionRepository(SessionRepository):
    """Login sessions in a dict."""

    def __init__(self, rows: dict[uuid.UUID, Any]) -> None:
        self._rows: dict[uuid.UUID, LoginSession] = rows

    async def add(self, session: LoginSession) -> None:
        self._rows[session.id] = replace(session)

    async def get(self, session_id: uuid.UUID) -> LoginSession | None:
        session = self._rows.get(session_id)
        return replace(session) if session else None

    async def rotate(
        self,
        session_id: uuid.UUID,
        spent_token_id: uuid.UUID,
        new_token_id: uuid.UUID,
        expires_at: datetime,
    ) -> bool:
        session = self._rows.get(session_id)
        if session is None or session.revoked_at or session.refresh_token_id != spent_token_id:
            return False
        self._rows[session_id] = replace(
            session, refresh_token_id=new_token_id, expires_at=expires_at
        )
        return True

    async def revoke(self, session_id: uuid.UUID, now: datetime) -> None:
        session = self._rows.get(session_id)
        if session is not None and session.revoked_at is None:
            self._rows[session_id] = replace(session, revoked_at=now)

    async def revoke_all_for_user(self, user_id: uuid.UUID, now: datetime) -> None:
        for session_id, session in list(self._rows.items()):
            if session.user_id == user_id and session.revoked_at is None:
                self._rows[session_id] = replace(session, revoked_at=now)
