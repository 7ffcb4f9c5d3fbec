"""The EmailOutbox port: the same behaviour on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from application.ports import UnitOfWorkFactory
from domain.email_messages import EmailMessage
from domain.outbox import MAX_ERROR_LENGTH
from tests.conftest import BACKENDS
from tests.support.clock import FakeClock
from tests.support.units_of_work import unit_of_work_factory

LEASE = timedelta(seconds=30)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=BACKENDS)
def uow(request, database_url_for, engine_for, clock) -> UnitOfWorkFactory:
    return unit_of_work_factory(database_url_for(request.param), engine_for, clock)


def message(n: int, kind: str = "welcome") -> EmailMessage:
    return EmailMessage(to=f"u{n}@example.com", subject=f"Subject {n}", body=f"Body {n}", kind=kind)


async def enqueue(uow: UnitOfWorkFactory, *messages: EmailMessage) -> None:
    async with uow() as work:
        for m in messages:
            await work.outbox.enqueue(m)
        await work.commit()


async def claim(uow: UnitOfWorkFactory, clock: FakeClock, limit: int = 100, hold: float = 0):
    async with uow() as work:
        claimed = await work.outbox.claim_due(clock.now(), clock.now() + LEASE, limit)
        await asyncio.sleep(hold)  # keep the transaction open while others try
        await work.commit()
    return claimed


async def test_a_queued_message_comes_back_whole_and_counted(uow, clock) -> None:
    await enqueue(uow, message(1, kind="password_reset"))
    [queued] = await claim(uow, clock)
    assert queued.message == message(1, kind="password_reset")
    assert queued.attempts == 1
    assert queued.created_at == clock.now()
    assert queued.next_attempt_at == clock.now() + LEASE
    assert queued.sent_at is None and queued.last_error is None


async def test_a_rolled_back_unit_of_work_leaves_no_message(uow, clock) -> None:
    async with uow() as work:
        await work.outbox.enqueue(message(1))
    with pytest.raises(RuntimeError):
        async with uow() as work:
            await work.outbox.enqueue(message(2))
            raise RuntimeError("boom")
    assert await claim(uow, clock) == []


async def test_claims_take_the_oldest_due_first_up_to_the_limit(uow, clock) -> None:
    for n in range(5):
        await enqueue(uow, message(n))
        clock.advance(seconds=1)
    first = await claim(uow, clock, limit=2)
    assert [q.message.to for q in first] == ["u0@example.com", "u1@example.com"]
    rest = await claim(uow, clock, limit=10)
    assert [q.message.to for q in rest] == ["u2@example.com", "u3@example.com", "u4@example.com"]


async def test_a_claimed_message_is_leased_until_the_lease_runs_out(uow, clock) -> None:
    await enqueue(uow, message(1))
    [first] = await claim(uow, clock)
    clock.advance(LEASE - timedelta(seconds=1))
    assert await claim(uow, clock) == []
    clock.advance(seconds=1)
    [again] = await claim(uow, clock)
    assert again.id == first.id and again.attempts == 2


async def test_a_message_not_yet_due_is_not_claimed(uow, clock) -> None:
    await enqueue(uow, message(1))
    clock.advance(seconds=-1)
    assert await claim(uow, clock) == []


async def test_a_sent_message_is_never_claimed_again(uow, clock) -> None:
    await enqueue(uow, message(1))
    [queued] = await claim(uow, clock)
    async with uow() as work:
        await work.outbox.mark_sent(queued.id, clock.now())
        await work.commit()
    clock.advance(days=1)
    assert await claim(uow, clock) == []


async def test_a_retry_records_the_error_and_the_due_time(uow, clock) -> None:
    await enqueue(uow, message(1))
    [queued] = await claim(uow, clock)
    async with uow() as work:
        await work.outbox.schedule_retry(queued.id, clock.now() + timedelta(seconds=4), "E" * 300)
        await work.commit()
    clock.advance(seconds=3)
    assert await claim(uow, clock) == []
    clock.advance(seconds=1)
    [again] = await claim(uow, clock)
    assert again.attempts == 2
    assert again.last_error is not None and again.last_error.startswith("EEE")
    assert len(again.last_error) == MAX_ERROR_LENGTH


async def test_a_late_retry_does_not_undo_a_send(uow, clock) -> None:
    await enqueue(uow, message(1))
    [queued] = await claim(uow, clock)
    async with uow() as work:
        await work.outbox.mark_sent(queued.id, clock.now())
        await work.outbox.schedule_retry(queued.id, clock.now(), "too late")
        await work.commit()
    assert await claim(uow, clock) == []


async def test_concurrent_claimers_never_get_the_same_message(uow, clock) -> None:
    await enqueue(uow, *(message(n) for n in range(40)))
    batches = await asyncio.gather(*(claim(uow, clock, limit=7, hold=0.02) for _ in range(8)))
    ids = [q.id for batch in batches for q in batch]
    assert len(ids) == len(set(ids)) == 40
    assert all(len(batch) <= 7 for batch in batches)


async def test_on_postgres_a_claimer_skips_rows_another_holds_instead_of_waiting(
    postgres_url, engine_for, clock
) -> None:
    uow = unit_of_work_factory(postgres_url, engine_for, clock)
    await enqueue(uow, *(message(n) for n in range(4)))
    async with uow() as holder:
        held = await holder.outbox.claim_due(clock.now(), clock.now() + LEASE, 2)
        async with asyncio.timeout(2):  # a blocked claimer would wait for the holder's commit
            others = await claim(uow, clock)
        await holder.commit()
    assert len(held) == 2 and len(others) == 2
    assert {q.id for q in held}.isdisjoint(q.id for q in others)


async def test_a_message_refused_for_good_is_never_claimed_again(uow, clock) -> None:
    await enqueue(uow, message(1), message(2))
    first, second = await claim(uow, clock)
    async with uow() as work:
        await work.outbox.mark_failed(first.id, clock.now(), "DeliveryRefused: 550 no such user")
        await work.outbox.mark_sent(second.id, clock.now())
        await work.outbox.mark_failed(second.id, clock.now(), "too late")  # stays sent
        await work.commit()
    clock.advance(hours=1)
    assert await claim(uow, clock) == []


async def test_pruning_deletes_what_finished_before_the_cutoff_in_batches(uow, clock) -> None:
    await enqueue(uow, *(message(n) for n in range(5)))
    claimed = await claim(uow, clock)
    async with uow() as work:
        for queued in claimed[:2]:
            await work.outbox.mark_sent(queued.id, clock.now())
        await work.outbox.mark_failed(claimed[2].id, clock.now(), "550")
        await work.commit()
    cutoff = clock.now() + timedelta(seconds=1)
    async with uow() as work:
        assert await work.outbox.prune_finished(cutoff, 2) == 2
        assert await work.outbox.prune_finished(cutoff, 2) == 1
        assert await work.outbox.prune_finished(cutoff, 2) == 0
        assert await work.outbox.prune_finished(clock.now(), 10) == 0  # not before: kept
        await work.commit()
    clock.advance(seconds=LEASE.total_seconds() + 1)
    unfinished = sorted(q.message.to for q in claimed[3:])
    assert sorted(q.message.to for q in await claim(uow, clock)) == unfinished
