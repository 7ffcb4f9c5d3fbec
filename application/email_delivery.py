"""Delivering the outbox: every queued e-mail is sent at least once, however long it takes."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from application.ports import Clock, EmailSender, UnitOfWorkFactory
from domain.outbox import QueuedEmail, retry_delay, short_error

log = logging.getLogger("hexapi.email")

DEFAULT_BATCH_SIZE = 10
DEFAULT_SEND_TIMEOUT = 10.0
# Longer than any send of a batch can take (sends run side by side, each bounded by the send
# timeout), so a message is only claimed again once its claimer has surely given up or died.
DEFAULT_LEASE = timedelta(seconds=30)


class DeliverDueEmails:
    """Send the e-mails that are due, once.

    A batch is claimed in a short transaction and sent outside it; each outcome is recorded
    in a transaction of its own: sent, or due again after an exponential backoff. A process
    that dies mid-send leaves its messages leased, and they fall due again when the lease
    runs out, so nothing is lost (at worst a message is sent twice). Returns how many
    messages were claimed.
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
    ) -> None:
        self._uow, self._sender, self._clock = uow, sender, clock
        self.batch_size, self._lease, self._send_timeout = batch_size, lease, send_timeout

    async def __call__(self) -> int:
        now = self._clock.now()
        async with self._uow() as uow:
            claimed = await uow.outbox.claim_due(now, now + self._lease, self.batch_size)
            await uow.commit()
        if claimed:
            outcomes = await asyncio.gather(
                *(self._deliver(queued) for queued in claimed), return_exceptions=True
            )
            for outcome in outcomes:  # recording failed (database gone): the lease covers it
                if isinstance(outcome, BaseException):
                    raise outcome
        return len(claimed)

    async def _deliver(self, queued: QueuedEmail) -> None:
        try:
            async with asyncio.timeout(self._send_timeout):
                await self._sender.send(queued.message)
        except Exception as exc:
            await self._retry_later(queued, exc)
            return
        async with self._uow() as uow:
            await uow.outbox.mark_sent(queued.id, self._clock.now())
            await uow.commit()
        log.info("sent %s e-mail %s", queued.message.kind, queued.id)

    async def _retry_later(self, queued: QueuedEmail, exc: Exception) -> None:
        error = short_error(exc)
        delay = retry_delay(queued.attempts)
        async with self._uow() as uow:
            await uow.outbox.schedule_retry(queued.id, self._clock.now() + delay, error)
            await uow.commit()
        log.warning(
            "could not send %s e-mail %s (try %d), trying again in %.0f s: %s",
            queued.message.kind,
            queued.id,
            queued.attempts,
            delay.total_seconds(),
            error,
        )
