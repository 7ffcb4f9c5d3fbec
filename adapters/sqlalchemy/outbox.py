from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables.outbox import email_outbox
from application.ports import Clock, EmailOutbox
from domain.email_messages import EmailMessage
from domain.outbox import MAX_ERROR_LENGTH, QueuedEmail

_t = email_outbox.c


def queued_from_row(row: Mapping[Any, Any]) -> QueuedEmail:
    return QueuedEmail(
        id=row["id"],
        message=EmailMessage(
            to=row["recipient"], subject=row["subject"], body=row["body"], kind=row["kind"]
        ),
        created_at=row["created_at"],
        next_attempt_at=row["next_attempt_at"],
        attempts=row["attempts"],
        sent_at=row["sent_at"],
        failed_at=row["failed_at"],
        last_error=row["last_error"],
    )


class SqlAlchemyEmailOutbox(EmailOutbox):
    """The outbox table, on the unit of work's connection.

    Claiming is one statement: PostgreSQL's `FOR UPDATE SKIP LOCKED` lets concurrent claimers
    pass over each other's rows instead of waiting for them or taking them twice; SQLite has
    no row locks (the clause is left out there) but its transactions begin with BEGIN
    IMMEDIATE, so claimers simply take turns.
    """

    def __init__(self, connection: AsyncConnection, clock: Clock) -> None:
        self._conn, self._clock = connection, clock
        self.enqueued = 0

    async def enqueue(self, message: EmailMessage) -> None:
        queued = QueuedEmail.new(message, self._clock.now())
        await self._conn.execute(
            insert(email_outbox).values(
                id=queued.id,
                kind=message.kind,
                recipient=message.to,
                subject=message.subject,
                body=message.body,
                created_at=queued.created_at,
                attempts=0,
                next_attempt_at=queued.next_attempt_at,
            )
        )
        self.enqueued += 1

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[QueuedEmail]:
        due = (
            select(_t.id)
            .where(_t.sent_at.is_(None), _t.failed_at.is_(None), _t.next_attempt_at <= now)
            .order_by(_t.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self._conn.execute(
            update(email_outbox)
            .where(_t.id.in_(due.scalar_subquery()))
            .values(attempts=_t.attempts + 1, next_attempt_at=lease_until)
            .returning(*email_outbox.columns)
        )
        claimed = [queued_from_row(row) for row in result.mappings()]
        return sorted(claimed, key=lambda q: q.created_at)

    async def mark_sent(self, message_id: uuid.UUID, now: datetime) -> None:
        await self._conn.execute(
            update(email_outbox)
            .where(_t.id == message_id, _t.sent_at.is_(None))
            .values(sent_at=now)
        )

    async def schedule_retry(self, message_id: uuid.UUID, at: datetime, error: str) -> None:
        await self._conn.execute(
            update(email_outbox)
            .where(_t.id == message_id, _t.sent_at.is_(None))
            .values(next_attempt_at=at, last_error=error[:MAX_ERROR_LENGTH])
        )

    async def mark_failed(self, message_id: uuid.UUID, now: datetime, error: str) -> None:
        await self._conn.execute(
            update(email_outbox)
            .where(_t.id == message_id, _t.sent_at.is_(None))
            .values(failed_at=now, last_error=error[:MAX_ERROR_LENGTH])
        )

    async def prune_finished(self, before: datetime, limit: int) -> int:
        # Two index-served selections (migration 0006), each batch one short statement.
        deleted = 0
        for finished in (_t.sent_at, _t.failed_at):
            if deleted >= limit:
                break
            batch = select(_t.id).where(finished < before).limit(limit - deleted)
            result = await self._conn.execute(
                delete(email_outbox).where(_t.id.in_(batch.scalar_subquery()))
            )
            deleted += result.rowcount
        return deleted
