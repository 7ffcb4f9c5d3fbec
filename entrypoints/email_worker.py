"""The e-mail delivery loop: inside every `hexapi serve` worker, or alone as `hexapi worker`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from application.email_delivery import DeliverDueEmails, PruneEmailHistory
from application.errors import BackendUnavailable
from domain.outbox import short_error

log = logging.getLogger("hexapi.email")

# Failures that mean "a backend is away", worth one line rather than a traceback.
_OUTAGES = (OSError, TimeoutError, DBAPIError, PoolTimeout, BackendUnavailable)


class Wakeup:
    """Rung when this process commits a queued e-mail, so the loop sends it at once instead
    of at its next poll (other processes find it by polling)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ring(self) -> None:
        self._event.set()

    async def wait(self, at_most: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(at_most):
                await self._event.wait()
        self._event.clear()


class EmailDeliveryLoop:
    """Runs DeliverDueEmails forever: right after a commit queued mail, every
    `poll_interval` seconds otherwise, and back to back while batches come out full.

    It survives every error: an outage is logged in one line when it starts (and once a
    minute while it lasts) and when it ends, and the loop pauses a little longer each time.
    Every `prune_interval` seconds it also prunes the outbox's history (`prune`).
    """

    def __init__(
        self,
        deliver: DeliverDueEmails,
        wakeup: Wakeup,
        *,
        poll_interval: float = 1.0,
        max_pause: float = 5.0,
        stop_grace: float = 2.0,
        prune: PruneEmailHistory | None = None,
        prune_interval: float = 60.0,
    ) -> None:
        self._deliver, self._wakeup = deliver, wakeup
        self._prune, self._prune_interval = prune, prune_interval
        self._next_prune = 0.0
        self._poll, self._max_pause, self._grace = poll_interval, max_pause, stop_grace
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._failing_since: float | None = None
        self._last_report = 0.0

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self.run(), name="email-delivery")

    async def stop(self) -> None:
        """Let a pass in progress finish for a moment, then cancel; always returns quickly."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wakeup.ring()
        done, _ = await asyncio.wait({task}, timeout=self._grace)
        if not done:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def run(self) -> None:
        pause = self._poll
        while not self._stopping:
            try:
                await self._prune_when_due()
                claimed = await self._deliver()
            except Exception as exc:
                self._report(exc)
                await asyncio.sleep(pause)
                pause = min(pause * 2, self._max_pause)
                continue
            pause = self._poll
            self._recovered()
            if claimed < self._deliver.batch_size:
                await self._wakeup.wait(self._poll)

    async def _prune_when_due(self) -> None:
        if self._prune is None or time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + self._prune_interval
        pruned = await self._prune()
        if pruned:
            log.info("pruned %d delivered or refused e-mails from the outbox", pruned)

    def _report(self, exc: Exception) -> None:
        now = time.monotonic()
        if self._failing_since is None:
            self._failing_since = self._last_report = now
            expected = isinstance(exc, _OUTAGES)
            log.warning(
                "e-mail delivery paused: %s", short_error(exc), exc_info=None if expected else exc
            )
        elif now - self._last_report >= 60:
            self._last_report = now
            log.warning(
                "e-mail delivery still paused after %.0f s: %s",
                now - self._failing_since,
                short_error(exc),
            )

    def _recovered(self) -> None:
        if self._failing_since is not None:
            log.warning(
                "e-mail delivery resumed after %.0f s", time.monotonic() - self._failing_since
            )
            self._failing_since = None


async def run_worker(loop: EmailDeliveryLoop) -> None:
    """Run `loop` until SIGINT or SIGTERM, then stop it cleanly."""
    stop = asyncio.Event()
    running = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        running.add_signal_handler(signum, stop.set)
    try:
        loop.start()
        log.warning("delivering e-mail until stopped (SIGINT or SIGTERM)")
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            running.remove_signal_handler(signum)
        await loop.stop()
