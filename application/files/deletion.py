"""Deleting files, and an account's files when the account goes."""

from __future__ import annotations

import uuid

from application.files.keys import discard_files
from application.ports import FileStorage, UnitOfWork, UnitOfWorkFactory
from domain.authorization import can_see
from domain.errors import NotFound
from domain.users import User


class DeleteFile:
    """Delete a file and its bytes, for its owner or a superuser (404 for anyone else)."""

    def __init__(self, uow: UnitOfWorkFactory, files: FileStorage) -> None:
        self._uow, self._files = uow, files

    async def __call__(self, actor: User, file_id: uuid.UUID) -> None:
        async with self._uow() as uow:
            file = await uow.files.get(file_id)
            if file is None or not can_see(actor, file.owner_id):
                raise NotFound()
            # Of two deletions at once, the one whose statement removed the row goes on.
            if await uow.files.delete(file_id) is None:
                raise NotFound()
            await uow.commit()
        # After the commit: a rolled-back deletion keeps its bytes.
        await discard_files(self._files, [file.storage_key])


class OwnedFiles:
    """An account's uploaded files: the rows go by cascade, the bytes after the commit (an
    account-deletion hook, application.users.deletion.AccountDeletionHook)."""

    def __init__(self, files: FileStorage) -> None:
        self._files = files

    async def collect(self, uow: UnitOfWork, user: User) -> list[str]:
        return await uow.files.keys_of_owner(user.id)

    async def discard(self, keys: list[str]) -> None:
        await discard_files(self._files, keys)
