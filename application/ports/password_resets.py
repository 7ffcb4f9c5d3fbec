from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from domain.password_resets import PasswordResetToken


class PasswordResetTokenRepository(Protocol):
    """Password-reset tokens, stored by hash only; part of a unit of work."""

    async def add(self, token: PasswordResetToken) -> None: ...

    async def get_by_hash(self, token_hash: str) -> PasswordResetToken | None: ...

    async def consume(self, token_id: uuid.UUID, now: datetime) -> bool:
        """Mark the token used, but only if it is unused and unexpired at `now`. Of two
        concurrent calls for one token exactly one gets True."""
        ...

    async def delete_for_user(self, user_id: uuid.UUID) -> None:
        """Forget every token of the user, used or not (a newer one supersedes them)."""
        ...
