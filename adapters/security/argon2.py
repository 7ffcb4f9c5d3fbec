"""argon2id password hashing, off the event loop."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from argon2 import PasswordHasher as _Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from application.errors import Overloaded
from application.ports import PasswordHasher

# OWASP's minimum for argon2id: 19 MiB, two passes, one lane (~20 ms a hash on one core).
OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1
# Hashes that may wait for a thread, per thread. At ~20 ms a hash, the last one in line waits
# about 16 x 20 = 320 ms beyond its own hash: a login stays well under a second however many
# arrive (unbounded, a spray of 200 at once made it 2.4 s), while a burst of a few dozen
# legitimate ones (registrations, logins after a restart) still fits.
QUEUED_PER_WORKER = 16
T = TypeVar("T")


class Argon2PasswordHasher(PasswordHasher):
    """argon2id via argon2-cffi, in a bounded thread pool.

    The C code releases the GIL, so hashes run in parallel with the event loop; the pool has
    at most one thread per core so a login flood cannot starve everything else. Its queue is
    bounded too: with `max_queued` hashes already waiting for a thread, another is refused at
    once with Overloaded (503 with Retry-After) instead of waiting behind them, so a flood of
    guesses cannot push a real login's wait to seconds.
    """

    def __init__(
        self,
        *,
        memory_cost: int = OWASP_MEMORY_KIB,
        time_cost: int = OWASP_TIME_COST,
        parallelism: int = OWASP_PARALLELISM,
        max_workers: int | None = None,
        max_queued: int | None = None,
    ) -> None:
        self._argon2 = _Argon2(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            type=Type.ID,
        )
        workers = max_workers or _usable_cores()
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2")
        # Submitted and not finished: at most `workers` run, the rest wait in the queue.
        queued = QUEUED_PER_WORKER * workers if max_queued is None else max_queued
        self._capacity = workers + queued
        self._in_flight = 0
        self._decoy: str | None = None

    async def hash(self, password: str) -> str:
        return await self._run(self._argon2.hash, password)

    async def verify(self, hashed: str | None, password: str) -> bool:
        if hashed is None:
            # No such account: verify against a decoy so the time taken is the same. The first
            # time, making the decoy is that cost (hashing costs what verifying does), so even
            # the first probe does not take twice as long as a real check.
            if self._decoy is None:
                self._decoy = await self.hash(password)
            else:
                await self._run(self._check, self._decoy, password)
            return False
        return await self._run(self._check, hashed, password)

    def needs_rehash(self, hashed: str) -> bool:
        try:
            return self._argon2.check_needs_rehash(hashed)
        except InvalidHashError:
            return True

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _check(self, hashed: str, password: str) -> bool:
        try:
            return self._argon2.verify(hashed, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        # Counted on the event loop only (no await between the check and the increment), so
        # the bound holds however many requests arrive at once.
        if self._in_flight >= self._capacity:
            raise Overloaded(retry_after=1)
        self._in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        finally:
            self._in_flight -= 1


def _usable_cores() -> int:
    """The cores this process may run on: a worker pinned to one core (taskset, a container's
    cpuset) gains nothing from a second hashing thread, and each one in use holds its hash's
    memory (19 MiB)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # no sched_getaffinity on this platform
        return os.cpu_count() or 1
