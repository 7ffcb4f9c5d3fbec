"""Units of work on any backend, built directly (no app), for contract and unit tests."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.ports import Clock, UnitOfWorkFactory


def unit_of_work_factory(
    url: str,
    engine_for: Callable[[str], AsyncEngine],
    clock: Clock | None = None,
    on_mail_committed: Callable[[], None] | None = None,
) -> UnitOfWorkFactory:
    """A factory of units of work on `url` ("memory://" or a migrated SQL database)."""
    if url.startswith("memory://"):
        store = InMemoryStore()
        return lambda: InMemoryUnitOfWork(store, clock, on_mail_committed)
    engine = engine_for(url)
    return lambda: SqlAlchemyUnitOfWork(engine, clock, on_mail_committed)
