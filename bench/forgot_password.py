"""Does forgot-password take the same time for a known and an unknown e-mail?

    python -m bench.forgot_password [--database-url URL] [--requests 200]

Starts `hexapi serve` (a SQLite file, or the given database), registers one account and sends
`POST /api/v1/auth/forgot-password` for it and for unknown addresses, interleaved, over one
keep-alive connection, and prints the median and 90th percentile of each. With the hourly
limit only the first few requests for the account queue a mail; the rest must cost the same.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.support import running

PASSWORD = "Bench-Password-1"  # noqa: S105 - a throwaway benchmark account
KNOWN = "known@example.com"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def measure(base: str, requests: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    with httpx.Client(base_url=base, timeout=30) as client:
        body = {"email": KNOWN, "name": "Known", "password": PASSWORD}
        assert client.post("/api/v1/auth/register", json=body).status_code == 201
        for n in range(requests + 20):
            for which in ("known", "unknown"):
                email = KNOWN if which == "known" else f"nobody-{uuid.uuid4().hex}@example.com"
                started = time.perf_counter()
                response = client.post("/api/v1/auth/forgot-password", json={"email": email})
                elapsed = time.perf_counter() - started
                assert response.status_code == 202, response.text
                if n >= 20:  # the first rounds warm caches and connections up
                    timings[which].append(elapsed * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {
            "APP_ENV": "test",
            "DATABASE_URL": args.database_url or f"sqlite+aiosqlite:///{folder}/bench.db",
            "DATA_DIR": f"{folder}/data",
            "SECRET_KEY": "bench-" + "x" * 40,
            "EMAIL_BACKEND": "memory",
        }
        env = {k: v for k, v in {**os.environ, **env}.items() if k != "TEST_DATABASE_URL"}
        hexapi = str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "hexapi")
        with running([hexapi, "serve", "--port", str(port)], env, port, Path(folder)) as server:
            timings = measure(server.base, args.requests)
    for which, values in timings.items():
        values.sort()
        p90 = values[int(len(values) * 0.9)]
        print(
            f"{which:8} n={len(values)} median {statistics.median(values):.2f} ms"
            f"  p90 {p90:.2f} ms"
        )


if __name__ == "__main__":
    main()
