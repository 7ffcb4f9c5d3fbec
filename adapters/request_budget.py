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
from contextvars import ContextVar, Token
from types import TracebackType


class DatabaseBudget:
    """Seconds of database work left to one request. Scopes nest: the outermost open one
    sets the deadline and spends from the budget; scopes inside it share its deadline."""

    def __init__(self, seconds: float) -> None:
        self._left = seconds
        self._deadline: float | None = None
        self._open = 0

    def left(self, now: float) -> float:
        return self._left if self._deadline is None else max(0.0, self._deadline - now)

    def open(self, now: float) -> float:
        """Start a piece of work at `now`; its deadline. Every open() needs its close()."""
        if self._deadline is None:
            self._deadline = now + self._left
        self._open += 1
        return self._deadline

    def close(self, now: float) -> None:
        self._open -= 1
        if self._open == 0 and self._deadline is not None:
            self._left = max(0.0, self._deadline - now)
            self._deadline = None


_current: ContextVar[DatabaseBudget | None] = ContextVar("hexapi_database_budget", default=None)


class database_budget:  # lower case: used as a function, `with database_budget(4.0):`
    """Give the code run inside (one request) `seconds` of database work in all."""

    def __init__(self, seconds: float) -> None:
        self._budget = DatabaseBudget(seconds)
        self._token: Token[DatabaseBudget | None] | None = None

    def __enter__(self) -> DatabaseBudget:
        self._token = _current.set(self._budget)
        return self._budget

    def __exit__(self, *_exc: object) -> None:
        if self._token is not None:
            _current.reset(self._token)


class within_budget:  # lower case: used as a function, `async with within_budget():`
    """Bound the block by what the current request's budget has left, and by `at_most`
    seconds when given: TimeoutError when either runs out (at once when the budget has
    nothing left). Outside a request, only `at_most` bounds it.

    A class rather than a generator: it runs around every database wait of every request,
    and one asyncio.timeout_at is all it costs."""

    def __init__(self, at_most: float | None = None) -> None:
        self._at_most = at_most
        self._budget: DatabaseBudget | None = None
        self._timeout: asyncio.Timeout | None = None

    async def __aenter__(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        deadline = None if self._at_most is None else now + self._at_most
        budget = _current.get()
        if budget is not None:
            budget_deadline = budget.open(now)
            if budget_deadline <= now:
                budget.close(now)
                raise TimeoutError("the request has used up its time for the database")
            self._budget = budget
            deadline = budget_deadline if deadline is None else min(deadline, budget_deadline)
        if deadline is not None:
            self._timeout = asyncio.timeout_at(deadline)
            await self._timeout.__aenter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if self._timeout is not None:  # turns the cancellation it caused into TimeoutError
                await self._timeout.__aexit__(exc_type, exc, traceback)
        finally:
            if self._budget is not None:
                self._budget.close(asyncio.get_running_loop().time())
