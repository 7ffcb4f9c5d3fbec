"""The real `hexapi serve` in a subprocess, on a free port, with its own SQLite database."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.postgres import free_port

HEXAPI = Path(sys.executable).parent / "hexapi"
LIVE_SECRET = "live-server-secret-key-0123456789-0123456789"


@dataclass
class LiveServer:
    base_url: str
    log_path: Path
    process: subprocess.Popen[bytes]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def live_server(
    folder: Path, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """Start `hexapi serve` with `folder` as working directory (so nothing of the source tree
    is at hand: assets and migrations must come from the installed package) and stop it with
    SIGTERM when the block ends. Its stderr and stdout go to `folder / "server.log"`."""
    port = free_port()
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TEST_DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", "DATABASE_URL")
    }
    settings = {
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'live.db'}",
        "DATA_DIR": str(folder / "data"),
        "UPLOAD_DIR": str(folder / "uploads"),
        "SECRET_KEY": LIVE_SECRET,
        **(env or {}),
    }
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(HEXAPI), "serve", "--port", str(port), "--workers", str(workers)],
            cwd=folder,
            env={**inherited, **settings},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", log_path, process)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# Generous: on a loaded machine (CI, or many suites side by side) start-up alone took >30 s.
def _wait_until_up(server: LiveServer, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"hexapi serve exited early:\n{server.log()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.base_url + "/health", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"hexapi serve did not answer within {timeout} s:\n{server.log()[-3000:]}")
