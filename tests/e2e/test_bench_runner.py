"""`make bench` keeps working: a `--quick` run of one scenario, end to end.

Real servers, real wrk, the real seeding; only shorter (one round of 2 s) and at the smallest
scale. A runner that stopped starting its servers, seeding, logging in or reporting fails
here instead of on the evening someone needs the numbers.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.databases import reset_postgres

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(240)]
ROOT = Path(__file__).resolve().parents[2]


def test_a_quick_run_measures_users_me_against_both_baselines(
    postgres_server_url: str, tmp_path: Path
) -> None:
    if shutil.which("wrk") is None and os.geteuid() != 0:
        pytest.skip("wrk is not installed (apt-get install wrk)")
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench",
                "--quick",
                "--only",
                "users_me",
                "--database-url",
                postgres_server_url,
                "--output",
                str(tmp_path),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=200,
            check=False,
        )
    finally:
        # The run seeded the database; the tests after this one expect it empty.
        asyncio.run(reset_postgres(postgres_server_url))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [written] = tmp_path.glob("*-quick.md")
    report = written.read_text()
    for load in ("bare FastAPI, constant dict", "bare FastAPI + asyncpg", "GET /api/v1/users/me"):
        row = next(line for line in report.splitlines() if line.startswith(f"| {load}"))
        cells = row.split(" | ")
        requests_per_second, cpu_per_request, non_2xx = cells[2], cells[5], cells[6]
        assert float(requests_per_second.replace(",", "")) > 0, row
        assert float(cpu_per_request) > 0, row
        assert non_2xx == "0", row
    assert re.search(
        r"\| GET /users/me / asyncpg by hand \| \d+\.\d\d \(CPU: \d+\.\d\d\) \| >= 0\.95 \|", report
    )
    assert "10,000 users" in report
