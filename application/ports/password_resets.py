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

    async def void_for_user(self, user_id: uuid.UUID, now: datetime) -> None:
        """Spend every outstanding token of the user (a newer link, a password or e-mail
        change, a deactivation). The records stay, so they are still counted."""
        ...

    async def count_created_since(self, user_id: uuid.UUID, since: datetime) -> int:
        """How many tokens of the user were issued at or after `since`, spent or not."""
        ...

    async def forget_created_before(self, user_id: uuid.UUID, before: datetime) -> None:
        """Delete the user's tokens issued before `before` (spent ones no longer counted)."""
        ...
