"""Deleting accounts, and everything they own."""

from __future__ import annotations

import uuid

from application.files import discard_files
from application.ports import FileStorage, UnitOfWorkFactory
from domain.authorization import ensure_can_see
from domain.errors import NotFound
from domain.superusers import ensure_superuser_remains
from domain.users import User


class DeleteUser:
    """Delete an account with everything it owns: login sessions, avatar and stored files.
    The only active superuser cannot be deleted (409 `last_superuser`)."""

    def __init__(self, uow: UnitOfWorkFactory, files: FileStorage) -> None:
        self._uow, self._files = uow, files

    async def __call__(self, actor: User, user_id: uuid.UUID) -> None:
        ensure_can_see(actor, user_id)
        async with self._uow() as uow:
            superusers = await uow.users.lock_active_superusers()
            user = await uow.users.get_for_update(user_id)
            if user is None:
                raise NotFound()
            ensure_superuser_remains(superusers, user.id, None)
            # Rows go by cascade; bytes in file storage are gathered now and deleted once
            # the deletion has committed. Owned uploads join this list when they exist.
            orphaned = user.owned_file_keys()
            await uow.users.delete(user.id)
            await uow.commit()
        await discard_files(self._files, orphaned)
