from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.availability import connection
from application.ports import DatabaseProbe

log = logging.getLogger("hexapi.health")

READINESS_TIMEOUT = 2.0


class SqlAlchemyDatabaseProbe(DatabaseProbe):
    """`SELECT 1` on a pooled connection, answered within `timeout` seconds whatever happens.

    The query runs in its own task and is abandoned (cancelled, cleaned up in the background)
    when it is late: waiting for it, or for the rollback and close a timed-out connection may
    still attempt, could take several timeouts of the engine.
    """

    def __init__(self, engine: AsyncEngine, timeout: float = READINESS_TIMEOUT) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._timeout = timeout
        self._late: set[asyncio.Task[bool]] = set()

    async def is_available(self) -> bool:
        task = asyncio.ensure_future(self._select_one())
        done, _ = await asyncio.wait({task}, timeout=self._timeout)
        if task in done:
            return task.result()
        task.cancel()
        self._late.add(task)  # keep a reference until it has finished cleaning up
        task.add_done_callback(self._late.discard)
        return False

    async def _select_one(self) -> bool:
        try:
            async with connection(self._engine) as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # whatever it is, the database did not answer
            cause = exc.__cause__ or exc
            log.warning("database not ready: %s: %s", type(cause).__name__, cause)
            return False
        return True
