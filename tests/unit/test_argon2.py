"""Argon2PasswordHasher: OWASP argon2id parameters, constant-ish time for unknown accounts."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncIterator

import pytest

from adapters.security.argon2 import QUEUED_PER_WORKER, Argon2PasswordHasher
from application.errors import Overloaded
from tests.conftest import cheap_hasher

PASSWORD = "Correct-Horse-9"


@pytest.fixture
async def owasp() -> AsyncIterator[Argon2PasswordHasher]:
    hasher = Argon2PasswordHasher()
    yield hasher
    hasher.close()


@pytest.fixture
async def cheap() -> AsyncIterator[Argon2PasswordHasher]:
    hasher = cheap_hasher()
    yield hasher
    hasher.close()


async def test_defaults_are_argon2id_with_owasp_parameters(owasp) -> None:
    hashed = await owasp.hash(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in hashed
    assert await owasp.hash(PASSWORD) != hashed  # salted


async def test_verify_accepts_only_the_right_password(cheap) -> None:
    hashed = await cheap.hash(PASSWORD)
    assert await cheap.verify(hashed, PASSWORD) is True
    assert await cheap.verify(hashed, PASSWORD.lower()) is False
    assert await cheap.verify(hashed, PASSWORD + " ") is False
    assert await cheap.verify(hashed, "") is False


@pytest.mark.parametrize("hashed", ["", "not-a-hash", "$argon2id$v=19$m=1,t=1,p=1$xx$yy"])
async def test_a_corrupt_hash_verifies_nothing_and_needs_rehash(cheap, hashed) -> None:
    assert await cheap.verify(hashed, PASSWORD) is False
    assert cheap.needs_rehash(hashed) is True


async def test_verify_without_a_hash_is_false(cheap) -> None:
    assert await cheap.verify(None, PASSWORD) is False
    assert await cheap.verify(None, "decoy-password-that-matches-nothing") is False


async def test_needs_rehash_when_made_with_weaker_parameters(owasp, cheap) -> None:
    weak = await cheap.hash(PASSWORD)
    strong = await owasp.hash(PASSWORD)
    assert owasp.needs_rehash(weak) is True
    assert owasp.needs_rehash(strong) is False
    assert await owasp.verify(weak, PASSWORD) is True  # old hashes keep working meanwhile


@pytest.mark.timeout(30)
async def test_an_unknown_account_costs_about_as_much_as_a_known_one(owasp) -> None:
    hashed = await owasp.hash(PASSWORD)

    async def timed(hashed_or_none: str | None) -> float:
        started = time.perf_counter()
        await owasp.verify(hashed_or_none, "Wrong-Guess-1")
        return time.perf_counter() - started

    # The first unknown-account check is measured too: it is the one an attacker sees first.
    unknown = [await timed(None) for _ in range(5)]
    known = [await timed(hashed) for _ in range(5)]
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 1 / 3 < ratio < 3, (unknown, known)
    assert unknown[0] < 3 * statistics.median(known), (unknown, known)


@pytest.mark.timeout(30)
async def test_hashing_runs_off_the_event_loop(owasp) -> None:
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.002)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    started = time.perf_counter()
    await asyncio.gather(*(owasp.hash(PASSWORD) for _ in range(6)))
    elapsed = time.perf_counter() - started
    done.set()
    await ticking
    # Six hashes take a while; the loop kept turning all along, never held for one hash.
    assert len(gaps) > 3
    assert max(gaps) < elapsed / 2, (max(gaps), elapsed)


@pytest.mark.timeout(30)
async def test_a_full_queue_refuses_at_once_and_frees_as_hashes_finish() -> None:
    # Two threads and three places in the queue: five at once, the others refused.
    hasher = Argon2PasswordHasher(max_workers=2, max_queued=3)
    try:
        hashed = await hasher.hash(PASSWORD)

        async def verify() -> tuple[bool | Overloaded, float]:
            started = time.perf_counter()
            try:
                outcome: bool | Overloaded = await hasher.verify(hashed, PASSWORD)
            except Overloaded as refused:
                outcome = refused
            return outcome, time.perf_counter() - started

        outcomes = await asyncio.gather(*(verify() for _ in range(12)))
        verified = [elapsed for outcome, elapsed in outcomes if outcome is True]
        refused = [(o, elapsed) for o, elapsed in outcomes if isinstance(o, Overloaded)]
        assert len(verified) == 5
        assert len(refused) == 7
        assert all(o.retry_after == 1 for o, _ in refused)
        # Refused without waiting for any hash: in less time than the quickest check took.
        assert max(elapsed for _, elapsed in refused) < min(verified)
        # Finished hashes gave their places back.
        assert await asyncio.gather(*(hasher.verify(hashed, PASSWORD) for _ in range(5))) == [
            True
        ] * 5
    finally:
        hasher.close()


async def test_the_default_queue_holds_sixteen_hashes_a_thread() -> None:
    hasher = Argon2PasswordHasher(memory_cost=1024, time_cost=1, max_workers=2)
    try:
        hashed = await hasher.hash(PASSWORD)
        outcomes = await asyncio.gather(
            *(hasher.verify(hashed, PASSWORD) for _ in range(60)), return_exceptions=True
        )
        assert outcomes.count(True) == 2 + 2 * QUEUED_PER_WORKER
        assert all(isinstance(o, Overloaded) for o in outcomes if o is not True)
    finally:
        hasher.close()
