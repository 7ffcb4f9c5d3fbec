from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from domain.sessions import LoginSession


class SessionRepository(Protocol):
    """Login sessions; part of a unit of work."""

    async def add(self, session: LoginSession) -> None: ...

    async def get(self, session_id: uuid.UUID) -> LoginSession | None: ...

    async def rotate(
        self,
        session_id: uuid.UUID,
        spent_token_id: uuid.UUID,
        new_token_id: uuid.UUID,
        expires_at: datetime,
    ) -> bool:
        """Atomically replace the current refresh token id and extend the session to
        `expires_at`, but only if the current id is still `spent_token_id` and the session is
        not revoked. False when another request won."""
        ...

    async def revoke(self, session_id: uuid.UUID, now: datetime) -> None: ...

    async def revoke_all_for_user(self, user_id: uuid.UUID, now: datetime) -> None: ...
