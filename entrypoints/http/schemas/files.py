"""Uploaded files on the wire: the metadata, a download link, and the download's headers."""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import quote

from pydantic import Field

from domain.files import StoredFile
from entrypoints.http.pagination import PageOut
from entrypoints.http.schemas.common import ResponseModel, UtcDatetime


class FileOut(ResponseModel):
    """An uploaded file's metadata."""

    id: uuid.UUID
    filename: str = Field(description="The client's name for it, sanitised.")
    content_type: str = Field(
        description="As the client declared it; `application/octet-stream` when it did not."
    )
    size: int = Field(description="In bytes.")
    sha256: str = Field(description="Hex digest of the stored bytes.")
    owner_id: uuid.UUID
    created_at: UtcDatetime

    @classmethod
    def from_file(cls, file: StoredFile) -> FileOut:
        return cls(
            id=file.id,
            filename=file.filename,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            owner_id=file.owner_id,
            created_at=file.created_at,
        )


class FilePage(PageOut[FileOut]):
    """A page of files, newest first."""


class FileLinkOut(ResponseModel):
    """A download link that works without a token until `expires_at`."""

    url: str = Field(description="Relative URL of the file's content, signed.")
    expires_at: UtcDatetime

    @classmethod
    def of(cls, url: str, expires_at: datetime) -> FileLinkOut:
        return cls(url=url, expires_at=expires_at)


def content_disposition(filename: str) -> str:
    """`attachment` with the (already sanitised) name: plain `filename` for printable
    ASCII, and RFC 6266's `filename*` (UTF-8, percent-encoded) beside an ASCII stand-in
    for anything else, which browsers then prefer."""
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\%' else "_" for c in filename)
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
