"""The throttling rules: the policy, the LoginLimiter on memory and LogIn, with a moved clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from dependency_injector import providers
from hypothesis import given, settings
from hypothesis import strategies as st

from application.errors import Overloaded
from domain.errors import InactiveUser, InvalidCredentials, RateLimited
from domain.throttling import CLIENT_WINDOW, ThrottlePolicy, client_throttle
from tests.support.api import PASSWORD
from tests.support.clock import FakeClock
from tests.support.login_limiter import InMemory

T0 = datetime(2026, 1, 1, tzinfo=UTC)
WINDOW = timedelta(seconds=900)
POLICY = ThrottlePolicy(max_failures=5, window=WINDOW)
WRONG = "Wrong-Password-1"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# --- The policy ----------------------------------------------------------------------------


def test_fewer_failures_than_the_maximum_let_attempts_through() -> None:
    assert POLICY.retry_after([at(0), at(1), at(2), at(3)], at(10)) is None
    assert POLICY.retry_after([], at(0)) is None


def test_retry_after_counts_until_the_oldest_failure_leaves_the_window() -> None:
    failures = [at(0), at(100), at(200), at(300), at(400)]
    assert POLICY.retry_after(failures, at(400)) == 500
    assert POLICY.retry_after(failures, at(899)) == 1
    assert POLICY.retry_after(failures, at(900)) is None  # the failure at 0 has left


def test_retry_after_is_whole_seconds_and_at_least_one() -> None:
    failures = [at(0)] * 5
    assert POLICY.retry_after(failures, at(899.9)) == 1
    assert POLICY.retry_after(failures, at(0.5)) == 900  # 899.5 rounded up


def test_with_more_failures_than_the_maximum_enough_must_leave() -> None:
    # Possible when the maximum was lowered while failures were on record.
    failures = [at(0), at(10), at(20), at(30), at(40), at(50), at(60)]
    assert POLICY.retry_after(failures, at(100)) == 20 + 900 - 100


def test_a_policy_needs_a_positive_maximum_and_window() -> None:
    with pytest.raises(ValueError, match="max_failures"):
        ThrottlePolicy(max_failures=0, window=WINDOW)
    with pytest.raises(ValueError, match="window"):
        ThrottlePolicy(max_failures=5, window=timedelta(0))


# --- The limiter on memory -------------------------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def limiter(clock: FakeClock) -> InMemory:
    return InMemory(POLICY, clock)


async def fail(limiter: InMemory, times: int, key: str = "ann@example.com") -> None:
    for _ in range(times):
        await limiter.admit(key)


async def test_the_window_slides(limiter, clock) -> None:
    for second in (0, 100, 200, 300, 400):
        clock.set(at(second))
        await limiter.admit("ann@example.com")
    clock.set(at(450))
    with pytest.raises(RateLimited) as refused:
        await limiter.admit("ann@example.com")
    assert refused.value.retry_after == 450
    clock.set(at(900))  # the failure at 0 leaves: one attempt, and only one, goes ahead
    await limiter.admit("ann@example.com")
    with pytest.raises(RateLimited) as refused:
        await limiter.admit("ann@example.com")
    assert refused.value.retry_after == 100  # now the failure at 100 is the oldest


async def test_refused_attempts_are_not_counted(limiter, clock) -> None:
    await fail(limiter, 5)
    for _ in range(1000):
        clock.advance(seconds=0.5)
        with pytest.raises(RateLimited):
            await limiter.admit("ann@example.com")
    clock.set(at(900))
    await limiter.admit("ann@example.com")


async def test_a_lockout_ends_at_most_one_window_after_the_failure_that_started_it(
    limiter, clock
) -> None:
    for second in range(5):
        clock.set(at(second * 60))
        await limiter.admit("ann@example.com")
    started_by = at(4 * 60)
    while True:  # an attacker trying every second
        clock.advance(seconds=1)
        try:
            await limiter.admit("ann@example.com")
            break
        except RateLimited as refused:
            assert clock.now() + timedelta(seconds=refused.retry_after) <= started_by + WINDOW
    assert clock.now() <= started_by + WINDOW


async def test_keys_are_counted_apart(limiter) -> None:
    await fail(limiter, 5, "ann@example.com")
    await limiter.admit("bob@example.com")
    with pytest.raises(RateLimited):
        await limiter.admit("ann@example.com")


async def test_reset_clears_the_count(limiter) -> None:
    await fail(limiter, 5)
    await limiter.reset("ann@example.com")
    await fail(limiter, 5)
    with pytest.raises(RateLimited):
        await limiter.admit("ann@example.com")


async def test_a_forgiven_attempt_is_not_counted(limiter) -> None:
    await fail(limiter, 4)
    attempt = await limiter.admit("ann@example.com")
    await limiter.forgive("ann@example.com", attempt)
    await limiter.admit("ann@example.com")  # the fifth counted one
    with pytest.raises(RateLimited):
        await limiter.admit("ann@example.com")


async def test_expired_failures_of_keys_never_tried_again_are_swept(limiter, clock) -> None:
    for n in range(100):
        await limiter.admit(f"sprayed-{n}@example.com")
    clock.advance(WINDOW + timedelta(minutes=2))
    await limiter.admit("ann@example.com")
    assert limiter.keys() == {"ann@example.com"}


@settings(max_examples=200, deadline=None)
@given(gaps=st.lists(st.floats(min_value=0, max_value=400), min_size=1, max_size=60))
async def test_no_window_ever_admits_more_than_the_maximum(gaps: list[float]) -> None:
    clock = FakeClock(T0)
    limiter = InMemory(POLICY, clock)
    admitted: list[datetime] = []
    for gap in gaps:
        clock.advance(seconds=gap)
        try:
            await limiter.admit("ann@example.com")
            admitted.append(clock.now())
        except RateLimited as refused:
            assert 1 <= refused.retry_after <= WINDOW.total_seconds()
    for i, start in enumerate(admitted):
        assert sum(1 for t in admitted[i:] if t - start < WINDOW) <= POLICY.max_failures


# --- LogIn ---------------------------------------------------------------------------------


async def login_fails(core, exc: type[Exception], email: str = "ann@example.com", password=WRONG):
    with pytest.raises(exc) as raised:
        await core.login(email, password)
    return raised.value


async def test_five_failures_lock_the_account_even_for_the_right_password(core) -> None:
    await core.register()
    for _ in range(5):
        await login_fails(core, InvalidCredentials)
    refused = await login_fails(core, RateLimited, password=PASSWORD)
    assert refused.retry_after == 900
    core.clock.advance(seconds=900)
    await core.login()


async def test_failures_are_counted_per_normalised_email(core) -> None:
    await core.register()
    for email in ("ANN@example.com", " ann@Example.com", "ann@EXAMPLE.COM", "Ann@example.com"):
        await login_fails(core, InvalidCredentials, email)
    await login_fails(core, InvalidCredentials, "ann@example.com")
    await login_fails(core, RateLimited, "aNN@example.com ", PASSWORD)


async def test_unknown_emails_are_throttled_the_same_way(core) -> None:
    for _ in range(5):
        await login_fails(core, InvalidCredentials, "nobody@example.com")
    refused = await login_fails(core, RateLimited, "nobody@example.com")
    assert refused.retry_after == 900
    for _ in range(5):
        await login_fails(core, InvalidCredentials, "not an e-mail")
    await login_fails(core, RateLimited, "NOT an e-mail")


async def test_a_successful_login_clears_the_count(core) -> None:
    await core.register()
    for _ in range(4):
        await login_fails(core, InvalidCredentials)
    await core.login()
    for _ in range(5):
        await login_fails(core, InvalidCredentials)
    await login_fails(core, RateLimited)


async def test_an_inactive_account_with_the_right_password_is_neither_counted_nor_cleared(
    core,
) -> None:
    user = await core.register()
    await core.change_user(user.id, lambda u: setattr(u, "is_active", False))
    for _ in range(4):
        await login_fails(core, InvalidCredentials)
    for _ in range(3):
        await login_fails(core, InactiveUser, password=PASSWORD)
    await login_fails(core, InvalidCredentials)  # the fifth failure
    await login_fails(core, RateLimited, password=PASSWORD)


# --- Per client address --------------------------------------------------------------------


async def test_the_client_rule_refuses_more_than_its_number_over_a_minute() -> None:
    policy = client_throttle(50)
    assert policy.window == CLIENT_WINDOW
    failures = [at(n) for n in range(51)]
    assert policy.retry_after(failures[:50], at(51)) is None  # 50 failures: one more may try
    assert policy.retry_after(failures, at(51)) == 9  # 51: the failure at 0 leaves at 60
    assert policy.retry_after(failures, at(60)) is None


async def test_failures_over_many_emails_from_one_client_lock_the_client(core) -> None:
    await core.register()
    for n in range(51):  # more than the default LOGIN_CLIENT_MAX_FAILURES, one try each
        await login_fails(core, InvalidCredentials, f"sprayed-{n}@example.com")
    core.clock.advance(seconds=20)
    with pytest.raises(RateLimited) as refused:
        await core.login()  # even the right password of a real account
    assert refused.value.retry_after == 40
    await core.login(client="198.51.100.2")  # another client is not held up
    core.clock.advance(seconds=40)
    await core.login()  # the window has room again


async def test_a_success_is_not_counted_against_the_client_and_clears_nothing(core) -> None:
    await core.register()
    for n in range(50):
        await login_fails(core, InvalidCredentials, f"sprayed-{n}@example.com")
    for _ in range(3):
        await core.login()  # not counted: the client has one failure left, not more
    await login_fails(core, InvalidCredentials, "one-more@example.com")
    await login_fails(core, RateLimited, "ann@example.com", PASSWORD)


async def test_attempts_refused_for_the_email_or_inactive_are_not_counted_for_the_client(
    core,
) -> None:
    await core.register()
    inactive = await core.register("bob@example.com")
    await core.change_user(inactive.id, lambda u: setattr(u, "is_active", False))
    for _ in range(5):
        await login_fails(core, InvalidCredentials)
    for _ in range(60):  # the e-mail is locked: no password is checked, nothing counted
        await login_fails(core, RateLimited)
    for _ in range(60):  # the right password of an inactive account: no guess
        await login_fails(core, InactiveUser, "bob@example.com", PASSWORD)
    for n in range(46):  # with the first five, the client's 51: more than 50
        await login_fails(core, InvalidCredentials, f"sprayed-{n}@example.com")
    refused = await login_fails(core, RateLimited, "other@example.com")
    assert refused.retry_after == 60


class BusyHasher:
    """A hasher whose queue is always full."""

    async def hash(self, password: str) -> str:
        raise Overloaded()

    async def verify(self, hashed: str | None, password: str) -> bool:
        raise Overloaded()

    def needs_rehash(self, hashed: str) -> bool:
        return False


async def test_a_login_refused_for_a_busy_hasher_counts_as_no_failure(core) -> None:
    await core.register()
    real = core.container.core.hasher()
    core.container.core.hasher.override(providers.Object(BusyHasher()))
    for _ in range(60):
        await login_fails(core, Overloaded)
    core.container.core.hasher.override(providers.Object(real))
    for _ in range(4):  # neither the e-mail's count nor the client's moved
        await login_fails(core, InvalidCredentials)
    await core.login()
