"""A database that does not answer becomes BackendUnavailable here, and only here.

Every adapter that talks to the database goes through `connection()` (or `acquire` and
`release`), so an outage is a prompt 503 rather than a hang or a 500, and the service recovers
by itself when the database returns:

- every wait is bounded: getting a connection (pool checkout and connecting, together) by the
  pool's timeout, every statement by the driver's command timeout (both set by build_engine);
  on PostgreSQL, all the work of one HTTP request together by its budget (request_budget);
- a connection that failed at the connection level is dropped on the spot, without a goodbye
  to a server that may not answer, and never goes back to the pool. SQLAlchemy itself
  invalidates the whole pool when it sees a disconnect, so connections made before a restart
  are not reused after it. (pool_pre_ping would hide that one failed request per restart, but
  it costs a round trip on every checkout: measured +200 µs, +50 %, on a local PostgreSQL.)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.request_budget import within_budget
from application.errors import BackendUnavailable

# SQLSTATE classes that mean "the server is away", not "the query is wrong": connection
# exception, insufficient resources (too many connections), operator intervention (shutdown,
# starting up, statement cancelled by a timeout).
_UNAVAILABLE_SQLSTATES = ("08", "53", "57")
_DEFAULT_ACQUIRE_TIMEOUT = 5.0


def is_unavailable(error: BaseException) -> bool:
    """True when `error` says the database is unreachable, gone, overloaded or too slow."""
    if isinstance(error, OSError | TimeoutError):  # refused, reset, unreachable, timed out
        return True
    if isinstance(error, sa_exc.TimeoutError | sa_exc.DisconnectionError):  # pool checkout
        return True
    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        return error.connection_invalidated or _sqlstate_says_away(error.orig)
    if isinstance(error, asyncpg.PostgresConnectionError | asyncpg.InterfaceError):
        return True
    return _sqlstate_says_away(error)


def _sqlstate_says_away(error: BaseException | None) -> bool:
    sqlstate = getattr(error, "sqlstate", None)
    return isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


def raise_if_unavailable(error: BaseException) -> None:
    """Re-raise a connection-level failure as BackendUnavailable; anything else is left to
    the caller (a bug stays a bug)."""
    if is_unavailable(error):
        raise BackendUnavailable() from error


async def acquire(engine: AsyncEngine) -> AsyncConnection:
    """A pooled connection, or BackendUnavailable within the pool's timeout.

    The pool timeout and the connect timeout each bound one wait; this bounds them together,
    so a request that first queues for a connection and then connects to a hung server does
    not wait twice. (Cancelling a checkout or a connect leaves the pool consistent.)
    """
    try:
        async with asyncio.timeout(_acquire_timeout(engine)):
            return await engine.connect()
    except Exception as error:
        raise_if_unavailable(error)
        raise


async def release(conn: AsyncConnection, error: BaseException | None = None) -> None:
    """Give `conn` back (rolling back what is left open), or drop it when `error` was a
    connection-level failure or a cancellation: its state is unknown, the server may not
    answer. A failure while giving it back drops it too, and is not the caller's problem."""
    if error is not None and (is_unavailable(error) or isinstance(error, asyncio.CancelledError)):
        await discard(conn)
        return
    try:
        await conn.close()
    except BaseException as close_error:
        # Cancelled (the request's budget ran out during the rollback): drop it, and let the
        # cancellation go on.
        cancelled = isinstance(close_error, asyncio.CancelledError)
        if not (cancelled or is_unavailable(close_error)):
            raise
        await discard(conn)
        if cancelled:
            raise


async def discard(conn: AsyncConnection) -> None:
    """Drop `conn` for good, at once.

    SQLAlchemy's invalidate() first tries a graceful close that waits up to two seconds for a
    server that may be hung; asyncpg's terminate() closes the socket without waiting, so it
    goes first. SQLite connections have no such wait.
    """
    with contextlib.suppress(Exception):
        raw = await conn.get_raw_connection()
        terminate = getattr(raw.driver_connection, "terminate", None)
        if isinstance(raw.driver_connection, asyncpg.Connection) and callable(terminate):
            terminate()
    with contextlib.suppress(Exception):
        await conn.invalidate()
    with contextlib.suppress(Exception):
        await conn.close()


@contextlib.asynccontextmanager
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """`async with connection(engine) as conn:` — a pooled connection whose connection-level
    failures, inside the block included, come out as BackendUnavailable. On PostgreSQL the
    whole block, giving the connection back included, spends from the request's budget."""
    try:
        async with _request_bound(engine):
            conn = await acquire(engine)
            try:
                yield conn
            except BaseException as error:
                await release(conn, error)
                raise_if_unavailable(error)
                raise
            await release(conn)
    except TimeoutError as error:  # the budget ran out: the database is too slow to serve
        raise BackendUnavailable() from error


def _request_bound(engine: AsyncEngine) -> contextlib.AbstractAsyncContextManager[None]:
    # SQLite is a file beside the process, not a server that can hang: a writer queues for
    # its lock under its own busy timeout, and the budget would turn a long queue into 503s.
    if engine.dialect.name == "sqlite":
        return contextlib.nullcontext()
    return within_budget()


def _acquire_timeout(engine: AsyncEngine) -> float:
    timeout = getattr(engine.pool, "timeout", None)
    return float(timeout()) if callable(timeout) else _DEFAULT_ACQUIRE_TIMEOUT
