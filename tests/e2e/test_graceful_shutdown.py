"""SIGTERM to `hexapi serve`: requests in flight finish, then the process exits 0 promptly."""

from __future__ import annotations

import signal
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support.api import PASSWORD
from tests.support.live_server import LiveServer, live_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(120)]

EXIT_BOUND = 15.0  # seconds from SIGTERM to exit once nothing is in flight


def sign_up(base_url: str, email: str) -> None:
    response = httpx.post(
        base_url + "/api/v1/auth/register",
        json={"email": email, "name": "Ann", "password": PASSWORD},
        timeout=10,
    )
    assert response.status_code == 201, response.text


def log_in(base_url: str, email: str) -> httpx.Response:
    return httpx.post(
        base_url + "/api/v1/auth/login",
        data={"username": email, "password": PASSWORD},
        timeout=30,
    )


def wait_for_exit(server: LiveServer, started: float) -> tuple[int, float]:
    code = server.process.wait(timeout=EXIT_BOUND + 15)
    return code, time.monotonic() - started


def test_a_request_in_flight_at_sigterm_completes_and_the_process_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with live_server(tmp_path) as server, ThreadPoolExecutor(1) as pool:
        sign_up(server.base_url, "ann@example.com")
        # Hold SQLite's write lock, so the login (which records its attempt first) is
        # certainly still in flight when the signal arrives; the server waits up to 5 s.
        blocker = sqlite3.connect(tmp_path / "live.db", isolation_level=None, timeout=5)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            in_flight = pool.submit(log_in, server.base_url, "ann@example.com")
            time.sleep(0.5)
            assert not in_flight.done()
            server.process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            time.sleep(0.5)
            assert server.process.poll() is None, "exited with a request in flight"
            with pytest.raises(httpx.TransportError):  # no new connections meanwhile
                httpx.get(server.base_url + "/health", timeout=1)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        response = in_flight.result(timeout=30)
        assert response.status_code == 200, response.text
        assert response.json()["token_type"] == "bearer"
        code, elapsed = wait_for_exit(server, signalled)
    assert code == 0, server.log()[-3000:]
    assert elapsed < EXIT_BOUND
    assert "Application shutdown complete" in server.log()
    with capsys.disabled():
        print(f"\n[shutdown] 1 worker: exited 0 {elapsed:.2f} s after SIGTERM (request in flight)")


def test_two_workers_start_serve_and_stop_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with live_server(tmp_path, workers=2) as server:
        sign_up(server.base_url, "ann@example.com")
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            for _ in range(10):  # new connections each time: both workers get some
                assert log_in(server.base_url, "ann@example.com").status_code == 200
                assert client.get("/health/ready").json() == {"status": "ready", "database": "ok"}
        server.process.send_signal(signal.SIGTERM)
        code, elapsed = wait_for_exit(server, time.monotonic())
    assert code == 0, server.log()[-3000:]
    assert elapsed < EXIT_BOUND
    assert server.log().count("Application shutdown complete") == 2
    with capsys.disabled():
        print(f"\n[shutdown] 2 workers: exited 0 {elapsed:.2f} s after SIGTERM")
