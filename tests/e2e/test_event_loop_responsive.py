"""While hostile requests are handled, `/health` keeps answering promptly: no request can
make the server spend long on the event loop (the log-redaction regexes were one way to)."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import live_server

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

# URLs built to make a backtracking pattern try every split; each fits the 16 KiB head limit
# once percent-encoded.
HOSTILE_PATHS = [
    "/" + "token" * 3000,
    "/health?" + "password" * 1800,
    "/api/v1/users/" + "eyJ" * 5000,
    "/x?" + '"secret":' * 1000,
    "/x?" + "bearer " * 1500,
]
# Seconds, with room for a loaded machine; the cubic pattern held the loop for 7 s on 2,000
# characters, and would have held it for hours on these.
HEALTH_BOUND = 2.0


def test_health_stays_responsive_while_hostile_urls_are_handled(tmp_path: Path) -> None:
    with (
        live_server(tmp_path) as server,
        httpx.Client(base_url=server.base_url, timeout=10) as health,
        ThreadPoolExecutor(len(HOSTILE_PATHS)) as pool,
    ):

        def hostile(path: str) -> int:
            with httpx.Client(base_url=server.base_url, timeout=60) as client:
                return client.get(path).status_code

        latencies = []
        for _round in range(3):
            futures = [pool.submit(hostile, path) for path in HOSTILE_PATHS]
            while not all(f.done() for f in futures) or len(latencies) < 20 * (_round + 1):
                started = time.perf_counter()
                assert health.get("/health").status_code == 200
                latencies.append(time.perf_counter() - started)
                time.sleep(0.01)
            statuses = [f.result() for f in futures]
            assert all(s in (200, 401, 404, 422) for s in statuses), statuses
    assert max(latencies) < HEALTH_BOUND, (max(latencies), statistics.median(latencies))
