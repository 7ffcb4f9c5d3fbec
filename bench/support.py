"""Starting servers and driving wrk, shared by the benchmarks."""

from __future__ import annotations

import contextlib
import dataclasses
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
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p99_ms: float
    non_2xx: int
    p50_ms: float = float("nan")
    errors: int = 0  # socket errors: connect, read, write, timeout
    requests: int = 0
    # CPU time the server spent per request (user + system, all its threads): unlike
    # requests/s, hardly moved by other work on the machine. NaN when not measured.
    cpu_us: float = float("nan")


def pinned(command: list[str], cpu: str | None) -> list[str]:
    if cpu is not None and shutil.which("taskset"):
        return ["taskset", "-c", cpu, *command]
    return command


def ensure_wrk() -> str:
    """wrk's path: found on PATH, or installed from the system packages when we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk not found: installing it with apt-get", flush=True)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT}
        subprocess.run(["apt-get", "update", "-qq"], check=False, **quiet)  # type: ignore[arg-type]
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            **quiet,  # type: ignore[arg-type]
        )
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit(
        "wrk is needed and is not installed: `sudo apt-get install wrk` (Debian, Ubuntu),"
        " `sudo dnf install wrk` (Fedora), `brew install wrk` (macOS)"
    )


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


@dataclass
class Server:
    """A running server process: its base URL and process id (for its memory)."""

    base: str
    pid: int
    log: Path

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far, all threads (from /proc)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_kib(self) -> tuple[int, int]:
        """(resident now, peak resident) in KiB, from /proc."""
        fields = dict.fromkeys(("VmRSS", "VmHWM"), 0)
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                name, _, value = line.partition(":")
                if name in fields:
                    fields[name] = int(value.split()[0])
        return fields["VmRSS"], fields["VmHWM"]


@contextlib.contextmanager
def running(
    command: list[str], env: dict[str, str], port: int, cwd: Path, *, ready: str = "/health"
) -> Iterator[Server]:
    """Run a server process pinned to the server CPU until the block ends."""
    # The server's output goes to a file: a pipe nobody reads would fill up and stall it.
    with tempfile.NamedTemporaryFile(prefix="bench-server-", suffix=".log") as log:
        process = subprocess.Popen(
            pinned(command, SERVER_CPU),
            env={**os.environ, **env},
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(base + ready, timeout=1).status_code < 500:
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"server did not start: {log.read().decode()[-2000:]}")
                time.sleep(0.2)
            yield Server(base, process.pid, Path(log.name))
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], port: int, cwd: Path) -> Iterator[str]:
    """Run a server process until the block ends; yields its base URL once it answers."""
    with running(command, env, port, cwd) as started:
        yield started.base


def wrk_command(
    url: str,
    *,
    seconds: float,
    connections: int,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    timeout: float = 10,
) -> list[str]:
    header_args = [arg for k, v in (headers or {}).items() for arg in ("-H", f"{k}: {v}")]
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={timeout:g}s",
        "--latency",
        *header_args,
    ]
    if script is not None:
        command += ["-s", str(script)]
    return pinned([*command, url], LOAD_CPU)


def parse_wrk(out: str) -> LoadResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return LoadResult(
        requests=int(total.group(1)) if total else 0,
        requests_per_second=rps,
        p99_ms=_percentile(out, "99"),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        p50_ms=_percentile(out, "50"),
        errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def _percentile(out: str, which: str) -> float:
    found = re.search(rf"^\s+{which}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    return float(found.group(1)) * _UNITS[found.group(2)] if found else float("nan")


def run_wrk(url: str, *, server: Server | None = None, **options) -> LoadResult:  # type: ignore[no-untyped-def]
    """One wrk run, no warm-up; requests/s, p50 and p99 latency, non-2xx and socket errors,
    and with `server` the CPU time it spent per request."""
    command = wrk_command(url, **options)
    cpu_before = server.cpu_seconds() if server else float("nan")
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    cpu = server.cpu_seconds() - cpu_before if server else float("nan")
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    result = parse_wrk(done.stdout)
    if server and result.requests:
        result = dataclasses.replace(result, cpu_us=cpu / result.requests * 1e6)
    return result


def wrk(url: str, *, seconds: int, connections: int = 50, headers: dict[str, str] | None = None):
    """One wrk run after a 2 s warm-up (the older single-purpose benchmarks use this)."""
    ensure_wrk()
    run_wrk(url, seconds=2, connections=connections, headers=headers)
    return run_wrk(url, seconds=seconds, connections=connections, headers=headers)


def uvicorn_command(app: str, port: int, *, factory: bool = False) -> list[str]:
    command = [str(VENV_BIN / "uvicorn"), app, "--port", str(port), "--no-access-log"]
    return [*command, "--factory"] if factory else command


__all__ = [
    "LOAD_CPU",
    "SERVER_CPU",
    "VENV_BIN",
    "LoadResult",
    "Server",
    "ensure_wrk",
    "free_port",
    "parse_wrk",
    "pinned",
    "postgres_server",
    "run_wrk",
    "running",
    "server",
    "uvicorn_command",
    "wrk",
    "wrk_command",
]
