"""Starting servers and driving wrk, shared by the benchmarks."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.postgres import ThrowawayCluster, free_port

VENV_BIN = Path(sys.executable).parent
# With two or more cores the server gets one to itself and wrk another, so neither steals
# from the other and runs are comparable.
SERVER_CPU, LOAD_CPU = ("1", "0") if (os.cpu_count() or 1) >= 2 else (None, None)


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p99_ms: float
    non_2xx: int


def pinned(command: list[str], cpu: str | None) -> list[str]:
    if cpu is not None and shutil.which("taskset"):
        return ["taskset", "-c", cpu, *command]
    return command


@contextlib.contextmanager
def postgres_server(url: str | None) -> Iterator[str]:
    """`url` when given; otherwise a throwaway PostgreSQL cluster for the benchmark's run."""
    if url:
        yield url
        return
    cluster = ThrowawayCluster().init().start()
    try:
        yield cluster.url
    finally:
        cluster.destroy()


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], port: int, cwd: Path) -> Iterator[str]:
    """Run a server process until the block ends; yields its base URL once it answers."""
    # The server's output goes to a file: a pipe nobody reads would fill up and stall it.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            pinned(command, SERVER_CPU),
            env={**os.environ, **env},
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(base + "/health", timeout=1).status_code < 500:
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"server did not start: {log.read().decode()[-2000:]}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def wrk(url: str, *, seconds: int, connections: int = 50, headers: dict[str, str] | None = None):
    """One wrk run (after a short warm-up); requests/s, p99 latency and non-2xx count."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    header_args = [arg for k, v in (headers or {}).items() for arg in ("-H", f"{k}: {v}")]
    base = ["wrk", "-t1", f"-c{connections}", "--latency", *header_args]
    subprocess.run(pinned([*base, "-d2s", url], LOAD_CPU), check=True, capture_output=True)
    out = subprocess.run(
        pinned([*base, f"-d{seconds}s", url], LOAD_CPU), check=True, capture_output=True, text=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p99_ms = float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return LoadResult(rps, p99_ms, int(non_2xx.group(1)) if non_2xx else 0)


def uvicorn_command(app: str, port: int, *, factory: bool = False) -> list[str]:
    command = [str(VENV_BIN / "uvicorn"), app, "--port", str(port), "--no-access-log"]
    return [*command, "--factory"] if factory else command


__all__ = [
    "VENV_BIN",
    "LoadResult",
    "free_port",
    "postgres_server",
    "server",
    "uvicorn_command",
    "wrk",
]
