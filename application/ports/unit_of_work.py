from __future__ import annotations

from collections.abc import Callable
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


UnitOfWorkFactory = Callable[[], UnitOfWork]
