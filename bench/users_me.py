"""GET /api/v1/users/me on PostgreSQL against a bare FastAPI app, one worker each, same run.

Also times one login (argon2id at the OWASP parameters) end to end over HTTP.

    python -m bench.users_me [--seconds 10] [--database-url postgresql+asyncpg://…]

Without --database-url a throwaway PostgreSQL cluster is started and removed afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.support import VENV_BIN, free_port, postgres_server, server, uvicorn_command, wrk

PASSWORD = "Bench-Password-1"  # noqa: S105 - a throwaway benchmark account


def login_times(base: str, email: str, count: int = 20) -> list[float]:
    times = []
    with httpx.Client(base_url=base) as client:
        for _ in range(count):
            started = time.perf_counter()
            response = client.post(
                "/api/v1/auth/login", data={"username": email, "password": PASSWORD}
            )
            times.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, postgres_server(args.database_url) as database_url:
        folder = Path(tmp)
        port = free_port()
        with server(uvicorn_command("bench.baseline_app:app", port), {}, port, Path.cwd()) as base:
            baseline = wrk(base + "/health", seconds=args.seconds, connections=args.connections)

        port = free_port()
        env = {
            "DATABASE_URL": database_url,
            "DATA_DIR": str(folder),
            "APP_ENV": "production",
            "SECRET_KEY": "bench-secret-key-0123456789-0123456789",
        }
        command = [str(VENV_BIN / "hexapi"), "serve", "--port", str(port)]
        with server(command, env, port, folder) as base:
            email = f"bench{time.time_ns()}@example.com"
            httpx.post(
                base + "/api/v1/auth/register",
                json={"email": email, "name": "Bench", "password": PASSWORD},
            ).raise_for_status()
            logins = login_times(base, email)
            token = httpx.post(
                base + "/api/v1/auth/login", data={"username": email, "password": PASSWORD}
            ).json()["access_token"]
            me = wrk(
                base + "/api/v1/users/me",
                seconds=args.seconds,
                connections=args.connections,
                headers={"Authorization": f"Bearer {token}"},
            )

    print(f"{'scenario':<42}{'req/s':>10}{'p99 ms':>10}{'ratio':>8}")
    print(
        f"{'bare FastAPI, constant dict':<42}{baseline.requests_per_second:>10.0f}"
        f"{baseline.p99_ms:>10.1f}{1:>8.2f}"
    )
    print(
        f"{'hexapi GET /api/v1/users/me (PostgreSQL)':<42}{me.requests_per_second:>10.0f}"
        f"{me.p99_ms:>10.1f}{me.requests_per_second / baseline.requests_per_second:>8.2f}"
    )
    if me.non_2xx:
        print(f"warning: {me.non_2xx} non-2xx responses under load")
    print(
        f"login over HTTP: median {statistics.median(logins):.1f} ms, "
        f"min {min(logins):.1f} ms over {len(logins)} sequential logins"
    )


if __name__ == "__main__":
    main()
