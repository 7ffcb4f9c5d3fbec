from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from application.ports.outbox import EmailOutbox
from application.ports.password_resets import PasswordResetTokenRepository
from application.ports.sessions import SessionRepository
from application.ports.users import UserRepository


class UnitOfWork(Protocol):
    """One transaction. Leaving the `async with` block without `commit()` rolls back."""

    users: UserRepository
    sessions: SessionRepository
    outbox: EmailOutbox
    password_resets: PasswordResetTokenRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Opens a unit of work. `read_only=True` promises that it will write nothing, so the
    database may run it beside writers (on SQLite: without taking the write lock)."""

    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...
