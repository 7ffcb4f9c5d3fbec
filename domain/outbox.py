"""An e-mail waiting in the outbox, and when to try again after a failed delivery."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.email_messages import EmailMessage

FIRST_RETRY_DELAY = timedelta(seconds=2)
# Below the contract's 60 s between tries, leaving room for the delivery loop's poll interval
# and a send that times out, so even start-to-start two tries stay under a minute apart.
MAX_RETRY_DELAY = timedelta(seconds=45)
MAX_ERROR_LENGTH = 200


@dataclass(slots=True, kw_only=True)
class QueuedEmail:
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    message: EmailMessage
    created_at: datetime
    # Due when this instant has passed; a claimed message is leased by moving it forward.
    next_attempt_at: datetime
    attempts: int = 0
    sent_at: datetime | None = None
    # Refused for good by the mail server: never tried again.
    failed_at: datetime | None = None
    last_error: str | None = None

    @classmethod
    def new(cls, message: EmailMessage, now: datetime) -> QueuedEmail:
        return cls(message=message, created_at=now, next_attempt_at=now)

    def is_due(self, now: datetime) -> bool:
        return self.sent_at is None and self.failed_at is None and self.next_attempt_at <= now

    def finished_before(self, cutoff: datetime) -> bool:
        """Sent or refused for good before `cutoff`: history that may be pruned."""
        finished = self.sent_at or self.failed_at
        return finished is not None and finished < cutoff


class DeliveryRefused(Exception):
    """The mail server refused a message for good (an SMTP 5xx reply): trying again would be
    refused again. The text is the server's reply, never the message's body."""


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try: 2 s, 4 s, 8 s … capped."""
    exponent = min(max(attempts, 1) - 1, 16)  # the cap is reached long before; no huge powers
    return min(FIRST_RETRY_DELAY * (1 << exponent), MAX_RETRY_DELAY)


def short_error(error: BaseException) -> str:
    """A one-line description of a delivery failure, fit to store (no traceback)."""
    text = " ".join(str(error).split()) or "no detail"
    return f"{type(error).__name__}: {text}"[:MAX_ERROR_LENGTH]
