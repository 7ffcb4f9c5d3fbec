"""The storage adapters of one backend, built the way the container builds them.

`open_backend(kind, url, clock)` yields a Backend: a unit-of-work factory and the principal
lookup over the same data. Kinds: memory, sqlite, postgres (SQLAlchemy throughout) and
postgres-asyncpg (the asyncpg principal lookup beside the SQLAlchemy unit of work).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from adapters.asyncpg.principals import AsyncpgPrincipalLookup
from adapters.memory.principals import InMemoryPrincipalLookup
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.principals import SqlAlchemyPrincipalLookup
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.ports import PrincipalLookup, UnitOfWorkFactory
from domain.sessions import LoginSession
from domain.users import User
from tests.support.clock import FakeClock


@dataclass
class Backend:
    kind: str
    uow: UnitOfWorkFactory
    principals: PrincipalLookup
    clock: FakeClock

    async def add_user(self, email: str | None = None, **fields: object) -> User:
        user = new_user(self.clock.now(), email, **fields)
        async with self.uow() as uow:
            await uow.users.add(user)
            await uow.commit()
        return user

    async def add_session(self, user: User, **fields: object) -> LoginSession:
        session = new_session(user, self.clock.now(), **fields)
        async with self.uow() as uow:
            await uow.sessions.add(session)
            await uow.commit()
        return session

    async def user(self, user_id: uuid.UUID) -> User | None:
        async with self.uow() as uow:
            return await uow.users.get(user_id)

    async def session(self, session_id: uuid.UUID) -> LoginSession | None:
        async with self.uow() as uow:
            return await uow.sessions.get(session_id)


def new_user(now: datetime, email: str | None = None, **fields: object) -> User:
    values: dict[str, object] = {
        "email": email or f"user-{uuid.uuid4().hex[:12]}@example.com",
        "name": "Ann",
        "hashed_password": "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
        "created_at": now,
        "updated_at": now,
        "password_changed_at": now,
    }
    values.update(fields)
    return User(**values)  # type: ignore[arg-type]


def new_session(user: User, now: datetime, **fields: object) -> LoginSession:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "user_id": user.id,
        "refresh_token_id": uuid.uuid4(),
        "created_at": now,
        "expires_at": now + timedelta(days=7),
    }
    values.update(fields)
    return LoginSession(**values)  # type: ignore[arg-type]


@asynccontextmanager
async def open_backend(kind: str, url: str, clock: FakeClock) -> AsyncIterator[Backend]:
    if kind == "memory":
        store = InMemoryStore()
        yield Backend(
            kind,
            lambda: InMemoryUnitOfWork(store, clock),
            InMemoryPrincipalLookup(store, clock),
            clock,
        )
        return
    engine = build_engine(url)
    principals: PrincipalLookup
    if kind == "postgres-asyncpg":
        principals = AsyncpgPrincipalLookup(url, clock, pool_size=2, timeout=5.0)
    else:
        principals = SqlAlchemyPrincipalLookup(engine, clock)
    try:
        yield Backend(kind, lambda: SqlAlchemyUnitOfWork(engine, clock), principals, clock)
    finally:
        if isinstance(principals, AsyncpgPrincipalLookup):
            await principals.close()
        await engine.dispose()
