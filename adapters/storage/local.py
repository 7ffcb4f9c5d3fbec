from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path

from application.files import check_file_key
from application.ports import FileStorage


class LocalFileStorage(FileStorage):
    """Files under one folder (UPLOAD_DIR), one file per key.

    Writes go to a temporary file in the target folder and are renamed into place, so a
    reader never sees half a file and a crash leaves no truncated one. Blocking file I/O runs
    in worker threads, off the event loop.
    """

    def __init__(self, root: Path) -> None:
        self._root = Path(root).expanduser().resolve()

    async def save(self, key: str, content: bytes) -> None:
        await asyncio.to_thread(self._save, self._path(key), content)

    async def read(self, key: str) -> bytes | None:
        return await asyncio.to_thread(self._read, self._path(key))

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    def _path(self, key: str) -> Path:
        return self._root / check_file_key(key)  # never a path outside the root

    @staticmethod
    def _save(path: Path, content: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    @staticmethod
    def _read(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
