"""A login session: what one successful login grants, until it is revoked or expires."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True, kw_only=True)
class LoginSession:
    id: uuid.UUID
    user_id: uuid.UUID
    # The id of the one refresh token that may still be spent; any other one is a replay.
    refresh_token_id: uuid.UUID
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
