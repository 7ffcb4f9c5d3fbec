from __future__ import annotations

import weakref
from collections.abc import Callable
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.clock import SystemClock
from adapters.sqlalchemy.availability import connection
from adapters.sqlalchemy.engine import READ_ONLY, is_sqlite
from adapters.sqlalchemy.repositories import REPOSITORIES, Transaction
from application.ports import Clock, UnitOfWork
from application.ports.unit_of_work import check_repositories

check_repositories("SQLAlchemy", REPOSITORIES)


_AUTOCOMMITTING: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


def autocommitting(engine: AsyncEngine) -> AsyncEngine:
    """`engine` whose connections run each statement on its own, made once per engine: a
    connection's isolation level set at each checkout was a greenlet hop and a reset at
    check-in, a few per cent of a one-statement write."""
    view = _AUTOCOMMITTING.get(engine)
    if view is None:
        view = _AUTOCOMMITTING[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return view


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
        self._read_only = read_only
        # On PostgreSQL a unit that runs one statement (or reads for which READ COMMITTED's
        # per-statement view is enough) needs no transaction around it: a statement is
        # atomic and sees one snapshot by itself, so BEGIN and COMMIT would only be two
        # more round trips. SQLite keeps its transactions (see the "begin" listener).
        self._autocommit = one_statement and not is_sqlite(engine)
        self._engine = autocommitting(engine) if self._autocommit else engine
        self._clock = clock or SystemClock()
        # Lets this process's delivery loop wake at once instead of at its next poll.
        self._on_mail_committed = on_mail_committed

    async def __aenter__(self) -> Self:
        # BackendUnavailable, promptly, when the database does not answer, and within the
        # request's budget (see availability).
        async with AsyncExitStack() as stack:
            self._conn: AsyncConnection = await stack.enter_async_context(connection(self._engine))
            if not self._autocommit:
                if self._read_only:  # see the "begin" listener in engine.py
                    await self._conn.execution_options(**READ_ONLY)
                await self._conn.begin()
            self._held = stack.pop_all()
        self._transaction = Transaction(self._conn, self._clock)
        return self

    def __getattr__(self, name: str) -> Any:
        # Called for a repository not built yet: each is built the first time the use case
        # asks for it, since most units of work use one or two of them.
        build = REPOSITORIES.get(name)
        if build is None or "_transaction" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        repository = build(self._transaction)
        setattr(self, name, repository)
        return repository

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
        outbox = self.__dict__.get("outbox")  # built only if the unit of work used it
        if outbox is not None and outbox.enqueued and self._on_mail_committed is not None:
            self._on_mail_committed()
