"""What a login costs with its limiter, measured on the shipped LogIn.

The limiter's rows (per client address and per e-mail) are written in the login's own
transactions: one that locks both keys, counts, admits and reads the user, and one after a
right password that clears the keys and opens the session.

    python -m bench.login_limiter [--database-url URL] [--rounds 20]

Runs LogIn as the container wires it (both limiters on the database) on PostgreSQL (when
given or started) and on a SQLite file, with a cheap argon2id so that the database's share
is what is measured. Prints the median time per login, one after another and 20 at once
(each from its own client), the transactions per login, and how many of 30 parallel wrong
passwords are admitted for one e-mail (from 30 clients) and for one client (over 30
e-mails): exactly the maximum of each, or the limiter is broken.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event

from adapters.clock import SystemClock
from adapters.security.argon2 import Argon2PasswordHasher
from adapters.security.jwt import PyJwtTokenService
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.migrate import upgrade_to_head
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.auth.login import LogIn
from application.auth.registration import NewAccount, RegisterUser
from bench.support import postgres_server
from domain.errors import InvalidCredentials, RateLimited
from domain.throttling import ThrottlePolicy, client_throttle

PASSWORD = "Bench-Password-1"  # noqa: S105 - a throwaway benchmark account
POLICY = ThrottlePolicy(max_failures=5, window=timedelta(minutes=15))
CLIENT_POLICY = client_throttle(9)  # ten failures a minute per client address


def limiters(engine, clock) -> tuple[object, object]:
    keep = max(POLICY.window, CLIENT_POLICY.window)
    try:
        from application.auth.throttle import LoginLimiter
    except ImportError:  # the limiter with its own transactions, before it shared the login's
        from adapters.sqlalchemy.rate_limiter import SqlAlchemyRateLimiter

        return (
            SqlAlchemyRateLimiter(engine, POLICY, clock, keep=keep),
            SqlAlchemyRateLimiter(engine, CLIENT_POLICY, clock, keep=keep),
        )
    return LoginLimiter(POLICY, clock, keep=keep), LoginLimiter(CLIENT_POLICY, clock, keep=keep)


async def measure(url: str, rounds: int) -> dict[str, float]:
    engine = build_engine(url, pool_size=20, max_overflow=0)
    await upgrade_to_head(engine)
    clock = SystemClock()
    hasher = Argon2PasswordHasher(memory_cost=1024, time_cost=1, parallelism=1)
    tokens = PyJwtTokenService(
        secret_key="bench-secret-key-0123456789-0123456789",  # noqa: S106 - a benchmark key
        algorithm="HS256",
        access_ttl=timedelta(minutes=15),
        refresh_ttl=timedelta(days=7),
        clock=clock,
    )

    def uow(*, read_only: bool = False) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(engine, clock, read_only=read_only)

    email_limiter, client_limiter = limiters(engine, clock)
    log_in = LogIn(uow, hasher, tokens, clock, email_limiter, client_limiter)  # type: ignore[arg-type]
    register = RegisterUser(uow, hasher, clock)
    run = uuid.uuid4().hex[:8]
    accounts = [f"bench-{run}-{i}@example.com" for i in range(20)]
    for email in accounts:
        await register(NewAccount(email=email, name="Bench", password=PASSWORD))

    begins = 0

    def count_begin(*_args: object) -> None:
        nonlocal begins
        begins += 1

    event.listen(engine.sync_engine, "begin", count_begin)
    await log_in(accounts[0], PASSWORD, "192.0.2.1")  # warm-up
    begins = 0
    for _ in range(10):
        await log_in(accounts[0], PASSWORD, "192.0.2.1")
    transactions = begins / 10
    sequential: list[float] = []
    parallel: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(10):
            await log_in(accounts[0], PASSWORD, "192.0.2.1")
        sequential.append((time.perf_counter() - started) * 100)  # ms per login
        started = time.perf_counter()
        await asyncio.gather(
            *(log_in(email, PASSWORD, f"192.0.2.{i}") for i, email in enumerate(accounts))
        )
        parallel.append((time.perf_counter() - started) * 1000 / len(accounts))

    async def burst(*pairs: tuple[str, str]) -> int:
        outcomes = await asyncio.gather(
            *(log_in(email, "Wrong-Password-1", client) for email, client in pairs),
            return_exceptions=True,
        )
        assert all(isinstance(o, InvalidCredentials | RateLimited) for o in outcomes), outcomes
        return sum(isinstance(o, InvalidCredentials) for o in outcomes)

    victim = f"burst-{run}@example.com"
    per_email = await burst(*((victim, f"198.51.100.{n}") for n in range(30)))
    sprayer = f"203.0.113.9-{run}"  # a client of its own, whatever earlier runs left
    per_client = await burst(*((f"spray-{run}-{n}@example.com", sprayer) for n in range(30)))
    await engine.dispose()
    hasher.close()
    return {
        "transactions": transactions,
        "sequential": statistics.median(sequential),
        "parallel": statistics.median(parallel),
        "per_email": per_email,
        "per_client": per_client,
    }


def report(kind: str, result: dict[str, float]) -> None:
    print(
        f"{kind:10} {result['transactions']:.0f} BEGINs/login"
        f"  sequential {result['sequential']:6.2f} ms/login"
        f"  20 at once {result['parallel']:6.2f} ms/login"
        f"  admitted of 30 wrong: one e-mail {result['per_email']:.0f}"
        f" (max {POLICY.max_failures}), one client {result['per_client']:.0f}"
        f" (max {CLIENT_POLICY.max_failures})"
        f"  load {os.getloadavg()[0]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp, postgres_server(args.database_url) as url:
        report("PostgreSQL", asyncio.run(measure(url, args.rounds)))
        sqlite = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        report("SQLite", asyncio.run(measure(sqlite, args.rounds)))


if __name__ == "__main__":
    main()
