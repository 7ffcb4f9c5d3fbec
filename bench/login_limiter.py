"""Does the login's rate limiter earn its own transactions? Measured, not guessed.

A login today is four transactions: the limiter admits the attempt (its own connection,
advisory lock on the e-mail's key), the unit of work reads the user, the limiter resets the
key, the unit of work opens the session. The alternative shares them: admit + read in one
transaction (the lock taken first, so the count stays exact), reset + open in a second.

    python -m bench.login_limiter [--database-url URL] [--rounds 20]

Runs both styles interleaved on the same database (PostgreSQL when given or started, and a
SQLite file), with a cheap argon2id so that the database's share is what is measured, and
checks that both admit exactly LOGIN_MAX_FAILURES of a burst of wrong passwords for one
e-mail. Prints medians per login, transactions per login, and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, event, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.clock import SystemClock
from adapters.memory.rate_limiter import InMemoryRateLimiter
from adapters.security.argon2 import Argon2PasswordHasher
from adapters.security.jwt import PyJwtTokenService
from adapters.sqlalchemy import rate_limiter as sql_limiter
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.migrate import upgrade_to_head
from adapters.sqlalchemy.rate_limiter import SqlAlchemyRateLimiter
from adapters.sqlalchemy.tables.login_failures import login_failures
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.auth.login import LogIn
from application.auth.registration import NewAccount, RegisterUser
from bench.support import postgres_server
from domain.errors import InvalidCredentials, RateLimited
from domain.sessions import LoginSession
from domain.throttling import CLIENT_WINDOW, ThrottlePolicy
from domain.tokens import TokenPair

PASSWORD = "Bench-Password-1"  # noqa: S105 - a throwaway benchmark account
POLICY = ThrottlePolicy(max_failures=5, window=timedelta(minutes=15))
# Every attempt here comes from one client: never the limit being measured.
CLIENT_POLICY = ThrottlePolicy(max_failures=1_000_000, window=CLIENT_WINDOW)
_T = login_failures.c


class SharedLogIn:
    """LogIn with the limiter's statements inside the unit of work's two transactions."""

    def __init__(self, engine: AsyncEngine, hasher, tokens, clock) -> None:
        self._engine, self._hasher, self._tokens, self._clock = engine, hasher, tokens, clock

    async def __call__(self, email: str, password: str) -> TokenPair:
        key_hash = sql_limiter._hash(email)
        async with SqlAlchemyUnitOfWork(self._engine, self._clock) as uow:
            conn = uow._conn
            await sql_limiter._lock(conn, key_hash)  # first: the count below is exact
            now = self._clock.now()
            failures = await conn.execute(
                select(_T.failed_at).where(
                    _T.key_hash == key_hash, _T.failed_at > POLICY.window_start(now)
                )
            )
            retry_after = POLICY.retry_after(failures.scalars(), now)
            if retry_after is not None:
                raise RateLimited(retry_after)
            await conn.execute(
                insert(login_failures).values(id=uuid.uuid4(), key_hash=key_hash, failed_at=now)
            )
            user = await uow.users.get_by_email(email)
            await uow.commit()
        hashed = user.hashed_password if user else None
        if not await self._hasher.verify(hashed, password) or user is None:
            raise InvalidCredentials()
        now = self._clock.now()
        session_id = uuid.uuid4()
        pair = self._tokens.issue_pair(user.id, session_id)
        async with SqlAlchemyUnitOfWork(self._engine, self._clock) as uow:
            await sql_limiter._lock(uow._conn, key_hash)
            await uow._conn.execute(delete(login_failures).where(_T.key_hash == key_hash))
            await uow.sessions.add(
                LoginSession(
                    id=session_id,
                    user_id=user.id,
                    refresh_token_id=pair.refresh_token_id,
                    created_at=now,
                    expires_at=pair.refresh_expires_at,
                )
            )
            await uow.commit()
        return pair


async def measure(url: str, rounds: int) -> dict[str, object]:
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

    # The per-client count is kept in memory here: what is compared is the e-mail limiter's
    # transactions, and the shared style has no per-client count.
    log_in = LogIn(
        uow,
        hasher,
        tokens,
        clock,
        SqlAlchemyRateLimiter(engine, POLICY, clock),
        InMemoryRateLimiter(CLIENT_POLICY, clock),
    )

    async def separate(email: str, password: str) -> object:
        return await log_in(email, password, "192.0.2.1")

    shared = SharedLogIn(engine, hasher, tokens, clock)
    styles = {"separate (4 transactions)": separate, "shared (2 transactions)": shared}
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
    sequential: dict[str, list[float]] = {name: [] for name in styles}
    parallel: dict[str, list[float]] = {name: [] for name in styles}
    transactions: dict[str, float] = {}
    for name, login in styles.items():  # warm-up, and transactions per login
        await login(accounts[0], PASSWORD)
        begins = 0
        for _ in range(10):
            await login(accounts[0], PASSWORD)
        transactions[name] = begins / 10
    for _ in range(rounds):  # interleaved, so drift on a shared machine hits both
        for name, login in styles.items():
            started = time.perf_counter()
            for _ in range(10):
                await login(accounts[0], PASSWORD)
            sequential[name].append((time.perf_counter() - started) * 100)  # ms per login
            started = time.perf_counter()
            await asyncio.gather(*(login(email, PASSWORD) for email in accounts))
            parallel[name].append((time.perf_counter() - started) * 1000 / len(accounts))
    exact: dict[str, int] = {}
    for name, login in styles.items():
        victim = f"burst-{uuid.uuid4().hex[:8]}@example.com"
        outcomes = await asyncio.gather(
            *(login(victim, "Wrong-Password-1") for _ in range(30)), return_exceptions=True
        )
        exact[name] = sum(isinstance(o, InvalidCredentials) for o in outcomes)
        assert all(isinstance(o, InvalidCredentials | RateLimited) for o in outcomes), outcomes
    await engine.dispose()
    hasher.close()
    return {
        "transactions": transactions,
        "sequential": {k: statistics.median(v) for k, v in sequential.items()},
        "parallel": {k: statistics.median(v) for k, v in parallel.items()},
        "admitted of 30 wrong": exact,
    }


def report(kind: str, result: dict[str, object]) -> None:
    print(f"\n{kind}")
    seq, par = result["sequential"], result["parallel"]
    for name in result["transactions"]:  # type: ignore[attr-defined]
        print(
            f"  {name:28} {result['transactions'][name]:.0f} BEGINs/login"  # type: ignore[index]
            f"  sequential {seq[name]:6.2f} ms/login"  # type: ignore[index]
            f"  20 at once {par[name]:6.2f} ms/login"  # type: ignore[index]
            f"  admitted {result['admitted of 30 wrong'][name]} of 30 wrong"  # type: ignore[index]
        )
    a, b = list(seq)  # type: ignore[arg-type]
    print(f"  shared/separate: sequential {seq[b] / seq[a]:.2f}, at once {par[b] / par[a]:.2f}")  # type: ignore[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, postgres_server(args.database_url) as url:
        report("PostgreSQL", asyncio.run(measure(url, args.rounds)))
        sqlite = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        report("SQLite", asyncio.run(measure(sqlite, args.rounds)))


if __name__ == "__main__":
    main()
