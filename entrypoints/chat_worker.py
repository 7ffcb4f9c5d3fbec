"""The pruning of old chat history, run by every `serve` worker and by `hexapi worker`."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from application.chat.messages import PruneMessages
from domain.outbox import short_error

log = logging.getLogger("hexapi.chat")


class ChatHistoryPruning:
    """Runs PruneMessages every `interval` seconds until stopped; a failure (the database
    away) is logged in one line and tried again at the next turn."""

    def __init__(self, prune: PruneMessages, *, interval: float = 60.0) -> None:
        self._prune, self._interval = prune, interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="chat-history-pruning")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run(self) -> None:
        while True:
            try:
                pruned = await self._prune()
            except Exception as exc:
                log.warning("chat history pruning failed: %s", short_error(exc))
            else:
                if pruned:
                    log.info("pruned %d chat messages past their keeping", pruned)
            await asyncio.sleep(self._interval)
