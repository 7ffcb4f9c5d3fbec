"""The PasswordResetTokenRepository port on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from application.ports import UnitOfWorkFactory
from domain.password_resets import PasswordResetToken, hash_reset_token
from domain.users import User
from tests.conftest import BACKENDS
from tests.support.clock import FakeClock
from tests.support.units_of_work import unit_of_work_factory

TTL = timedelta(minutes=60)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=BACKENDS)
def uow(request, database_url_for, engine_for, clock) -> UnitOfWorkFactory:
    return unit_of_work_factory(database_url_for(request.param), engine_for, clock)


async def new_user(uow: UnitOfWorkFactory, clock: FakeClock, email: str) -> User:
    user = User.register(email=email, name="Ann", hashed_password="x", now=clock.now())
    async with uow() as work:
        await work.users.add(user)
        await work.commit()
    return user


async def issue(
    uow: UnitOfWorkFactory, clock: FakeClock, user: User
) -> tuple[PasswordResetToken, str]:
    record, secret = PasswordResetToken.issue(user.id, clock.now(), TTL)
    async with uow() as work:
        await work.password_resets.add(record)
        await work.commit()
    return record, secret


async def consume(uow: UnitOfWorkFactory, record: PasswordResetToken, now, hold: float = 0):
    async with uow() as work:
        won = await work.password_resets.consume(record.id, now)
        await asyncio.sleep(hold)
        await work.commit()
    return won


async def test_a_token_is_found_by_its_hash_only(uow, clock) -> None:
    user = await new_user(uow, clock, "ann@example.com")
    record, secret = await issue(uow, clock, user)
    async with uow() as work:
        found = await work.password_resets.get_by_hash(hash_reset_token(secret))
        assert await work.password_resets.get_by_hash(secret) is None
        assert await work.password_resets.get_by_hash(hash_reset_token("other")) is None
    assert found == record


async def test_a_token_is_consumed_once(uow, clock) -> None:
    user = await new_user(uow, clock, "ann@example.com")
    record, secret = await issue(uow, clock, user)
    assert await consume(uow, record, clock.now()) is True
    assert await consume(uow, record, clock.now()) is False
    async with uow() as work:
        used = await work.password_resets.get_by_hash(hash_reset_token(secret))
    assert used is not None and used.used_at == clock.now()
    assert not used.is_usable(clock.now())


async def test_an_expired_token_cannot_be_consumed(uow, clock) -> None:
    user = await new_user(uow, clock, "ann@example.com")
    record, _ = await issue(uow, clock, user)
    assert await consume(uow, record, clock.now() + TTL) is False
    assert await consume(uow, record, clock.now() + TTL - timedelta(seconds=1)) is True


async def test_a_consumption_that_is_rolled_back_leaves_the_token_usable(uow, clock) -> None:
    user = await new_user(uow, clock, "ann@example.com")
    record, _ = await issue(uow, clock, user)
    async with uow() as work:
        assert await work.password_resets.consume(record.id, clock.now())
    assert await consume(uow, record, clock.now()) is True


async def test_of_concurrent_consumers_exactly_one_wins(uow, clock) -> None:
    user = await new_user(uow, clock, "ann@example.com")
    record, _ = await issue(uow, clock, user)
    results = await asyncio.gather(
        *(consume(uow, record, clock.now(), hold=0.02) for _ in range(4))
    )
    assert sorted(results) == [False, False, False, True]


async def test_voiding_spends_a_users_tokens_only_and_keeps_them_counted(uow, clock) -> None:
    ann = await new_user(uow, clock, "ann@example.com")
    bob = await new_user(uow, clock, "bob@example.com")
    ann_first, ann_secret = await issue(uow, clock, ann)
    _, ann_second = await issue(uow, clock, ann)
    _, bob_secret = await issue(uow, clock, bob)
    async with uow() as work:
        await work.password_resets.consume(ann_first.id, clock.now())
        await work.commit()
    clock.advance(timedelta(seconds=5))
    async with uow() as work:
        await work.password_resets.void_for_user(ann.id, clock.now())
        await work.commit()
    async with uow() as work:
        first = await work.password_resets.get_by_hash(hash_reset_token(ann_secret))
        second = await work.password_resets.get_by_hash(hash_reset_token(ann_second))
        bobs = await work.password_resets.get_by_hash(hash_reset_token(bob_secret))
        since = clock.now() - timedelta(minutes=1)
        counts = [await work.password_resets.count_created_since(u.id, since) for u in (ann, bob)]
    assert first is not None and second is not None and bobs is not None
    assert first.used_at == ann_first.created_at  # an already spent token keeps its time
    assert second.used_at == clock.now() and not second.is_usable(clock.now())
    assert bobs.is_usable(clock.now())
    assert counts == [2, 1]


async def test_counting_and_forgetting_go_by_the_time_of_issue(uow, clock) -> None:
    ann = await new_user(uow, clock, "ann@example.com")
    old, _ = await issue(uow, clock, ann)
    clock.advance(timedelta(minutes=30))
    recent, _ = await issue(uow, clock, ann)
    async with uow() as work:
        assert await work.password_resets.count_created_since(ann.id, recent.created_at) == 1
        assert await work.password_resets.count_created_since(ann.id, old.created_at) == 2
        await work.password_resets.forget_created_before(ann.id, recent.created_at)
        await work.commit()
    async with uow() as work:
        assert await work.password_resets.count_created_since(ann.id, old.created_at) == 1
        assert await work.password_resets.get_by_hash(recent.token_hash) is not None
        assert await work.password_resets.get_by_hash(old.token_hash) is None
