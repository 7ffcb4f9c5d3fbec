"""Use cases wired to the in-memory adapters, a clock the test moves, and cheap argon2id."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from dependency_injector import providers

from application.auth.registration import NewAccount
from domain.sessions import LoginSession
from domain.tokens import TokenPair
from domain.users import User
from entrypoints.containers import Container, build_container, close_container
from tests.conftest import cheap_hasher, settings_for
from tests.support.api import PASSWORD
from tests.support.clock import FakeClock

NEW_PASSWORD = "New-Password-2"


CLIENT = "192.0.2.1"  # the client address logins come from unless a test says otherwise


@dataclass
class Core:
    """The application core on memory adapters, wired by the real composition root."""

    container: Container
    clock: FakeClock

    async def register(self, email: str = "ann@example.com", password: str = PASSWORD) -> User:
        account = NewAccount(email=email, name="Ann", password=password)
        return await self.container.auth.register_user()(account)

    async def login(
        self, email: str = "ann@example.com", password: str = PASSWORD, client: str = CLIENT
    ) -> TokenPair:
        return await self.container.auth.log_in()(email, password, client)

    async def refresh(self, refresh_token: str) -> TokenPair:
        return await self.container.auth.refresh_tokens()(refresh_token)

    async def logout(self, refresh_token: str) -> None:
        await self.container.auth.log_out()(refresh_token)

    async def authenticate(self, access_token: str) -> User:
        return await self.container.auth.authenticate()(access_token)

    async def user(self, user_id: uuid.UUID) -> User | None:
        async with self.container.core.uow() as uow:
            return await uow.users.get(user_id)

    async def session(self, session_id: uuid.UUID) -> LoginSession | None:
        async with self.container.core.uow() as uow:
            return await uow.sessions.get(session_id)

    async def change_user(self, user_id: uuid.UUID, change: Callable[[User], None]) -> None:
        async with self.container.core.uow() as uow:
            user = await uow.users.get(user_id)
            assert user is not None
            change(user)
            await uow.users.update(user)
            await uow.commit()

    async def change_password(self, user_id: uuid.UUID, password: str = NEW_PASSWORD) -> None:
        """What a password change does to the account (its own use case revokes sessions too;
        leaving them alive here proves the session check refuses them by itself)."""
        hashed = await self.container.core.hasher().hash(password)
        await self.change_user(user_id, lambda u: u.change_password(hashed, self.clock.now()))

    def all_users(self) -> list[User]:
        return list(self.container.core.memory_store().table("users").values())

    def all_sessions(self) -> list[LoginSession]:
        return list(self.container.core.memory_store().table("sessions").values())


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[Core]:
    clock = FakeClock()
    container = build_container(settings_for("memory://", tmp_path))
    container.core.clock.override(providers.Object(clock))
    container.core.hasher.override(providers.Singleton(cheap_hasher))
    yield Core(container, clock)
    await close_container(container)
