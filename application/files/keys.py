"""Storage keys, and housekeeping for bytes in file storage whose database rows are gone."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable

from application.ports import FileStorage

log = logging.getLogger("hexapi.files")
# The keys a FileStorage accepts: what new_file_key makes, and nothing that could climb out
# of a storage root ("..", absolute paths, backslashes).
_KEY = re.compile(r"^[a-z0-9_-]+(?:/[a-z0-9_-]+)*$")


def new_file_key(kind: str) -> str:
    """A fresh storage key; never derived from anything a client sent."""
    return f"{kind}/{uuid.uuid4().hex}"


def check_file_key(key: str) -> str:
    """`key` when it is a well-formed storage key; ValueError otherwise."""
    if not _KEY.match(key):
        raise ValueError(f"invalid storage key {key!r}")
    return key


async def discard_files(storage: FileStorage, keys: Iterable[str]) -> None:
    """Delete bytes after the transaction that orphaned them has committed (or a failed one
    that would have referenced them). A failure leaves an orphan file behind, never a broken
    account, so it is logged rather than raised (the orphan sweep removes it later)."""
    for key in keys:
        try:
            await storage.delete(key)
        except Exception:  # any backend's failure: a disk error, an unreachable object store
            log.warning("could not delete stored file %s", key, exc_info=True)
