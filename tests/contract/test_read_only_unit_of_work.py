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


async def test_a_one_statement_unit_reads_and_writes_like_any_other(
    sql_database_url, engine_for
) -> None:
    engine, clock = engine_for(sql_database_url), FakeClock()
    user = new_user(clock.now())
    async with SqlAlchemyUnitOfWork(engine, clock, one_statement=True) as uow:
        await uow.users.add(user)
        await uow.commit()
    async with SqlAlchemyUnitOfWork(engine, clock, read_only=True, one_statement=True) as uow:
        assert await uow.users.get(user.id) == user
    async with SqlAlchemyUnitOfWork(engine, clock, read_only=True) as uow:
        assert await uow.users.get(user.id) == user


async def test_a_one_statement_unit_sends_no_begin_on_postgres(postgres_url, engine_for) -> None:
    engine, clock = engine_for(postgres_url), FakeClock()

    async def transaction_ids(**options: bool) -> set[int]:
        async with SqlAlchemyUnitOfWork(engine, clock, **options) as uow:
            return {
                (await uow._conn.exec_driver_sql("SELECT txid_current()")).scalar_one()
                for _ in range(2)
            }

    assert len(await transaction_ids(read_only=True, one_statement=True)) == 2  # each its own
    assert len(await transaction_ids(read_only=True)) == 1  # one transaction around both
    assert len(await transaction_ids(read_only=True)) == 1  # the pool's connection was reset
