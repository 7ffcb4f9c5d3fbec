"""Removing what a process that died mid-upload left in file storage."""

from __future__ import annotations

import logging
from datetime import timedelta

from application.files.keys import discard_files
from application.files.uploads import FILES_KIND
from application.ports import Clock, FileStorage, UnitOfWorkFactory

log = logging.getLogger("hexapi.files")
DEFAULT_GRACE_SECONDS = 3600.0
_BATCH = 500


class SweepOrphanFiles:
    """Remove, once they are older than `grace_seconds`, unpublished writes (temporary files,
    incomplete multipart uploads) and published file bytes that no row names (the process
    died between moving them into place and committing the row). Returns how many went.

    The grace keeps uploads in progress, and rows about to commit, out of reach: a write is
    published a moment before its row commits, never an hour."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        files: FileStorage,
        clock: Clock,
        grace_seconds: float = DEFAULT_GRACE_SECONDS,
    ) -> None:
        self._uow, self._files, self._clock = uow, files, clock
        self._grace = timedelta(seconds=grace_seconds)

    async def __call__(self) -> int:
        cutoff = self._clock.now() - self._grace
        removed = await self._files.remove_abandoned(older_than=cutoff)
        batch: list[str] = []
        async for key in self._files.stored_keys(FILES_KIND, older_than=cutoff):
            batch.append(key)
            if len(batch) >= _BATCH:
                removed += await self._remove_unknown(batch)
                batch = []
        if batch:
            removed += await self._remove_unknown(batch)
        if removed:
            log.info("removed %d orphaned file uploads", removed)
        return removed

    async def _remove_unknown(self, keys: list[str]) -> int:
        async with self._uow(read_only=True) as uow:
            known = await uow.files.known_keys(keys)
        orphans = [key for key in keys if key not in known]
        await discard_files(self._files, orphans)
        return len(orphans)
