"""Throttling logins per key (an e-mail, a client address) in the login's own transactions:
what a process keeps between them."""

from __future__ import annotations

import asyncio
import contextlib
import math
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from application.ports import Clock, UnitOfWork
from domain.errors import RateLimited
from domain.throttling import ThrottlePolicy

# Rows come in no faster than failed logins are verified: each counted failure costs one
# password verification, ~20 ms of a core, so a process adds at most ~50 rows a second per core
# and key space (e-mail, client), however many clients spray. A sweep deletes at most
# SWEEP_BATCH rows (a few ms inside one login's transaction, so no login waits long for it) and
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


class LoginLimiter:
    """Admits attempts of one key space under a ThrottlePolicy, on the unit of work's
    `login_failures`: long-lived, one per key space and process, as it keeps what outlives a
    transaction (the per-key queues, the refusals remembered, when to sweep next).

    An attempt is admitted *before* its outcome is known and counts as a failure from that
    moment on, so parallel attempts cannot overtake the limit: `admit` locks the key, counts
    the failures in the window and adds one, and the lock holds until the transaction ends,
    so of any number of simultaneous attempts at most `max_failures` are admitted per
    window. The caller then either leaves it counted (it failed, or it ended in an unexpected
    error: the safe side), `forgive`s it (it was not a failure), or `reset`s the key (it
    succeeded). Refused attempts are never counted, so a lockout ends at most `window` after
    the failure that started it, however often the key is tried meanwhile.

    Limiters of several key spaces (e-mails, client addresses; their keys never coincide)
    share the storage, each with its own policy. Each sweeps attempts older than `keep`: the
    longest window of any limiter on the storage, so none deletes a failure another still
    counts. Expired rows go in bounded batches, often enough to keep up with any flood (see
    SWEEP_INTERVAL), so the storage holds roughly one window's worth of failures.
    """

    def __init__(self, policy: ThrottlePolicy, clock: Clock, *, keep: timedelta | None = None):
        self._policy, self._clock = policy, clock
        self._keep = keep or policy.window
        if self._keep < policy.window:
            raise ValueError("rows must be kept at least as long as the window")
        self._next_sweep: datetime | None = None
        # key -> (refuse without asking the database until, the refusal's end)
        self._refused: dict[str, tuple[datetime, datetime]] = {}
        self._queues: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    @contextlib.asynccontextmanager
    async def queued(self, key: str) -> AsyncIterator[None]:
        """The attempts of one key in this process, one after another, and refused from
        memory while a refusal is remembered: a burst for one key (a client spraying) waits
        here, not holding pool connections while it waits for the key's lock in the
        database, which would starve every other request of connections. Open the unit of
        work that admits inside it."""
        lock, waiting = self._queues.setdefault(key, (asyncio.Lock(), [0]))
        waiting[0] += 1
        try:
            async with lock:
                refused = self._refused.get(key)
                now = self._clock.now()
                if refused is not None and now < refused[0]:
                    raise RateLimited(math.ceil((refused[1] - now).total_seconds()))
                yield
        finally:
            waiting[0] -= 1
            if not waiting[0]:
                del self._queues[key]

    async def admit(self, uow: UnitOfWork, key: str) -> uuid.UUID:
        """Count one attempt for `key` and return its id, or raise RateLimited(retry_after)
        without counting anything while `max_failures` or more failures lie in the window."""
        failures = uow.login_failures
        await failures.lock(key)  # first: the count below is exact
        now = self._clock.now()
        retry_after = self._policy.retry_after(
            await failures.failures_since(key, self._policy.window_start(now)), now
        )
        if retry_after is not None:
            if len(self._refused) >= MAX_REMEMBERED:
                self._refused = {k: v for k, v in self._refused.items() if v[0] > now}
            self._refused[key] = (now + REFUSAL_MEMORY, now + timedelta(seconds=retry_after))
            raise RateLimited(retry_after)
        attempt = uuid.uuid4()
        await failures.add(key, attempt, now)
        if self._next_sweep is None or now >= self._next_sweep:
            swept = await failures.sweep(now - self._keep, SWEEP_BATCH)
            # A full batch means more may be left: sweep again at the next admit.
            more_left = swept >= SWEEP_BATCH
            self._next_sweep = None if more_left else now + min(self._policy.window, SWEEP_INTERVAL)
        return attempt

    async def forgive(self, uow: UnitOfWork, key: str, attempt: uuid.UUID) -> None:
        """Stop counting one admitted attempt; the other failures of `key` stay."""
        self._refused.pop(key, None)
        await uow.login_failures.lock(key)
        await uow.login_failures.forgive(key, attempt)

    async def reset(self, uow: UnitOfWork, key: str) -> None:
        """Forget every failure of `key` (after a successful attempt)."""
        self._refused.pop(key, None)
        await uow.login_failures.lock(key)
        await uow.login_failures.reset(key)
