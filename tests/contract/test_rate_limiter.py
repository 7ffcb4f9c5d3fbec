"""The RateLimiter contract on every backend, concurrency included."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.rate_limiter import InMemoryRateLimiter
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.rate_limiter import SWEEP_BATCH, SqlAlchemyRateLimiter
from adapters.sqlalchemy.tables.login_failures import login_failures
from application.ports import RateLimiter
from domain.errors import RateLimited
from domain.throttling import CLIENT_WINDOW, ThrottlePolicy, client_throttle
from tests.support.clock import FakeClock

POLICY = ThrottlePolicy(max_failures=5, window=timedelta(seconds=900))
KEY = "ann@example.com"

LimiterFactory = Callable[[], RateLimiter]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def limiters(storage: tuple[str, str], clock: FakeClock) -> AsyncIterator[LimiterFactory]:
    """Makes limiters over one storage; on SQL each has its own engine, as separate hosts do."""
    kind, url = storage
    engines: list[AsyncEngine] = []
    memory = InMemoryRateLimiter(POLICY, clock)

    def make() -> RateLimiter:
        if kind == "memory":
            return memory  # one process: the same limiter
        engines.append(build_engine(url))
        return SqlAlchemyRateLimiter(engines[-1], POLICY, clock)

    yield make
    for engine in engines:
        await engine.dispose()


@pytest.fixture
def limiter(limiters: LimiterFactory) -> RateLimiter:
    return limiters()


async def test_attempts_beyond_the_maximum_are_refused_with_retry_after(limiter, clock) -> None:
    for _ in range(5):
        await limiter.admit(KEY)
        clock.advance(seconds=10)
    with pytest.raises(RateLimited) as refused:
        await limiter.admit(KEY)
    assert refused.value.retry_after == 900 - 50


async def test_the_window_slides_and_refusals_are_not_counted(limiter, clock) -> None:
    start = clock.now()
    for _ in range(5):
        await limiter.admit(KEY)
        clock.advance(seconds=100)
    for _ in range(20):  # attempts during the lockout
        with pytest.raises(RateLimited):
            await limiter.admit(KEY)
        clock.advance(seconds=10)
    clock.set(start + timedelta(seconds=900))
    await limiter.admit(KEY)  # the first failure left the window
    with pytest.raises(RateLimited) as refused:
        await limiter.admit(KEY)
    assert refused.value.retry_after == 100


async def test_keys_are_independent_and_may_be_anything(limiter) -> None:
    long_key = "x" * 10_000 + "@example.com"
    for _ in range(5):
        await limiter.admit(long_key)
    with pytest.raises(RateLimited):
        await limiter.admit(long_key)
    await limiter.admit(KEY)
    await limiter.admit("ünïcode@exämple.com")


async def test_reset_forgets_every_failure_of_the_key(limiter) -> None:
    for _ in range(5):
        await limiter.admit(KEY)
    await limiter.admit("bob@example.com")
    await limiter.reset(KEY)
    for _ in range(5):
        await limiter.admit(KEY)
    with pytest.raises(RateLimited):
        await limiter.admit(KEY)


async def test_forgive_uncounts_one_attempt(limiter) -> None:
    for _ in range(4):
        await limiter.admit(KEY)
    attempt = await limiter.admit(KEY)
    await limiter.forgive(KEY, attempt)
    await limiter.forgive("bob@example.com", attempt)  # wrong key: nothing happens
    await limiter.admit(KEY)
    with pytest.raises(RateLimited):
        await limiter.admit(KEY)


async def test_the_count_is_shared_by_every_limiter_on_the_storage(limiters) -> None:
    first, second = limiters(), limiters()
    for n in range(5):
        await (first if n % 2 else second).admit(KEY)
    with pytest.raises(RateLimited):
        await first.admit(KEY)
    with pytest.raises(RateLimited):
        await second.admit(KEY)


@pytest.mark.timeout(60)
async def test_parallel_attempts_never_overtake_the_maximum(limiters) -> None:
    hosts = [limiters(), limiters()]

    async def attempt(n: int) -> bool:
        try:
            await hosts[n % 2].admit(KEY)
        except RateLimited:
            return False
        return True

    for round_ in range(3):
        outcomes = await asyncio.gather(*(attempt(n) for n in range(40)))
        assert sum(outcomes) == (5 if round_ == 0 else 0)
    await hosts[0].reset(KEY)
    outcomes = await asyncio.gather(*(attempt(n) for n in range(40)))
    assert sum(outcomes) == 5


# Rows are a database matter; the memory adapter's sweep is checked in the unit tests.
@pytest.mark.parametrize("storage", ["sqlite", "postgres"], indirect=True)
async def test_expired_rows_are_swept(storage, limiter, clock) -> None:
    _kind, url = storage
    for n in range(30):
        await limiter.admit(f"sprayed-{n}@example.com")
    clock.advance(seconds=900 + 120)
    await limiter.admit(KEY)
    engine = build_engine(url)
    try:
        async with engine.connect() as conn:
            left = await conn.scalar(select(func.count()).select_from(login_failures))
    finally:
        await engine.dispose()
    assert left == 1


# --- Client addresses: a second key space on the same storage ----------------------------

CLIENT_POLICY = client_throttle(50)


@pytest.fixture
async def client_limiters(
    storage: tuple[str, str], clock: FakeClock
) -> AsyncIterator[LimiterFactory]:
    """Per-client limiters beside the e-mail ones, keeping rows for the longer window."""
    kind, url = storage
    engines: list[AsyncEngine] = []
    memory = InMemoryRateLimiter(CLIENT_POLICY, clock)

    def make() -> RateLimiter:
        if kind == "memory":
            return memory
        engines.append(build_engine(url))
        return SqlAlchemyRateLimiter(engines[-1], CLIENT_POLICY, clock, keep=POLICY.window)

    yield make
    for engine in engines:
        await engine.dispose()


@pytest.mark.timeout(120)
async def test_a_burst_from_one_client_admits_exactly_its_maximum(client_limiters) -> None:
    hosts = [client_limiters(), client_limiters()]
    key = "client:203.0.113.9"

    async def attempt(n: int) -> bool:
        try:
            await hosts[n % 2].admit(key)
        except RateLimited as refused:
            assert 1 <= refused.retry_after <= 60
            return False
        return True

    outcomes = await asyncio.gather(*(attempt(n) for n in range(200)))
    assert sum(outcomes) == 51  # more than 50 refuse: the 51st is still admitted
    outcomes = await asyncio.gather(*(attempt(n) for n in range(40)))
    assert sum(outcomes) == 0
    await hosts[1].admit("client:198.51.100.1")  # another client is not held up


async def test_key_spaces_share_the_storage_without_touching_each_other(
    limiters, client_limiters, clock
) -> None:
    emails, clients = limiters(), client_limiters()
    for _ in range(5):
        await emails.admit(KEY)
    for n in range(50):
        await clients.admit(f"client:192.0.2.{n}")
    clock.advance(seconds=120)
    # The client limiter's sweeps (past its own window) left the e-mail's failures alone.
    for n in range(50):
        await clients.admit(f"client:198.51.100.{n}")
    with pytest.raises(RateLimited) as refused:
        await emails.admit(KEY)
    assert refused.value.retry_after == 900 - 120


def test_rows_are_kept_at_least_as_long_as_the_window() -> None:
    with pytest.raises(ValueError, match="kept"):
        SqlAlchemyRateLimiter(
            build_engine("sqlite+aiosqlite://"), POLICY, FakeClock(), keep=CLIENT_WINDOW
        )


@pytest.mark.parametrize("storage", ["sqlite", "postgres"], indirect=True)
async def test_a_backlog_of_expired_rows_is_swept_in_batches_without_waiting(
    storage, limiter, clock
) -> None:
    _kind, url = storage
    engine = build_engine(url)
    try:
        # A flood's leftovers: more than two batches of rows long past the window.
        old = clock.now() - POLICY.window - timedelta(hours=1)
        rows = [
            {"id": uuid.uuid4(), "key_hash": f"{n:064x}", "failed_at": old}
            for n in range(2 * SWEEP_BATCH + 500)
        ]
        async with engine.begin() as conn:
            await conn.execute(insert(login_failures), rows)

        async def left() -> int:
            async with engine.connect() as conn:
                return int(await conn.scalar(select(func.count()).select_from(login_failures)))

        await limiter.admit(KEY)  # one batch
        assert await left() == SWEEP_BATCH + 500 + 1
        await limiter.admit(KEY)  # it was full, so the next admit sweeps at once, clock still
        await limiter.admit(KEY)
        assert await left() == 3
        clock.advance(seconds=1)
        for n in range(3):  # now only every SWEEP_INTERVAL
            await limiter.admit(f"later-{n}@example.com")
        assert await left() == 6
    finally:
        await engine.dispose()


@pytest.mark.parametrize("storage", ["sqlite", "postgres"], indirect=True)
async def test_a_refusal_is_remembered_for_a_second_and_no_longer(limiters, clock) -> None:
    first, second = limiters(), limiters()
    for _ in range(5):
        await first.admit(KEY)
    with pytest.raises(RateLimited):
        await first.admit(KEY)
    await second.reset(KEY)
    clock.advance(seconds=0.5)
    with pytest.raises(RateLimited) as refused:  # from memory, still counting down
        await first.admit(KEY)
    assert refused.value.retry_after == 900
    clock.advance(seconds=0.5)
    await first.admit(KEY)  # the reset elsewhere is seen now
