"""The LoginLimiter on every backend's login_failures, concurrency included."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.security.jwt import PyJwtTokenService
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.tables.login_failures import login_failures
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.auth.login import LogIn
from application.auth.registration import NewAccount, RegisterUser
from application.auth.throttle import SWEEP_BATCH, LoginLimiter
from domain.errors import InvalidCredentials, RateLimited
from domain.throttling import CLIENT_WINDOW, ThrottlePolicy, client_throttle
from tests.conftest import cheap_hasher
from tests.support.api import PASSWORD
from tests.support.clock import FakeClock
from tests.support.login_limiter import InMemory, OwnTransactions

POLICY = ThrottlePolicy(max_failures=5, window=timedelta(seconds=900))
KEY = "ann@example.com"

LimiterFactory = Callable[[], OwnTransactions]


def on(engine: AsyncEngine, clock: FakeClock) -> Callable[..., SqlAlchemyUnitOfWork]:
    return lambda **_: SqlAlchemyUnitOfWork(engine, clock)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def limiters(storage: tuple[str, str], clock: FakeClock) -> AsyncIterator[LimiterFactory]:
    """Makes limiters over one storage; on SQL each has its own engine, as separate hosts do."""
    kind, url = storage
    engines: list[AsyncEngine] = []
    memory = InMemory(POLICY, clock)

    def make() -> OwnTransactions:
        if kind == "memory":
            return memory  # one process: the same limiter
        engines.append(engine := build_engine(url))
        return OwnTransactions(LoginLimiter(POLICY, clock), on(engine, clock))

    yield make
    for engine in engines:
        await engine.dispose()


@pytest.fixture
def limiter(limiters: LimiterFactory) -> OwnTransactions:
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
    memory = InMemory(CLIENT_POLICY, clock)

    def make() -> OwnTransactions:
        if kind == "memory":
            return memory
        engines.append(engine := build_engine(url))
        limiter = LoginLimiter(CLIENT_POLICY, clock, keep=POLICY.window)
        return OwnTransactions(limiter, on(engine, clock))

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
        LoginLimiter(POLICY, FakeClock(), keep=CLIENT_WINDOW)


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


# --- LogIn: the limiter in the login's own transactions ----------------------------------

LOGIN_CLIENT_POLICY = client_throttle(9)  # ten failures a minute per client


@pytest.fixture
async def log_ins(storage: tuple[str, str], clock: FakeClock) -> AsyncIterator[list[LogIn]]:
    """Two hosts' LogIn on one database, each with its own engine and limiters."""
    _kind, url = storage
    engines: list[AsyncEngine] = []
    hasher = cheap_hasher()
    tokens = PyJwtTokenService(
        secret_key="contract-secret-key-0123456789-0123456789",
        algorithm="HS256",
        access_ttl=timedelta(minutes=15),
        refresh_ttl=timedelta(days=7),
        clock=clock,
    )
    hosts = []
    for _ in range(2):
        engines.append(engine := build_engine(url))
        keep = max(POLICY.window, LOGIN_CLIENT_POLICY.window)
        hosts.append(
            LogIn(
                on(engine, clock),
                hasher,
                tokens,
                clock,
                LoginLimiter(POLICY, clock, keep=keep),
                LoginLimiter(LOGIN_CLIENT_POLICY, clock, keep=keep),
            )
        )
    await RegisterUser(on(engines[0], clock), hasher, clock)(
        NewAccount(email=KEY, name="Ann", password=PASSWORD)
    )
    yield hosts
    hasher.close()
    for engine in engines:
        await engine.dispose()


async def wrong_guesses(hosts: list[LogIn], *pairs: tuple[str, str]) -> int:
    outcomes = await asyncio.gather(
        *(
            hosts[n % 2](email, "Wrong-Password-1", client)
            for n, (email, client) in enumerate(pairs)
        ),
        return_exceptions=True,
    )
    assert all(isinstance(o, InvalidCredentials | RateLimited) for o in outcomes), outcomes
    return sum(isinstance(o, InvalidCredentials) for o in outcomes)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("storage", ["sqlite", "postgres"], indirect=True)
async def test_parallel_wrong_logins_for_one_email_admit_exactly_its_maximum(log_ins) -> None:
    assert await wrong_guesses(log_ins, *((KEY, f"198.51.100.{n}") for n in range(30))) == 5
    assert await wrong_guesses(log_ins, *((KEY, f"192.0.2.{n}") for n in range(30))) == 0
    with pytest.raises(RateLimited):  # even the right password
        await log_ins[0](KEY, PASSWORD, "192.0.2.200")
    # Refused for the e-mail: no client was charged for it.
    assert (
        await wrong_guesses(log_ins, *((f"other-{n}@example.com", "192.0.2.1") for n in range(10)))
        == 10
    )


@pytest.mark.timeout(120)
@pytest.mark.parametrize("storage", ["sqlite", "postgres"], indirect=True)
async def test_parallel_wrong_logins_from_one_client_admit_exactly_its_maximum(
    log_ins, clock
) -> None:
    client = "203.0.113.9"
    sprayed = ((f"sprayed-{n}@example.com", client) for n in range(40))
    assert await wrong_guesses(log_ins, *sprayed) == 10
    with pytest.raises(RateLimited):  # even the right password of a real account
        await log_ins[1](KEY, PASSWORD, client)
    await log_ins[0](KEY, PASSWORD, "198.51.100.2")  # another client is not held up
    clock.advance(seconds=61)
    await log_ins[1](KEY, PASSWORD, client)  # the window has room again
    # The refused attempts charged none of the e-mails.
    assert (
        await wrong_guesses(
            log_ins, *(("sprayed-39@example.com", f"192.0.2.{n}") for n in range(30))
        )
        == 5
    )
