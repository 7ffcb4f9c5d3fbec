"""Periodic chores that keep tables from growing for ever: idempotency keys past their 24
hours, chat messages past CHAT_HISTORY_DAYS. Every `serve` worker and `hexapi worker` runs
them; they are idempotent deletes, so running them side by side on several hosts is
harmless."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from domain.outbox import short_error

log = logging.getLogger("hexapi.housekeeping")
Chore = Callable[[], Awaitable[int]]


class Housekeeping:
    """Runs each chore every `interval` seconds, starting shortly after start; a chore that
    fails (database away) is logged in one line and tried again next time."""

    def __init__(self, chores: Sequence[Chore], *, interval: float = 600.0) -> None:
        self._chores, self._interval = list(chores), interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="housekeeping")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run(self) -> None:
        while True:
            await self.run_once()
            await asyncio.sleep(self._interval)

    async def run_once(self) -> None:
        for chore in self._chores:
            try:
                removed = await chore()
            except Exception as exc:
                log.warning("housekeeping chore failed: %s", short_error(exc))
            else:
                if removed:
                    log.info("housekeeping removed %d expired rows", removed)
