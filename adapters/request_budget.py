"""One budget per request for all of its waits on the database.

Each wait has its own bound (DB_TIMEOUT_SECONDS: a pool checkout, a connect, a statement),
but the waits of one request add up: a login makes four transactions of several statements,
and against a database that stalls just short of each bound it answered after 16 s (measured
by tests/e2e/test_database_outage.py), while the contract promises a 503 within 5 s. The
HTTP layer opens one budget per request (`database_budget`); every piece of database work
of that request runs `within_budget`, so all of them together stay within it. Outside a
request (the delivery worker, the command line) there is no budget, and each wait keeps
only its own bound.

The budget counts time spent in database work only, not the whole request: a slow upload,
or a write to the object store, between two transactions does not use it up, so a healthy
database never gets a request a 503. The price: work between transactions (a password hash)
comes on top, so the budget stays below the contract's 5 s by a margin (4 s by default).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from contextvars import ContextVar


class DatabaseBudget:
    """Seconds of database work left to one request. Scopes nest: the outermost open one
    sets the deadline and spends from the budget; scopes inside it share its deadline."""

    def __init__(self, seconds: float) -> None:
        self._left = seconds
        self._deadline: float | None = None
        self._open = 0

    def left(self, now: float) -> float:
        return self._left if self._deadline is None else max(0.0, self._deadline - now)

    @contextlib.contextmanager
    def scope(self, now: float) -> Iterator[float]:
        """The deadline of a piece of work starting `now`."""
        if self._deadline is None:
            self._deadline = now + self._left
        self._open += 1
        try:
            yield self._deadline
        finally:
            self._open -= 1
            if self._open == 0:
                self._left = max(0.0, self._deadline - asyncio.get_running_loop().time())
                self._deadline = None


_current: ContextVar[DatabaseBudget | None] = ContextVar("hexapi_database_budget", default=None)


@contextlib.contextmanager
def database_budget(seconds: float) -> Iterator[DatabaseBudget]:
    """Give the code run inside (one request) `seconds` of database work in all."""
    budget = DatabaseBudget(seconds)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


@contextlib.asynccontextmanager
async def within_budget() -> AsyncIterator[None]:
    """Bound the block by what the current request's budget has left: TimeoutError when it
    runs out (at once when nothing is left). Outside a request, no bound."""
    budget = _current.get()
    if budget is None:
        yield
        return
    loop = asyncio.get_running_loop()
    with budget.scope(loop.time()) as deadline:
        if deadline <= loop.time():
            raise TimeoutError("the request has used up its time for the database")
        async with asyncio.timeout_at(deadline):
            yield
