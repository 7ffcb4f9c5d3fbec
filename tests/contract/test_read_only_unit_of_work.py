"""A unit of work opened read-only runs beside a writer instead of queueing behind it (on
SQLite a writer holds the database's one write lock for its whole transaction)."""

from __future__ import annotations

import asyncio
import time

from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from tests.contract.backends import new_user
from tests.support.clock import FakeClock


async def test_a_reader_is_not_held_up_by_an_open_writer(sql_database_url, engine_for) -> None:
    engine, clock = engine_for(sql_database_url), FakeClock()
    committed, pending = new_user(clock.now()), new_user(clock.now())
    async with SqlAlchemyUnitOfWork(engine, clock) as uow:
        await uow.users.add(committed)
        await uow.commit()

    async with SqlAlchemyUnitOfWork(engine, clock) as writer:
        await writer.users.add(pending)  # the write lock is held from here to the end
        started = time.monotonic()
        async with asyncio.timeout(2):  # SQLite would otherwise wait out its 5 s busy timeout
            async with SqlAlchemyUnitOfWork(engine, clock, read_only=True) as reader:
                assert await reader.users.get(committed.id) == committed
                assert await reader.users.get(pending.id) is None  # not committed yet
        assert time.monotonic() - started < 1
        await writer.commit()
