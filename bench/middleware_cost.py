"""What the conventions middleware costs: the same app, one worker, with and without it.

    python -m bench.middleware_cost [--seconds 10] [--database-url …]

Three builds of the real app, measured in the same run on GET /health (nothing but the
framework) and GET /api/v1/users/me (token, session check, response model):

- bare: `create_app(conventions=False)` — no middleware, no /metrics;
- conventions: the app as `hexapi serve` builds it;
- conventions, quiet: the same, with the access log silenced, to show what logging costs.

Each ratio is the best requests/s of interleaved rounds against bare's. SQLite in a
temporary folder unless --database-url.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import subprocess
import tempfile
from pathlib import Path

import httpx
from fastapi import FastAPI

from bench.support import VENV_BIN, LoadResult, free_port, server, uvicorn_command, wrk

PASSWORD = "Bench-Password-1"  # noqa: S105 - a throwaway benchmark account
BUILDS = {
    "bare": "bench.middleware_cost:bare_app",
    "conventions": "entrypoints.http.app:create_app",
    "conventions, quiet": "bench.middleware_cost:quiet_app",
}
PATHS = ("/health", "/api/v1/users/me")


def bare_app() -> FastAPI:
    from entrypoints.http.app import create_app

    return create_app(conventions=False)


def quiet_app() -> FastAPI:
    from entrypoints.http.app import create_app

    app = create_app()
    logging.getLogger("hexapi.access").setLevel(logging.WARNING)
    return app


def _token(base: str) -> str:
    email = f"bench-{os.getpid()}@example.com"
    account = {"email": email, "name": "Bench", "password": PASSWORD}
    httpx.post(base + "/api/v1/auth/register", json=account).raise_for_status()
    login = httpx.post(base + "/api/v1/auth/login", data={"username": email, "password": PASSWORD})
    login.raise_for_status()
    return login.json()["access_token"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved; the best counts")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as servers:
        folder = Path(tmp)
        env = {
            "APP_ENV": "production",
            "SECRET_KEY": "bench-secret-key-0123456789-0123456789",
            "DATABASE_URL": args.database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}",
            "DATA_DIR": str(folder),
        }
        subprocess.run(
            [str(VENV_BIN / "hexapi"), "migrate"],
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
        bases = {}
        for build, factory in BUILDS.items():
            port = free_port()
            command = uvicorn_command(factory, port, factory=True)
            bases[build] = servers.enter_context(server(command, env, port, folder))
        headers = {"Authorization": f"Bearer {_token(bases['bare'])}"}

        # Builds take turns, round after round, so a busy moment on the machine hits all
        # of them alike instead of one.
        runs: dict[tuple[str, str], list[LoadResult]] = {}
        for _ in range(args.rounds):
            for path in PATHS:
                for build, base in bases.items():
                    result = wrk(
                        base + path,
                        seconds=args.seconds,
                        connections=args.connections,
                        headers=headers if path != "/health" else None,
                    )
                    runs.setdefault((build, path), []).append(result)

    print(f"{'endpoint':<20}{'build':<22}{'req/s':>10}{'p99 ms':>10}{'ratio':>8}")
    for path in PATHS:
        baseline = _best(runs["bare", path])
        for build in BUILDS:
            result = _best(runs[build, path])
            ratio = result.requests_per_second / baseline.requests_per_second
            print(
                f"{path:<20}{build:<22}{result.requests_per_second:>10.0f}"
                f"{result.p99_ms:>10.1f}{ratio:>8.2f}"
            )
            if any(r.non_2xx for r in runs[build, path]):
                print(f"warning: non-2xx responses for {build} {path}")


def _best(results: list[LoadResult]) -> LoadResult:
    # Other load on the machine only ever slows a run down: the best run is the least
    # disturbed one.
    return max(results, key=lambda r: r.requests_per_second)


if __name__ == "__main__":
    main()
