"""Deleting accounts, and everything they own."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from application.files import discard_files
from application.ports import FileStorage, UnitOfWork, UnitOfWorkFactory
from domain.authorization import ensure_can_see
from domain.errors import NotFound
from domain.superusers import ensure_superuser_remains
from domain.users import User


class AccountDeletionHook(Protocol):
    """A resource's part in deleting an account beyond what the database cascades: bytes it
    keeps outside the database (avatars, uploaded files).

    `collect` runs inside the deleting transaction, before the user's row goes, and says
    what to remove; `discard` runs once that transaction has committed, with what `collect`
    returned (so a rolled-back deletion removes nothing)."""

    async def collect(self, uow: UnitOfWork, user: User) -> list[str]: ...

    async def discard(self, keys: list[str]) -> None: ...


class AvatarFiles(AccountDeletionHook):
    """The account's avatar, kept in file storage."""

    def __init__(self, files: FileStorage) -> None:
        self._files = files

    async def collect(self, uow: UnitOfWork, user: User) -> list[str]:
        return user.owned_file_keys()

    async def discard(self, keys: list[str]) -> None:
        await discard_files(self._files, keys)


class DeleteUser:
    """Delete an account with everything it owns: login sessions, avatar and stored files.
    The only active superuser cannot be deleted (409 `last_superuser`)."""

    def __init__(self, uow: UnitOfWorkFactory, hooks: Sequence[AccountDeletionHook]) -> None:
        self._uow, self._hooks = uow, tuple(hooks)

    async def __call__(self, actor: User, user_id: uuid.UUID) -> None:
        ensure_can_see(actor, user_id)
        async with self._uow() as uow:
            superusers = await uow.users.lock_active_superusers()
            user = await uow.users.get_for_update(user_id)
            if user is None:
                raise NotFound()
            ensure_superuser_remains(superusers, user.id, None)
            # Rows go by cascade; bytes outside the database are gathered now and deleted
            # once the deletion has committed.
            collected = [await hook.collect(uow, user) for hook in self._hooks]
            await uow.users.delete(user.id)
            await uow.commit()
        for hook, keys in zip(self._hooks, collected, strict=True):
            await hook.discard(keys)
