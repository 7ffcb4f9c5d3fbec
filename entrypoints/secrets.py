"""The signing key: configured in production, generated once and kept in development."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from entrypoints.settings import Settings

KEY_FILE = "secret_key"


def resolve_secret_key(settings: Settings) -> str:
    """SECRET_KEY when set; otherwise the key kept in the data folder, created on first use.

    Creation is atomic (a hard link that fails if the file exists), so several workers started
    together all end up with the same key.
    """
    if settings.secret_key:
        return settings.secret_key
    folder = settings.data_dir.expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE
    if not path.exists():
        _create_key_file(path)
    return path.read_text(encoding="utf-8").strip()


def _create_key_file(path: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
        os.chmod(tmp, 0o600)
        with contextlib.suppress(FileExistsError):  # another worker won: its key is the one
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
