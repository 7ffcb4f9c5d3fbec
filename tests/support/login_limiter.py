"""A LoginLimiter driven one call per transaction, as a login drives it, for the limiter's
own tests."""

from __future__ import annotations

import uuid

from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from application.auth.throttle import LoginLimiter
from application.ports import Clock, UnitOfWorkFactory
from domain.throttling import ThrottlePolicy


class OwnTransactions:
    """Each call in the limiter's queue for the key, in a unit of work of its own."""

    def __init__(self, limiter: LoginLimiter, uow: UnitOfWorkFactory) -> None:
        self.limiter, self._uow = limiter, uow

    async def admit(self, key: str) -> uuid.UUID:
        async with self.limiter.queued(key), self._uow() as uow:
            attempt = await self.limiter.admit(uow, key)
            await uow.commit()
        return attempt

    async def forgive(self, key: str, attempt: uuid.UUID) -> None:
        async with self._uow() as uow:
            await self.limiter.forgive(uow, key, attempt)
            await uow.commit()

    async def reset(self, key: str) -> None:
        async with self._uow() as uow:
            await self.limiter.reset(uow, key)
            await uow.commit()


class InMemory(OwnTransactions):
    def __init__(self, policy: ThrottlePolicy, clock: Clock) -> None:
        self.store = InMemoryStore()
        super().__init__(
            LoginLimiter(policy, clock), lambda **_: InMemoryUnitOfWork(self.store, clock)
        )

    def keys(self) -> set[str]:
        """The keys that have attempts stored."""
        return {a.key for a in self.store.tables.get("login_failures", {}).values()}
