from __future__ import annotations

import uuid
from contextlib import AbstractAsyncContextManager, nullcontext
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

    async def mark_failed(self, message_id: uuid.UUID, now: datetime, error: str) -> None:
        """Record that the mail server refused the message for good: it is never claimed
        again. A message already marked sent stays sent."""
        ...

    async def prune_finished(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` messages sent or failed before `before`; how many went."""
        ...

    async def schedule_retry(self, message_id: uuid.UUID, at: datetime, error: str) -> None:
        """Record a failed try (`error`: short, no secrets) and make the message due at `at`.
        A message already marked sent stays sent."""
        ...


class EmailSender(Protocol):
    """Hands messages to a mail transport; `send` raises on failure (DeliveryRefused when the
    server refuses the message for good) and returns once the message is accepted."""

    async def send(self, message: EmailMessage) -> None: ...

    def session(self) -> AbstractAsyncContextManager[EmailSender]:
        """A sender for a batch: `async with sender.session() as s: await s.send(m) …`.
        A transport with connections (SMTP) reuses one for the whole batch; by default the
        sender itself."""
        return nullcontext(self)
