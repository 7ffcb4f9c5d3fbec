"""Who may see a file: its owner and superusers; anyone else gets 404."""

from __future__ import annotations

import uuid

from application.ports import UnitOfWorkFactory
from domain.authorization import can_see
from domain.errors import NotFound
from domain.files import StoredFile
from domain.users import User


async def visible_file(uow: UnitOfWorkFactory, actor: User, file_id: uuid.UUID) -> StoredFile:
    """The file, when `actor` owns it or is a superuser; NotFound otherwise."""
    async with uow(read_only=True) as work:
        file = await work.files.get(file_id)
    if file is None or not can_see(actor, file.owner_id):
        raise NotFound()
    return file
