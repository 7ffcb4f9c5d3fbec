"""The repositories a SqlAlchemyUnitOfWork hangs off each attribute of the UnitOfWork port,
one line per resource (the memory twin is adapters.memory.repositories). Each entry builds
its repository on the transaction's connection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.chat import SqlAlchemyChatMessageRepository
from adapters.sqlalchemy.files import SqlAlchemyFileRepository
from adapters.sqlalchemy.idempotency import SqlAlchemyIdempotencyKeys
from adapters.sqlalchemy.items import SqlAlchemyItemRepository
from adapters.sqlalchemy.login_failures import SqlAlchemyLoginFailures
from adapters.sqlalchemy.orders import SqlAlchemyOrderRepository
from adapters.sqlalchemy.outbox import SqlAlchemyEmailOutbox
from adapters.sqlalchemy.password_resets import SqlAlchemyPasswordResetTokenRepository
from adapters.sqlalchemy.posts import SqlAlchemyPostRepository
from adapters.sqlalchemy.products import SqlAlchemyProductRepository
from adapters.sqlalchemy.sessions import SqlAlchemySessionRepository
from adapters.sqlalchemy.users import SqlAlchemyUserRepository
from application.ports import Clock


@dataclass(frozen=True, slots=True)
class Transaction:
    connection: AsyncConnection
    clock: Clock


REPOSITORIES: dict[str, Callable[[Transaction], object]] = {
    "users": lambda t: SqlAlchemyUserRepository(t.connection),
    "sessions": lambda t: SqlAlchemySessionRepository(t.connection),
    "outbox": lambda t: SqlAlchemyEmailOutbox(t.connection, t.clock),
    "password_resets": lambda t: SqlAlchemyPasswordResetTokenRepository(t.connection),
    "chat": lambda t: SqlAlchemyChatMessageRepository(t.connection),
    "products": lambda t: SqlAlchemyProductRepository(t.connection),
    "orders": lambda t: SqlAlchemyOrderRepository(t.connection),
    "idempotency": lambda t: SqlAlchemyIdempotencyKeys(t.connection),
    "files": lambda t: SqlAlchemyFileRepository(t.connection),
    "items": lambda t: SqlAlchemyItemRepository(t.connection),
    "posts": lambda t: SqlAlchemyPostRepository(t.connection),
    "login_failures": lambda t: SqlAlchemyLoginFailures(t.connection),
}
