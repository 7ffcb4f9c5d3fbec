from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.availability import connection
from adapters.sqlalchemy.tables.login_failures import login_failures
from application.ports import Clock, RateLimiter
from domain.errors import RateLimited
from domain.throttling import ThrottlePolicy

# Rows come in no faster than failed logins are verified: each counted failure costs one
# password verification, ~20 ms of a core, so a process adds at most ~50 rows a second per core
# and key space (e-mail, client), however many clients spray. A sweep deletes at most
# SWEEP_BATCH rows (a few ms inside one admit's transaction, so no admit waits long for it) and
# runs every SWEEP_INTERVAL, or on the very next admit while the last one found a full batch:
# then every admit, which adds at most one row, removes up to a thousand, so a backlog left
# by any flood is gone within a few hundred attempts and the table holds about one window.
SWEEP_INTERVAL = timedelta(seconds=10)
SWEEP_BATCH = 1000
# A refused key is refused again from memory for this long, without a transaction: a client
# hammering while locked out costs the database one admit a second per process, not one per
# request. A reset or forgive elsewhere is seen here at most this late (never a count missed:
# only refusals are remembered, and a refusal counts nothing).
REFUSAL_MEMORY = timedelta(seconds=1)
MAX_REMEMBERED = 10_000
# First half of the two-part advisory lock key, so these locks cannot meet anyone else's.
_LOCK_NAMESPACE = 0x68657861  # "hexa"
_T = login_failures.c


class SqlAlchemyRateLimiter(RateLimiter):
    """Attempts as rows of `login_failures`, shared by every worker and host on the database.

    Each call is one short transaction that first takes a lock on the key, so "count the
    failures in the window, then insert one" is atomic: however many attempts for one key run
    in parallel, on however many hosts, at most `max_failures` are admitted per window. On
    PostgreSQL the lock is a transaction-scoped advisory lock on the key's hash (other keys
    never wait); on SQLite the write lock that BEGIN IMMEDIATE takes serialises writers anyway.

    Admits of one key queue in the process before taking a connection, and a refusal is
    repeated from memory for REFUSAL_MEMORY, so a client hammering while locked out costs
    neither pool connections nor transactions per request.

    Limiters of several key spaces (e-mails, client addresses; their keys never coincide)
    share the table, each with its own policy. Each sweeps rows older than `keep`: the
    longest window of any limiter on the table, so none deletes a failure another still
    counts. Expired rows go in bounded batches, often enough to keep up with any flood (see
    SWEEP_INTERVAL), so the table holds roughly one window's worth of failures.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        policy: ThrottlePolicy,
        clock: Clock,
        *,
        keep: timedelta | None = None,
    ) -> None:
        self._engine, self._policy, self._clock = engine, policy, clock
        self._keep = keep or policy.window
        if self._keep < policy.window:
            raise ValueError("rows must be kept at least as long as the window")
        self._next_sweep: datetime | None = None
        # key hash -> (refuse without asking the database until, the refusal's end)
        self._refused: dict[str, tuple[datetime, datetime]] = {}
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    async def admit(self, key: str) -> uuid.UUID:
        key_hash = _hash(key)
        attempt = uuid.uuid4()
        async with self._one_at_a_time(key_hash):
            refused_until = self._refused.get(key_hash)
            now = self._clock.now()
            if refused_until is not None and now < refused_until[0]:
                raise RateLimited(math.ceil((refused_until[1] - now).total_seconds()))
            retry_after = await self._admit(key_hash, attempt)
            if retry_after is None:
                return attempt
            if len(self._refused) >= MAX_REMEMBERED:
                self._refused = {k: v for k, v in self._refused.items() if v[0] > now}
            self._refused[key_hash] = (
                now + REFUSAL_MEMORY,
                now + timedelta(seconds=retry_after),
            )
        raise RateLimited(retry_after)

    async def _admit(self, key_hash: str, attempt: uuid.UUID) -> int | None:
        async with connection(self._engine) as conn:
            await conn.begin()
            await _lock(conn, key_hash)
            now = self._clock.now()
            failures = await conn.execute(
                select(_T.failed_at).where(
                    _T.key_hash == key_hash, _T.failed_at > self._policy.window_start(now)
                )
            )
            retry_after = self._policy.retry_after(failures.scalars(), now)
            if retry_after is None:
                await conn.execute(
                    insert(login_failures).values(id=attempt, key_hash=key_hash, failed_at=now)
                )
            await self._sweep(conn, now)
            await conn.commit()
        return retry_after

    @contextlib.asynccontextmanager
    async def _one_at_a_time(self, key_hash: str) -> AsyncIterator[None]:
        """The admits of one key in this process, one after another: a burst for one key (a
        client spraying) waits here, not holding pool connections while it waits for the
        key's database lock, which would starve every other request of connections."""
        entry = self._locks.setdefault(key_hash, (asyncio.Lock(), [0]))
        lock, waiting = entry
        waiting[0] += 1
        try:
            async with lock:
                yield
        finally:
            waiting[0] -= 1
            if not waiting[0]:
                del self._locks[key_hash]

    async def forgive(self, key: str, attempt: uuid.UUID) -> None:
        key_hash = _hash(key)
        self._refused.pop(key_hash, None)
        async with connection(self._engine) as conn:
            await conn.begin()
            await _lock(conn, key_hash)
            await conn.execute(
                delete(login_failures).where(_T.key_hash == key_hash, _T.id == attempt)
            )
            await conn.commit()

    async def reset(self, key: str) -> None:
        key_hash = _hash(key)
        self._refused.pop(key_hash, None)
        async with connection(self._engine) as conn:
            await conn.begin()
            await _lock(conn, key_hash)
            await conn.execute(delete(login_failures).where(_T.key_hash == key_hash))
            await conn.commit()

    async def _sweep(self, conn: AsyncConnection, now: datetime) -> None:
        if self._next_sweep is not None and now < self._next_sweep:
            return
        expired = select(_T.id).where(_T.failed_at <= now - self._keep).limit(SWEEP_BATCH)
        if conn.dialect.name == "postgresql":
            # Rows another sweeper holds are its business: skipping them means never waiting,
            # so sweepers on several hosts cannot deadlock.
            expired = expired.with_for_update(skip_locked=True)
        result = await conn.execute(delete(login_failures).where(_T.id.in_(expired)))
        # A full batch means more may be left: sweep again at the next admit.
        more_left = result.rowcount >= SWEEP_BATCH
        self._next_sweep = None if more_left else now + min(self._policy.window, SWEEP_INTERVAL)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def _lock(conn: AsyncConnection, key_hash: str) -> None:
    """Serialise the transactions of one key until commit (SQLite: already serialised)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(
            text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
            {"namespace": _LOCK_NAMESPACE, "key": int(key_hash[:8], 16) - 2**31},
        )
