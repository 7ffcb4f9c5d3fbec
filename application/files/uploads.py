"""Uploading files: each streamed into storage as it arrives, none kept unless all are."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from application.files.keys import new_file_key
from application.ports import Clock, FileStorage, UnitOfWorkFactory
from application.ports.files import PendingWrite
from domain.errors import InvalidToken
from domain.files import FileTooLarge, StoredFile, check_file_count
from domain.users import User

FILES_KIND = "files"


class IncomingFile(Protocol):
    """One file of an upload as it arrives: the client's name and type (untrusted
    metadata) and its bytes, chunk by chunk."""

    filename: str | None
    content_type: str | None
    chunks: AsyncIterator[bytes]


@dataclass(slots=True)
class _Received:
    pending: PendingWrite
    file: StoredFile


class UploadFiles:
    """Upload 1 to 10 files (parts named `files`), each at most the configured limit
    (`MAX_UPLOAD_BYTES`, 10 MiB by default): 413 `payload_too_large` the moment one passes
    it. Each file is stored under a generated name and its sha256 computed as it arrives;
    the client's file name is kept, sanitised, as metadata only, and its declared type (or
    `application/octet-stream`). Either every file is kept or none is: a refused or broken
    upload leaves no file behind."""

    def __init__(
        self, uow: UnitOfWorkFactory, files: FileStorage, clock: Clock, max_bytes: int
    ) -> None:
        self._uow, self._files, self._clock, self._max_bytes = uow, files, clock, max_bytes

    async def __call__(self, actor: User, parts: AsyncIterator[IncomingFile]) -> list[StoredFile]:
        received: list[_Received] = []
        try:
            async for part in parts:
                received.append(await self._receive(actor, part, received))
            check_file_count(len(received))
            # Moved into place first, then the rows commit: a crash between the two leaves
            # published bytes without a row, which the orphan sweep removes.
            for item in received:
                await item.pending.publish()
            async with self._uow() as uow:
                # Locked: an account deleted meanwhile cannot gain files its deletion missed.
                if await uow.users.get_for_update(actor.id) is None:
                    raise InvalidToken()
                for item in received:
                    await uow.files.add(item.file)
                await uow.commit()
        except BaseException:  # refused, broken, cancelled (the client went away): keep nothing
            for item in received:
                await item.pending.discard()
            raise
        return [item.file for item in received]

    async def _receive(
        self, actor: User, part: IncomingFile, received: list[_Received]
    ) -> _Received:
        key = new_file_key(FILES_KIND)
        pending = await self._files.begin(key)
        try:
            digest, size = hashlib.sha256(), 0
            async for chunk in part.chunks:
                size += len(chunk)
                if size > self._max_bytes:
                    raise FileTooLarge(self._max_bytes)
                digest.update(chunk)
                await pending.write(chunk)
        except BaseException:
            await pending.discard()
            raise
        file = StoredFile.received(
            owner_id=actor.id,
            filename=part.filename,
            content_type=part.content_type,
            size=size,
            sha256=digest.hexdigest(),
            storage_key=key,
            now=self._clock.now(),
        )
        return _Received(pending, file)
