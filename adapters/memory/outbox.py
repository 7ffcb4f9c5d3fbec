from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from adapters.memory.tables import MemoryTable
from application.ports import Clock, EmailOutbox
from domain.email_messages import EmailMessage
from domain.outbox import MAX_ERROR_LENGTH, QueuedEmail

# Messages keep their recipient's address, not an account: deleting one leaves them be.
EMAIL_OUTBOX = MemoryTable("email_outbox")


class InMemoryEmailOutbox(EmailOutbox):
    """Queued e-mails in a dict. The unit of work's store lock serialises claimers, as
    SQLite's write lock does."""

    def __init__(self, rows: dict[uuid.UUID, Any], clock: Clock) -> None:
        self._rows: dict[uuid.UUID, QueuedEmail] = rows
        self._clock = clock
        self.enqueued = 0

    async def enqueue(self, message: EmailMessage) -> None:
        queued = QueuedEmail.new(message, self._clock.now())
        self._rows[queued.id] = queued
        self.enqueued += 1

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[QueuedEmail]:
        due = sorted(
            (q for q in self._rows.values() if q.is_due(now)),
            key=lambda q: (q.next_attempt_at, q.created_at),
        )[:limit]
        claimed = []
        for queued in due:
            leased = replace(queued, attempts=queued.attempts + 1, next_attempt_at=lease_until)
            self._rows[queued.id] = leased
            claimed.append(replace(leased))
        return claimed

    async def mark_sent(self, message_id: uuid.UUID, now: datetime) -> None:
        queued = self._rows.get(message_id)
        if queued is not None and queued.sent_at is None:
            self._rows[message_id] = replace(queued, sent_at=now)

    async def schedule_retry(self, message_id: uuid.UUID, at: datetime, error: str) -> None:
        queued = self._rows.get(message_id)
        if queued is not None and queued.sent_at is None:
            self._rows[message_id] = replace(
                queued, next_attempt_at=at, last_error=error[:MAX_ERROR_LENGTH]
            )

    async def mark_failed(self, message_id: uuid.UUID, now: datetime, error: str) -> None:
        queued = self._rows.get(message_id)
        if queued is not None and queued.sent_at is None:
            self._rows[message_id] = replace(
                queued, failed_at=now, last_error=error[:MAX_ERROR_LENGTH]
            )

    async def prune_finished(self, before: datetime, limit: int) -> int:
        done = [q.id for q in self._rows.values() if q.finished_before(before)][:limit]
        for message_id in done:
            del self._rows[message_id]
        return len(done)
