from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.clock import SystemClock
from adapters.sqlalchemy.availability import connection
from adapters.sqlalchemy.engine import READ_ONLY, is_sqlite
from adapters.sqlalchemy.repositories import REPOSITORIES, Transaction
from application.ports import Clock, UnitOfWork
from application.ports.unit_of_work import check_repositories

check_repositories("SQLAlchemy", REPOSITORIES)


class SqlAlchemyUnitOfWork(UnitOfWork):
    """One database transaction on one pooled connection, owned by the use case."""

    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock | None = None,
        on_mail_committed: Callable[[], None] | None = None,
        *,
        read_only: bool = False,
        one_statement: bool = False,
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        # On PostgreSQL a unit that runs one statement (or reads for which READ COMMITTED's
        # per-statement view is enough) needs no transaction around it: a statement is
        # atomic and sees one snapshot by itself, so BEGIN and COMMIT would only be two
        # more round trips. SQLite keeps its transactions (see the "begin" listener).
        self._autocommit = one_statement and not is_sqlite(engine)
        self._clock = clock or SystemClock()
        # Lets this process's delivery loop wake at once instead of at its next poll.
        self._on_mail_committed = on_mail_committed

    async def __aenter__(self) -> Self:
        # BackendUnavailable, promptly, when the database does not answer, and within the
        # request's budget (see availability).
        async with AsyncExitStack() as stack:
            self._conn: AsyncConnection = await stack.enter_async_context(connection(self._engine))
            if self._autocommit:
                await self._conn.execution_options(isolation_level="AUTOCOMMIT")
            else:
                if self._read_only:  # see the "begin" listener in engine.py
                    await self._conn.execution_options(**READ_ONLY)
                await self._conn.begin()
            self._held = stack.pop_all()
        transaction = Transaction(self._conn, self._clock)
        for name, build in REPOSITORIES.items():
            setattr(self, name, build(transaction))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Rolls back what was not committed, or drops a connection that failed; a statement
        # or the commit that lost the database comes out as BackendUnavailable.
        await self._held.__aexit__(exc_type, exc, tb)

    async def commit(self) -> None:
        await self._conn.commit()
        if self.outbox.enqueued and self._on_mail_committed is not None:
            self._on_mail_committed()
