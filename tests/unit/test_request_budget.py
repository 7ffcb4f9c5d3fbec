"""The request's database budget: every piece of database work spends from one bound."""

from __future__ import annotations

import asyncio
import time

import pytest

from adapters.request_budget import database_budget, within_budget


async def test_without_a_request_there_is_no_bound() -> None:
    async with within_budget():
        await asyncio.sleep(0.05)


async def test_the_waits_of_one_request_share_its_budget() -> None:
    with database_budget(0.3):
        async with within_budget():
            await asyncio.sleep(0.2)  # spends 0.2 of 0.3
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            async with within_budget():
                await asyncio.sleep(0.2)  # only 0.1 left
        assert 0.05 < time.monotonic() - started < 0.18
        with pytest.raises(TimeoutError):  # nothing left: refused at once, no wait at all
            async with within_budget():
                raise AssertionError("never entered")


async def test_time_between_database_work_is_not_counted() -> None:
    with database_budget(0.15):
        for _ in range(3):
            async with within_budget():
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.1)  # say, a password hash or reading an upload


async def test_nested_work_shares_the_outer_deadline_and_is_spent_once() -> None:
    with database_budget(0.3) as budget:
        async with within_budget():
            async with within_budget():
                await asyncio.sleep(0.1)
            async with within_budget():
                await asyncio.sleep(0.05)
        left = budget.left(asyncio.get_running_loop().time())
        assert 0.1 < left < 0.16, left


async def test_each_request_has_its_own_budget() -> None:
    async def request() -> None:
        with database_budget(0.15):
            async with within_budget():
                await asyncio.sleep(0.1)

    await asyncio.gather(*(request() for _ in range(5)))  # 0.5 s in all, none refused


async def test_a_wait_bound_of_its_own_applies_with_or_without_a_request() -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        async with within_budget(at_most=0.05):
            await asyncio.sleep(1)
    with database_budget(1.0) as budget, pytest.raises(TimeoutError):
        async with within_budget(at_most=0.05):  # the tighter of the two
            await asyncio.sleep(1)
    assert time.monotonic() - started < 0.5
    assert 0.85 < budget.left(asyncio.get_running_loop().time()) < 0.96
    with database_budget(0.05), pytest.raises(TimeoutError):
        async with within_budget(at_most=10):  # the budget is the tighter one
            await asyncio.sleep(1)
