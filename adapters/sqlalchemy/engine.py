"""Building engines: SQLite tuned for a web server, PostgreSQL with bounded waits."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.sqlalchemy.text_search import SQLITE_LOWER, sqlite_lower

SQLITE_BUSY_TIMEOUT_MS = 5_000
_READ_ONLY_OPTION = "hexapi_read_only"
# Execution options of a connection that will only read (see SqlAlchemyUnitOfWork).
READ_ONLY = {_READ_ONLY_OPTION: True}


def build_engine(
    url: str,
    *,
    pool_size: int = 20,
    max_overflow: int = 0,
    pool_timeout: float = 4.0,
    statement_timeout: float | None = 4.0,
    echo: bool = False,
) -> AsyncEngine:
    """An AsyncEngine for `url` (sqlite+aiosqlite or postgresql+asyncpg).

    On PostgreSQL every wait is bounded: the pool checkout by `pool_timeout`, connecting and
    every statement by `statement_timeout` (None only for migrations, whose DDL and lock
    waits may rightly take long).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, echo=echo)
    connect_args: dict[str, Any] = {
        "timeout": statement_timeout or pool_timeout,  # connecting
        "command_timeout": statement_timeout,  # every statement
        "server_settings": {"application_name": "hexapi"},
    }
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_recycle=1800,
        connect_args=connect_args,
        echo=echo,
    )
    event.listen(engine.sync_engine, "handle_error", _close_stuck_connection)
    return engine


def _close_stuck_connection(context: ExceptionContext) -> None:
    """After a timeout or a socket error, close the connection's socket at once.

    SQLAlchemy then invalidates the connection with a graceful close that waits up to two
    seconds for the server's goodbye; from a hung server that never comes, so a timed-out
    statement took its timeout plus two seconds to fail (measured). A closed socket makes
    that close return at once. The same goes for a statement cancelled because the request's
    budget ran out (CancelledError).
    """
    if not isinstance(context.original_exception, TimeoutError | OSError | asyncio.CancelledError):
        return
    with contextlib.suppress(Exception):
        if context.connection is not None and not context.connection.invalidated:
            driver = context.connection.connection.driver_connection
            if isinstance(driver, asyncpg.Connection):
                driver.terminate()


def _sqlite_engine(url: str, *, echo: bool) -> AsyncEngine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # Searches lower non-ASCII text as PostgreSQL does (see text_search.contains_text).
        dbapi_connection.create_function(SQLITE_LOWER, 1, sqlite_lower, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        # Writers take the lock up front: a deferred transaction that reads and then writes
        # fails at once with SQLITE_BUSY when another writer got there first, without waiting.
        # A unit of work that promised to only read needs no lock: WAL readers run beside
        # the writer, on a snapshot.
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        connection.exec_driver_sql("BEGIN" if options.get(_READ_ONLY_OPTION) else "BEGIN IMMEDIATE")

    return engine


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"
