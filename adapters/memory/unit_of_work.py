from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from adapters.clock import SystemClock
from adapters.memory.repositories import REPOSITORIES
from adapters.memory.store import InMemoryStore
from adapters.memory.work import Work
from application.ports import Clock, UnitOfWork
from application.ports.unit_of_work import check_repositories

check_repositories("memory", REPOSITORIES)


class InMemoryUnitOfWork(UnitOfWork):
    """A transaction over an InMemoryStore: works on copies of the tables and swaps them in
    on commit, so an exception or a missing commit leaves the store untouched."""

    def __init__(
        self,
        store: InMemoryStore,
        clock: Clock | None = None,
        on_mail_committed: Callable[[], None] | None = None,
        *,
        read_only: bool = False,  # the store's lock serialises everything anyway
        one_statement: bool = False,
    ) -> None:
        self._store = store
        self._clock = clock or SystemClock()
        self._on_mail_committed = on_mail_committed
        self.committed = False

    async def __aenter__(self) -> Self:
        await self._store.lock.acquire()
        self._work = Work(self._store.tables, self._clock)
        for name, build in REPOSITORIES.items():
            setattr(self, name, build(self._work))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._store.lock.release()

    async def commit(self) -> None:
        self._store.tables.update({name: dict(rows) for name, rows in self._work.tables.items()})
        self.committed = True
        if self.outbox.enqueued and self._on_mail_committed is not None:
            self._on_mail_committed()
