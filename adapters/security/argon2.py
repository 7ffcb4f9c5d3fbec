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

from application.ports import PasswordHasher

# OWASP's minimum for argon2id: 19 MiB, two passes, one lane (~20 ms a hash on one core).
OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1
T = TypeVar("T")


class Argon2PasswordHasher(PasswordHasher):
    """argon2id via argon2-cffi, in a bounded thread pool.

    The C code releases the GIL, so hashes run in parallel with the event loop; the pool has
    at most one thread per core so a login flood queues instead of starving everything else.
    """

    def __init__(
        self,
        *,
        memory_cost: int = OWASP_MEMORY_KIB,
        time_cost: int = OWASP_TIME_COST,
        parallelism: int = OWASP_PARALLELISM,
        max_workers: int | None = None,
    ) -> None:
        self._argon2 = _Argon2(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            type=Type.ID,
        )
        self._executor = ThreadPoolExecutor(
            max_workers=max_workers or os.cpu_count() or 1, thread_name_prefix="argon2"
        )
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
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
