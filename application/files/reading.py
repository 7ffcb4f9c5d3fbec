"""Reading uploaded files: the listing, one file's metadata, and its bytes."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from application.files.access import visible_file
from application.files.links import FileLink, FileLinks
from application.pagination import NEWEST_FIRST, Page, PageRequest, Paginator
from application.ports import FileStorage, UnitOfWorkFactory
from application.ports.files import StoredBytes
from domain.errors import NotFound
from domain.files import StoredFile
from domain.users import User


class ListFiles:
    """The caller's files, newest first (a superuser sees everyone's)."""

    def __init__(self, uow: UnitOfWorkFactory, paginator: Paginator) -> None:
        self._uow, self._paginator = uow, paginator

    async def __call__(self, actor: User, request: PageRequest) -> Page[StoredFile]:
        owner_id = None if actor.is_superuser else actor.id
        binding = {"listing": "files", "owner": None if owner_id is None else str(owner_id)}
        window = self._paginator.window(request, NEWEST_FIRST, binding)
        async with self._uow(read_only=True) as uow:
            total = await uow.files.count(owner_id)
            rows = await uow.files.search(
                owner_id, limit=window.limit, offset=window.offset, after=window.after
            )
        return self._paginator.page(request, NEWEST_FIRST, binding, rows, total)


class GetFile:
    """One file's metadata, for its owner or a superuser (404 for anyone else)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, actor: User, file_id: uuid.UUID) -> StoredFile:
        return await visible_file(self._uow, actor, file_id)


@dataclass(slots=True)
class FileContent:
    """A file's metadata and its bytes, being streamed (the caller closes `content`)."""

    file: StoredFile
    content: StoredBytes


class GetFileContent:
    """The file's bytes, as an attachment with its stored type and sanitised name, for its
    owner or a superuser (404 for anyone else).

    A signed link (from `POST /files/{file_id}/link`) needs no token until it expires; an
    expired or tampered one falls back to the token rule (401 without one). A deleted file
    is 404 either way."""

    def __init__(self, uow: UnitOfWorkFactory, files: FileStorage, links: FileLinks) -> None:
        self._uow, self._files, self._links = uow, files, links

    async def __call__(
        self,
        file_id: uuid.UUID,
        link: FileLink | None,
        authenticate: Callable[[], Awaitable[User]],
    ) -> FileContent:
        if link is not None and self._links.grants(file_id, link):
            async with self._uow(read_only=True) as uow:
                file = await uow.files.get(file_id)
        else:
            file = await visible_file(self._uow, await authenticate(), file_id)
        if file is None:
            raise NotFound()
        content = await self._files.open(file.storage_key)
        if content is None:  # deleted between reading the row and opening the bytes
            raise NotFound()
        return FileContent(file, content)
