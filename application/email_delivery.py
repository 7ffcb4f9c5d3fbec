"""Delivering the outbox: every queued e-mail is sent at least once, however long it takes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from application.ports import Clock, EmailSender, UnitOfWorkFactory
from domain.outbox import DeliveryRefused, QueuedEmail, retry_delay, short_error

log = logging.getLogger("hexapi.email")

DEFAULT_BATCH_SIZE = 10
DEFAULT_SEND_TIMEOUT = 10.0
# Longer than a batch may take (see BATCH_SHARE_OF_LEASE), so a message is only claimed
# again once its claimer has surely given up or died.
DEFAULT_LEASE = timedelta(seconds=30)
# A batch is sent one message after another on one connection; what is left when this share
# of the lease has passed is tried again later, before anyone else could claim it.
BATCH_SHARE_OF_LEASE = 0.8
# Counts each outcome, by the message's kind: "sent", "retried" or "failed".
OutcomeCounter = Callable[[str, str], None]


class DeliverDueEmails:
    """Send the e-mails that are due, once.

    A batch is claimed in a short transaction and sent outside it, one message after
    another through one sender session (one SMTP connection for the batch); each outcome is
    recorded in a transaction of its own: sent; due again after an exponential backoff; or,
    when the server refused it for good (DeliveryRefused, a 5xx reply), failed and never
    tried again. A process that dies mid-send leaves its messages leased, and they fall due
    again when the lease runs out, so nothing is lost (at worst a message is sent twice).
    Returns how many messages were claimed.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        sender: EmailSender,
        clock: Clock,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        lease: timedelta = DEFAULT_LEASE,
        send_timeout: float = DEFAULT_SEND_TIMEOUT,
        on_outcome: OutcomeCounter | None = None,
    ) -> None:
        self._uow, self._sender, self._clock = uow, sender, clock
        self.batch_size, self._lease, self._send_timeout = batch_size, lease, send_timeout
        self._on_outcome = on_outcome

    async def __call__(self) -> int:
        now = self._clock.now()
        async with self._uow() as uow:
            claimed = await uow.outbox.claim_due(now, now + self._lease, self.batch_size)
            await uow.commit()
        if claimed:
            await self._send_batch(claimed)
        return len(claimed)

    async def _send_batch(self, claimed: list[QueuedEmail]) -> None:
        left = list(claimed)
        try:
            async with asyncio.timeout(self._lease.total_seconds() * BATCH_SHARE_OF_LEASE):
                async with self._sender.session() as session:
                    while left:
                        await self._deliver(session, left[0])
                        left.pop(0)
        except Exception as exc:  # the session could not start, or the batch ran out of time
            for queued in left:
                await self._retry_later(queued, exc)

    async def _deliver(self, session: EmailSender, queued: QueuedEmail) -> None:
        try:
            async with asyncio.timeout(self._send_timeout):
                await session.send(queued.message)
        except DeliveryRefused as exc:
            await self._give_up(queued, exc)
            return
        except Exception as exc:
            await self._retry_later(queued, exc)
            return
        async with self._uow() as uow:
            await uow.outbox.mark_sent(queued.id, self._clock.now())
            await uow.commit()
        self._count(queued, "sent")
        log.info("sent %s e-mail %s", queued.message.kind, queued.id)

    async def _give_up(self, queued: QueuedEmail, exc: DeliveryRefused) -> None:
        error = short_error(exc)
        async with self._uow() as uow:
            await uow.outbox.mark_failed(queued.id, self._clock.now(), error)
            await uow.commit()
        self._count(queued, "failed")
        # The server's reply and the message's kind and id: never its body, which may hold a
        # reset link.
        log.error(
            "%s e-mail %s refused for good, not retried: %s", queued.message.kind, queued.id, error
        )

    def _count(self, queued: QueuedEmail, outcome: str) -> None:
        if self._on_outcome is not None:
            self._on_outcome(queued.message.kind, outcome)

    async def _retry_later(self, queued: QueuedEmail, exc: Exception) -> None:
        error = short_error(exc)
        delay = retry_delay(queued.attempts)
        async with self._uow() as uow:
            await uow.outbox.schedule_retry(queued.id, self._clock.now() + delay, error)
            await uow.commit()
        self._count(queued, "retried")
        log.warning(
            "could not send %s e-mail %s (try %d), trying again in %.0f s: %s",
            queued.message.kind,
            queued.id,
            queued.attempts,
            delay.total_seconds(),
            error,
        )


class PruneEmailHistory:
    """Delete the messages sent or refused more than `retention` ago, in batches, so the
    outbox holds a bounded history. Returns how many were deleted."""

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, retention: timedelta, *, batch: int = 1000
    ) -> None:
        self._uow, self._clock, self._retention, self._batch = uow, clock, retention, batch

    async def __call__(self) -> int:
        cutoff = self._clock.now() - self._retention
        deleted = 0
        while True:  # short transactions: the delivery of new mail never waits long
            async with self._uow() as uow:
                count = await uow.outbox.prune_finished(cutoff, self._batch)
                await uow.commit()
            deleted += count
            if count < self._batch:
                return deleted
