"""The per-request session check on PostgreSQL, straight through asyncpg.

Every authenticated request runs this one read, in one round trip. Through SQLAlchemy's
async layers it costs about a millisecond of CPU; through an asyncpg pool (prepared
statement cached per connection) a fraction of that. It reads the same row as
SqlAlchemyPrincipalLookup, judges it by the same domain rule and passes the same contract
tests.
"""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
from sqlalchemy.engine import make_url

from adapters.request_budget import within_budget
from adapters.sqlalchemy.availability import is_unavailable
from adapters.sqlalchemy.principals import SESSION_PREFIX, principal_from_row
from adapters.sqlalchemy.tables.sessions import login_sessions
from adapters.sqlalchemy.tables.users import users
from application.errors import BackendUnavailable
from application.ports import Clock, PrincipalLookup
from domain.users import User

# Every column of `users`, so the principal is the same User as everywhere else, and of the
# session, for the domain's rule (the same row as SqlAlchemyPrincipalLookup reads).
_PRINCIPAL = f"""
SELECT {", ".join(f"u.{column.name}" for column in users.columns)},
  {", ".join(f"s.{c.name} AS {SESSION_PREFIX}{c.name}" for c in login_sessions.columns)}
FROM users AS u JOIN login_sessions AS s ON s.user_id = u.id
WHERE s.id = $1 AND u.id = $2
"""  # noqa: S608 - the column names come from our own table definition


class AsyncpgPrincipalLookup(PrincipalLookup):
    """PrincipalLookup on its own small asyncpg pool, opened on first use."""

    def __init__(self, database_url: str, clock: Clock, *, pool_size: int, timeout: float) -> None:
        self._dsn = make_url(database_url).set(drivername="postgresql").render_as_string(False)
        self._clock, self._pool_size, self._timeout = clock, pool_size, timeout
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID) -> User | None:
        # The first database work of most requests: it spends from the request's budget, and
        # no wait in it (the checkout, the statement, the check-in) outlasts the timeout.
        try:
            async with within_budget(at_most=self._timeout):
                row = await self._fetch(user_id, session_id)
        except TimeoutError as exc:
            raise BackendUnavailable() from exc
        return principal_from_row(row, self._clock.now())

    async def _fetch(self, user_id: uuid.UUID, session_id: uuid.UUID) -> asyncpg.Record | None:
        try:
            pool = self._pool or await self._open()
            conn = await pool.acquire()
        except Exception as exc:
            if is_unavailable(exc):
                raise BackendUnavailable() from exc
            raise
        try:
            return await conn.fetchrow(_PRINCIPAL, session_id, user_id)
        except BaseException as exc:
            # The server may not answer (or the timeout cancelled the wait): close the socket
            # now rather than let release() wait for it, and never hand it out again.
            if is_unavailable(exc) or isinstance(exc, asyncio.CancelledError):
                conn.terminate()
            if is_unavailable(exc):
                raise BackendUnavailable() from exc
            raise
        finally:
            await pool.release(conn)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def _open(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    self._dsn,
                    min_size=1,
                    max_size=self._pool_size,
                    timeout=self._timeout,
                    command_timeout=self._timeout,
                    server_settings={"application_name": "hexapi"},
                    reset=_nothing_to_reset,
                )
            return self._pool


async def _nothing_to_reset(_connection: asyncpg.Connection) -> None:
    """By default asyncpg resets every connection it takes back (RESET ALL, UNLISTEN …): a
    second round trip per request. This pool only ever runs one autocommit SELECT, which
    leaves no session state behind, so there is nothing to reset."""
