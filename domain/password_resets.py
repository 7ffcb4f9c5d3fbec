"""Password-reset tokens: random, single-use, short-lived, and stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# At most this many reset e-mails go to one account per window: enough for a lost mail or
# two, too few to flood a mailbox through someone else's requests.
MAX_RESET_EMAILS = 3
RESET_EMAIL_WINDOW = timedelta(hours=1)


def hash_reset_token(token: str) -> str:
    """The stored form of a token. A plain SHA-256 suffices: the token has 256 random bits,
    so there is nothing to guess and no need for a slow hash."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(slots=True, kw_only=True)
class PasswordResetToken:
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    user_id: uuid.UUID
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    @classmethod
    def issue(
        cls, user_id: uuid.UUID, now: datetime, ttl: timedelta
    ) -> tuple[PasswordResetToken, str]:
        """A new token record and the secret to mail; only the record is ever stored."""
        secret = secrets.token_urlsafe(32)
        record = cls(
            user_id=user_id,
            token_hash=hash_reset_token(secret),
            created_at=now,
            expires_at=now + ttl,
        )
        return record, secret

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


def may_send_reset_email(sent_in_window: int) -> bool:
    """Whether another reset e-mail may go to an account that got `sent_in_window` of them
    within the last RESET_EMAIL_WINDOW."""
    return sent_in_window < MAX_RESET_EMAILS
