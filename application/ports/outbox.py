from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from domain.email_messages import EmailMessage
from domain.outbox import QueuedEmail


class EmailOutbox(Protocol):
    """E-mails waiting to be sent; part of a unit of work, so a message is queued if and only
    if the change that caused it commits."""

    enqueued: int
    """How many messages this unit of work queued (its commit wakes the delivery loop)."""

    async def enqueue(self, message: EmailMessage) -> None:
        """Queue `message`, due at once."""
        ...

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[QueuedEmail]:
        """Up to `limit` unsent messages due at `now`, oldest due first, each with its attempt
        counted and its next try moved to `lease_until`. Concurrent claimers (other units of
        work, processes or hosts) never get the same message until the lease runs out, so a
        message whose sender died becomes due again by itself."""
        ...

    async def mark_sent(self, message_id: uuid.UUID, now: datetime) -> None: ...

    async def schedule_retry(self, message_id: uuid.UUID, at: datetime, error: str) -> None:
        """Record a failed try (`error`: short, no secrets) and make the message due at `at`.
        A message already marked sent stays sent."""
        ...


class EmailSender(Protocol):
    """Hands one message to a mail transport; raises on failure, returns once accepted."""

    async def send(self, message: EmailMessage) -> None: ...
