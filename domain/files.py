"""Uploaded files: their metadata, and what a client-sent name and type may become.

The bytes live in file storage under a generated key; nothing a client sends is ever part of
a storage key or a path. The client's file name and declared type are kept as metadata only,
and both pass through the rules below before they are stored or sent back in a header.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from domain.errors import PolicyViolation, TooLarge

# How many files one upload request may carry.
MAX_FILES_PER_UPLOAD = 10
# Most file systems allow 255 bytes per name; 255 characters is the bound clients see.
MAX_FILENAME_LENGTH = 255
FALLBACK_FILENAME = "file"
DEFAULT_CONTENT_TYPE = "application/octet-stream"
MAX_CONTENT_TYPE_LENGTH = 255

# Characters that never belong in a shown name: C0, DEL, C1 (controls), the bidi embeddings,
# overrides and isolates with the implicit marks (they can make `exe.pdf` read as `fdp.exe`),
# zero-width characters, the BOM and the Unicode line and paragraph separators.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# Reserved on Windows, or meaningful in a Content-Disposition header: replaced, not dropped,
# so `a:b` does not silently become `ab`.
_RESERVED = re.compile(r'[<>:"|?*]')
_DRIVE = re.compile(r"^[A-Za-z]:")
# Windows ignores trailing dots and spaces; leading dots hide files or climb (`..`).
_EDGES = re.compile(r"^[\s.]+|[\s.]+$")
# RFC 9110 media type: type/subtype, then parameters (token=token or token="quoted").
_NAME = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_VALUE = rf'(?:{_NAME}|"[^"\\\x00-\x1f\x7f]*")'
_MEDIA_TYPE = re.compile(rf"^{_NAME}/{_NAME}(?:[ \t]*;[ \t]*{_NAME}={_VALUE})*$")


class FileTooLarge(TooLarge):
    """One file of an upload passed the configured per-file limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"A file may be at most {limit} bytes.")
        self.limit = limit


def sanitize_filename(raw: str | None) -> str:
    """A name safe to show and to send in a header, made from what the client sent.

    Only the last path component is kept (`/`, `\\` and drive letters are path syntax on some
    system), invisible and control characters are removed, reserved ones become `_`, leading
    dots and surrounding spaces go (no `..`, no hidden files), and the result is at most
    MAX_FILENAME_LENGTH characters, keeping the extension when it has to be shortened. A
    name with nothing left is FALLBACK_FILENAME.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _DRIVE.sub("", name)
    name = _INVISIBLE.sub("", name)
    name = _RESERVED.sub("_", name)
    name = _EDGES.sub("", name)
    if len(name) > MAX_FILENAME_LENGTH:
        name = _EDGES.sub("", _shorten(name))
    return name or FALLBACK_FILENAME


def _shorten(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    if dot and stem and len(extension) <= 16:
        keep = MAX_FILENAME_LENGTH - len(extension) - 1
        return f"{stem[:keep]}.{extension}"
    return name[:MAX_FILENAME_LENGTH]


def normalize_content_type(raw: str | None) -> str:
    """The type the client declared, when it is a well-formed media type; otherwise (none,
    or something that is not one) DEFAULT_CONTENT_TYPE. Downloads are always attachments,
    so no declared type can make a browser run the bytes."""
    declared = (raw or "").strip()
    if not declared or len(declared) > MAX_CONTENT_TYPE_LENGTH or not _MEDIA_TYPE.match(declared):
        return DEFAULT_CONTENT_TYPE
    return declared


def check_file_count(count: int) -> None:
    """An upload carries 1 to MAX_FILES_PER_UPLOAD files."""
    if not 1 <= count <= MAX_FILES_PER_UPLOAD:
        raise PolicyViolation(
            f"send 1 to {MAX_FILES_PER_UPLOAD} parts named `files`", field="files"
        )


@dataclass(slots=True, kw_only=True)
class StoredFile:
    """One uploaded file: who owns it, what the client called it, and what was received."""

    id: uuid.UUID = field(default_factory=uuid.uuid4)
    owner_id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str  # hex digest of exactly the stored bytes
    storage_key: str  # generated; never derived from the client's name
    created_at: datetime

    @classmethod
    def received(
        cls,
        *,
        owner_id: uuid.UUID,
        filename: str | None,
        content_type: str | None,
        size: int,
        sha256: str,
        storage_key: str,
        now: datetime,
    ) -> StoredFile:
        return cls(
            owner_id=owner_id,
            filename=sanitize_filename(filename),
            content_type=normalize_content_type(content_type),
            size=size,
            sha256=sha256,
            storage_key=storage_key,
            created_at=now,
        )
