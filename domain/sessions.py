"""A login session: what one successful login grants, until it is revoked or expires."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.users import User


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

    def expiry_after_refresh(self, proposed: datetime, max_lifetime: timedelta) -> datetime:
        """When the session ends if refreshed now: with the new refresh token (`proposed`),
        but never later than `max_lifetime` after the login, so a stolen refresh token that
        is kept fresh still dies, and an account gets a password prompt at least that often."""
        return min(proposed, self.created_at + max_lifetime)

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now


def grants_access(session: LoginSession, user: User, now: datetime) -> bool:
    """Whether `session` still lets `user` in: it is that user's, neither revoked nor expired,
    the account is active, and the session began after the last password change (changing a
    password ends every session opened before it).

    The one statement of the rule: the per-request check (every principal lookup) and the
    token refresh both ask it."""
    return (
        session.user_id == user.id
        and session.is_live(now)
        and user.is_active
        and session.created_at >= user.password_changed_at
    )
