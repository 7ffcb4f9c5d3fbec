"""The repositories an InMemoryUnitOfWork hangs off each attribute of the UnitOfWork port,
one line per resource (the SQL twin is adapters.sqlalchemy.repositories).

Each entry builds its repository from the transaction's working tables; asking for a table
with `work.rows(TABLE)` also brings its account-deletion rule into the transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from adapters.memory.chat import CHAT_MESSAGES, InMemoryChatMessageRepository
from adapters.memory.files import FILES, InMemoryFileRepository
from adapters.memory.idempotency import IDEMPOTENCY_KEYS, InMemoryIdempotencyKeys
from adapters.memory.items import ITEMS, InMemoryItemRepository
from adapters.memory.login_failures import LOGIN_FAILURES, InMemoryLoginFailures
from adapters.memory.orders import ORDER_LINES, ORDERS, InMemoryOrderRepository
from adapters.memory.outbox import EMAIL_OUTBOX, InMemoryEmailOutbox
from adapters.memory.password_resets import (
    PASSWORD_RESET_TOKENS,
    InMemoryPasswordResetTokenRepository,
)
from adapters.memory.posts import POSTS, InMemoryPostRepository
from adapters.memory.products import PRODUCTS, InMemoryProductRepository
from adapters.memory.sessions import SESSIONS, InMemorySessionRepository
from adapters.memory.users import USERS, InMemoryUserRepository
from adapters.memory.work import Work

REPOSITORIES: dict[str, Callable[[Work], object]] = {
    "users": lambda w: InMemoryUserRepository(w.rows(USERS), forget_account=w.forget_account),
    "sessions": lambda w: InMemorySessionRepository(w.rows(SESSIONS)),
    "outbox": lambda w: InMemoryEmailOutbox(w.rows(EMAIL_OUTBOX), w.clock),
    "password_resets": lambda w: InMemoryPasswordResetTokenRepository(
        w.rows(PASSWORD_RESET_TOKENS)
    ),
    "chat": lambda w: InMemoryChatMessageRepository(w.rows(CHAT_MESSAGES), w.rows(USERS)),
    "products": lambda w: InMemoryProductRepository(w.rows(PRODUCTS), w.rows(ORDER_LINES)),
    "orders": lambda w: InMemoryOrderRepository(w.rows(ORDERS), w.rows(ORDER_LINES)),
    "idempotency": lambda w: InMemoryIdempotencyKeys(w.rows(IDEMPOTENCY_KEYS)),
    "files": lambda w: InMemoryFileRepository(w.rows(FILES)),
    "items": lambda w: InMemoryItemRepository(w.rows(ITEMS)),
    "posts": lambda w: InMemoryPostRepository(w.rows(POSTS)),
    "login_failures": lambda w: InMemoryLoginFailures(w.rows(LOGIN_FAILURES)),
}
