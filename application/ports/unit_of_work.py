from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import Protocol, Self

from application.ports.chat import ChatMessageRepository
from application.ports.files import FileRepository
from application.ports.idempotency import IdempotencyKeys
from application.ports.items import ItemRepository
from application.ports.login_failures import LoginFailures
from application.ports.orders import OrderRepository
from application.ports.outbox import EmailOutbox
from application.ports.password_resets import PasswordResetTokenRepository
from application.ports.posts import PostRepository
from application.ports.products import ProductRepository
from application.ports.sessions import SessionRepository
from application.ports.users import UserRepository


class UnitOfWork(Protocol):
    """One transaction. Leaving the `async with` block without `commit()` rolls back.

    Its repositories are the annotated attributes below, one line per resource; each unit
    of work builds them from its backend's registry (adapters/*/repositories.py), and
    `check_repositories` makes a registry that misses or adds one fail at import.
    """

    users: UserRepository
    sessions: SessionRepository
    outbox: EmailOutbox
    password_resets: PasswordResetTokenRepository
    products: ProductRepository
    orders: OrderRepository
    idempotency: IdempotencyKeys
    chat: ChatMessageRepository
    files: FileRepository
    items: ItemRepository
    posts: PostRepository
    login_failures: LoginFailures

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
    database may run it beside writers (on SQLite: without taking the write lock).

    `one_statement=True` promises that the unit runs one statement, or only reads that need
    no common snapshot (each may see what was committed before it started): the database
    may then run each statement on its own, without a transaction around them (on
    PostgreSQL that saves the BEGIN and the COMMIT, two round trips). A write commits as it
    runs; `commit` then has nothing left to do."""

    def __call__(self, *, read_only: bool = False, one_statement: bool = False) -> UnitOfWork: ...


def repository_names() -> frozenset[str]:
    """The repositories every unit of work carries: the annotated attributes of UnitOfWork."""
    return frozenset(UnitOfWork.__annotations__)


def check_repositories(backend: str, registered: Iterable[str]) -> None:
    """Refuse a backend's registry that does not name exactly the port's repositories."""
    names = frozenset(registered)
    if names != repository_names():
        missing = sorted(repository_names() - names)
        extra = sorted(names - repository_names())
        raise TypeError(f"{backend} repositories: missing {missing}, not in the port {extra}")
