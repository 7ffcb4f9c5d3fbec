"""Signed, expiring download links: a page can offer `<a href download>` without a token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from application.files.access import visible_file
from application.ports import Clock, Signer, UnitOfWorkFactory
from domain.users import User

DEFAULT_LINK_MINUTES = 15


@dataclass(frozen=True, slots=True)
class FileLink:
    """What a link's query carries: when it expires (Unix seconds) and the signature."""

    expires: int
    signature: str

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.expires, UTC)


class FileLinks:
    """Signatures bound to one file and one expiry, made with the application's secret key
    (derived for this purpose alone, so a cursor's signature is worthless here)."""

    def __init__(self, signer: Signer, clock: Clock, minutes: int = DEFAULT_LINK_MINUTES) -> None:
        self._signer, self._clock, self._ttl = signer, clock, timedelta(minutes=minutes)

    def link(self, file_id: uuid.UUID) -> FileLink:
        expires = int((self._clock.now() + self._ttl).timestamp())
        return FileLink(expires, self._signer.sign(_payload(file_id, expires)))

    def grants(self, file_id: uuid.UUID, link: FileLink) -> bool:
        """Whether this server signed the link for this file and it has not expired."""
        if link.expires <= self._clock.now().timestamp():
            return False
        return self._signer.unsign(link.signature) == _payload(file_id, link.expires)


def _payload(file_id: uuid.UUID, expires: int) -> bytes:
    return f"file:{file_id}:{expires}".encode()


class CreateFileLink:
    """A link to the file's content that works without a token for `FILE_LINK_MINUTES`
    (15 by default), for its owner or a superuser (404 for anyone else)."""

    def __init__(self, uow: UnitOfWorkFactory, links: FileLinks) -> None:
        self._uow, self._links = uow, links

    async def __call__(self, actor: User, file_id: uuid.UUID) -> FileLink:
        file = await visible_file(self._uow, actor, file_id)
        return self._links.link(file.id)
