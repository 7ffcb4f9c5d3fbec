"""`make bench`: every scenario of the contract against the baselines, in one run.

    python -m bench [--scale 1e6] [--rounds 3] [--seconds 10] [--only users_me,products]
                    [--database-url postgresql+asyncpg://…] [--quick] [--output bench/results]

One `hexapi serve` worker (PostgreSQL, production settings, access log on) is pinned to one
CPU and wrk to the other. Beside it, under the same uvicorn settings, run the two baselines:
a bare FastAPI app returning a constant dict, and bare FastAPI + asyncpg doing the
`/users/me` work by hand. Rounds alternate baseline and hexapi measurements so that drift on
a shared machine hits both; every figure is a ratio of medians over the rounds.

Without --database-url a throwaway PostgreSQL cluster is started and removed afterwards; with
it, the benchmark owns that database (its `public` schema is dropped and recreated).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from bench import scripts
from bench.report import Report
from bench.seed import HOT_PRODUCT, PASSWORD, reset_schema, seed, user_email
from bench.support import (
    VENV_BIN,
    LoadResult,
    Server,
    ensure_wrk,
    free_port,
    postgres_server,
    run_wrk,
    running,
    wrk_command,
)

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-secret-key-0123456789-0123456789"  # noqa: S105 - throwaway
UPLOAD_BYTES = 10 * 1024 * 1024
DEEP_PAGE = 40_000
GROUPS = (
    "health",
    "users_me",
    "products",
    "posts",
    "items",
    "orders",
    "login_flood",
    "upload",
    "ws_fanout",
    "sqlite",
    "memory",
)


@dataclass
class Measurement:
    """One wrk load against one server, taken once per round."""

    key: str
    title: str
    server: str  # "bare", "asyncpg", "hexapi", "sqlite"
    path: str
    connections: int
    headers: dict[str, str] = field(default_factory=dict)
    script: Path | None = None
    # Requests this many times larger than the others are fewer: a longer timeout.
    timeout: float = 10


@dataclass
class Flood:
    """GET /health latency while 8 connections log in, taken once per round."""

    key: str = "login_flood"
    title: str = "GET /health during a login flood (8 connections on /auth/login)"


@dataclass
class Context:
    args: argparse.Namespace
    servers: dict[str, Server]
    folder: Path
    paths: set[tuple[str, str]]  # (method, template) of hexapi's OpenAPI schema
    token: str
    sqlite_token: str | None
    report: Report

    def has(self, method: str, path: str) -> bool:
        return (method, path) in self.paths


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    ensure_wrk()
    report = Report(args)
    with (
        tempfile.TemporaryDirectory(prefix="hexapi-bench-") as tmp,
        postgres_server(args.database_url) as database_url,
        contextlib.ExitStack() as stack,
    ):
        folder = Path(tmp)
        dsn = make_url(database_url).set(drivername="postgresql").render_as_string(False)
        print(f"PostgreSQL: {make_url(database_url).render_as_string(True)}", flush=True)
        asyncio.run(reset_schema(dsn))
        env = _hexapi_env(database_url, folder / "pg")
        subprocess.run(
            [str(VENV_BIN / "hexapi"), "migrate"],
            env={**os.environ, **env},
            cwd=folder,
            check=True,
            capture_output=True,
        )
        started = time.monotonic()
        seeded = asyncio.run(
            seed(dsn, scale=args.scale, seed=args.seed, password_hash=_password_hash())
        )
        report.seeded(seeded, time.monotonic() - started)
        report.database_version(asyncio.run(_server_version(dsn)))
        print(f"seeded in {time.monotonic() - started:.1f}s: {seeded}", flush=True)

        servers = _start_servers(stack, args, database_url, env, folder)
        paths = _operations(servers["hexapi"].base)
        token = _login(servers["hexapi"].base, user_email(2))
        sqlite_token = _sqlite_account(servers["sqlite"].base) if "sqlite" in servers else None
        ctx = Context(args, servers, folder, paths, token, sqlite_token, report)
        plan = _plan(ctx)
        _rounds(ctx, plan)
        if args.selected("upload"):
            _upload_memory(ctx)
        if args.selected("ws_fanout"):
            _ws_fanout(ctx)
        if args.selected("memory"):
            _memory_growth(ctx)
        rss, peak = servers["hexapi"].memory_kib()
        report.memory("hexapi worker after the whole run", rss, peak)
    text = report.markdown()
    print("\n" + text)
    output = report.write(args.output)
    print(f"written to {output}")
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", type=float, default=1e6, help="products and posts (1e3..1e6)")
    parser.add_argument("--seed", type=int, default=1, help="of the generated rows")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10, help="per measurement")
    parser.add_argument("--warmup", type=float, default=3, help="per load, before round 1")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--only", default="", help=f"comma-separated: {', '.join(GROUPS)}")
    parser.add_argument("--database-url", help="a PostgreSQL database the benchmark may own")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--quick", action="store_true", help="a short smoke run (1 round, 2 s)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds, args.warmup = 1, 2, 1
        args.scale = min(args.scale, 1e3)
    args.scale = int(args.scale)
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = only - set(GROUPS)
    if unknown:
        parser.error(f"unknown scenario group(s): {', '.join(sorted(unknown))}")
    args.selected = lambda group: not only or group in only
    args.argv_shown = sys.argv[1:] if argv is None else argv
    return args


def _hexapi_env(database_url: str, data_dir: Path) -> dict[str, str]:
    return {
        "APP_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "UPLOAD_DIR": str(data_dir / "uploads"),
        # Long enough for the whole run: a token must not expire between rounds.
        "ACCESS_TOKEN_EXPIRE_MINUTES": "600",
        "EMAIL_BACKEND": "console",
        "LOGIN_CLIENT_MAX_FAILURES": "1000000",
    }


def _password_hash() -> str:
    from adapters.security.argon2 import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    try:
        return asyncio.run(hasher.hash(PASSWORD))
    finally:
        hasher.close()


async def _server_version(dsn: str) -> str:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


def _start_servers(stack, args, database_url, env, folder) -> dict[str, Server]:  # type: ignore[no-untyped-def]
    """Every server at once, all pinned to the server CPU (idle ones cost it nothing)."""
    servers: dict[str, Server] = {}
    baseline_env = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY}
    uvicorn = [str(VENV_BIN / "uvicorn"), "--no-access-log", "--log-level", "warning"]
    for name, app in (("bare", "bench.baseline_app:app"), ("asyncpg", "bench.asyncpg_app:app")):
        port = free_port()
        command = [*uvicorn, app, "--port", str(port)]
        servers[name] = stack.enter_context(running(command, baseline_env, port, ROOT))
    port = free_port()
    hexapi = [str(VENV_BIN / "hexapi"), "serve", "--port", str(port)]
    (folder / "pg").mkdir()
    servers["hexapi"] = stack.enter_context(running(hexapi, env, port, folder / "pg"))
    if args.selected("sqlite"):
        (folder / "sqlite").mkdir()
        sqlite_env = {**env, "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'sqlite' / 'b.db'}"}
        sqlite_env["DATA_DIR"] = str(folder / "sqlite")
        port = free_port()
        command = [str(VENV_BIN / "hexapi"), "serve", "--port", str(port)]
        servers["sqlite"] = stack.enter_context(
            running(command, sqlite_env, port, folder / "sqlite")
        )
    return servers


def _operations(base: str) -> set[tuple[str, str]]:
    schema = httpx.get(base + "/openapi.json", timeout=30).json()
    return {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}


def _login(base: str, email: str) -> str:
    response = httpx.post(
        base + "/api/v1/auth/login", data={"username": email, "password": PASSWORD}, timeout=30
    )
    response.raise_for_status()
    return response.json()["access_token"]


def _sqlite_account(base: str) -> str:
    account = {"email": "bench@example.com", "name": "Bench", "password": PASSWORD}
    httpx.post(base + "/api/v1/auth/register", json=account, timeout=30).raise_for_status()
    return _login(base, account["email"])


# -- the plan: which loads each round takes, in order -------------------------------------


def _plan(ctx: Context) -> list[Measurement | Flood]:
    args, report, plan = ctx.args, ctx.report, []
    auth = {"Authorization": f"Bearer {ctx.token}"}
    c = args.connections

    def add(group: str, measurement: Measurement, *, requires: tuple[str, str] | None = None):
        if not args.selected(group):
            return
        if requires and not ctx.has(*requires):
            report.skip(measurement.title, f"{requires[0]} {requires[1]} is not on main yet")
            return
        plan.append(measurement)

    # Baselines first in every round, then hexapi: drift between rounds hits both.
    plan.append(Measurement("bare", "bare FastAPI, constant dict", "bare", "/health", c))
    add(
        "users_me",
        Measurement(
            "asyncpg",
            "bare FastAPI + asyncpg, /users/me by hand",
            "asyncpg",
            "/api/v1/users/me",
            c,
            auth,
        ),
    )
    add("health", Measurement("health", "GET /health", "hexapi", "/health", c))
    if args.selected("users_me") or any(
        args.selected(g) for g in ("products", "posts", "items", "orders")
    ):
        plan.append(
            Measurement("users_me", "GET /api/v1/users/me", "hexapi", "/api/v1/users/me", c, auth)
        )
    if args.selected("products"):
        plan.extend(_product_loads(ctx, c))
    add(
        "posts",
        Measurement("posts", "GET /api/v1/posts (public list)", "hexapi", "/api/v1/posts", c),
        requires=("GET", "/api/v1/posts"),
    )
    add(
        "items",
        Measurement(
            "items_create",
            "POST /api/v1/items",
            "hexapi",
            "/api/v1/items",
            c,
            auth,
            scripts.post_json(
                ctx.folder, "items", {"title": "Bench item", "description": "Made by wrk."}
            ),
        ),
        requires=("POST", "/api/v1/items"),
    )
    add(
        "orders",
        Measurement(
            "orders_hot",
            "POST /api/v1/orders, one hot product",
            "hexapi",
            "/api/v1/orders",
            c,
            auth,
            scripts.post_json(
                ctx.folder, "orders", {"lines": [{"product_id": HOT_PRODUCT, "quantity": 1}]}
            ),
        ),
        requires=("POST", "/api/v1/orders"),
    )
    if args.selected("login_flood"):
        plan.append(
            Measurement(
                "health_rest", "GET /health at rest (4 connections)", "hexapi", "/health", 4
            )
        )
        plan.append(Flood())
    if args.selected("sqlite") and ctx.sqlite_token:
        sqlite_auth = {"Authorization": f"Bearer {ctx.sqlite_token}"}
        plan.append(
            Measurement(
                "sqlite_users_me",
                "GET /api/v1/users/me (SQLite)",
                "sqlite",
                "/api/v1/users/me",
                c,
                sqlite_auth,
            )
        )
        add(
            "sqlite",
            Measurement(
                "sqlite_items_create",
                "POST /api/v1/items (SQLite)",
                "sqlite",
                "/api/v1/items",
                c,
                sqlite_auth,
                scripts.post_json(ctx.folder, "items", {"title": "Bench item"}),
            ),
            requires=("POST", "/api/v1/items"),
        )
    return plan


def _product_loads(ctx: Context, c: int) -> list[Measurement]:
    if not ctx.has("GET", "/api/v1/products"):
        ctx.report.skip("GET /api/v1/products", "GET /api/v1/products is not on main yet")
        return []
    base = ctx.servers["hexapi"].base + "/api/v1/products"
    first = httpx.get(base, params={"page": 1}, timeout=60).json()
    pages = int(first.get("pages") or 0)
    depth = max(2, min(DEEP_PAGE, pages))
    if depth != DEEP_PAGE:
        ctx.report.note(f"products: {pages} pages at this scale, so the deep page is {depth}")
    before = httpx.get(base, params={"page": depth - 1}, timeout=120).json()
    loads = [
        Measurement(
            "products_p1", "GET /api/v1/products?page=1", "hexapi", "/api/v1/products?page=1", c
        ),
        Measurement(
            "products_deep",
            f"GET /api/v1/products?page={depth}",
            "hexapi",
            f"/api/v1/products?page={depth}",
            c,
        ),
    ]
    if first.get("next_cursor") and before.get("next_cursor"):
        quote = urllib.parse.quote
        loads += [
            Measurement(
                "products_cursor_1",
                "GET /api/v1/products?cursor=… (page 2)",
                "hexapi",
                f"/api/v1/products?cursor={quote(first['next_cursor'])}",
                c,
            ),
            Measurement(
                "products_cursor_deep",
                f"GET /api/v1/products?cursor=… (page {depth})",
                "hexapi",
                f"/api/v1/products?cursor={quote(before['next_cursor'])}",
                c,
            ),
        ]
    else:
        ctx.report.skip("products cursor pages", "the product list gives no next_cursor")
    return loads


# -- the rounds ---------------------------------------------------------------------------


def _rounds(ctx: Context, plan: list[Measurement | Flood]) -> None:
    args = ctx.args
    print(f"warming up ({len(plan)} loads, {args.warmup:g}s each)", flush=True)
    for load in plan:
        _take(ctx, load, args.warmup)
    for number in range(1, args.rounds + 1):
        print(f"round {number}/{args.rounds}", flush=True)
        for load in plan:
            results = _take(ctx, load, args.seconds)
            for key, result in results.items():
                ctx.report.add(key, _title(load, key), result)
                print(
                    f"  {_title(load, key):<58}{result.requests_per_second:>9.0f} req/s"
                    f"  p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:7.2f} ms"
                    f"  cpu {result.cpu_us:6.0f} us/req"
                    + (f"  non-2xx {result.non_2xx}" if result.non_2xx else "")
                    + (f"  errors {result.errors}" if result.errors else ""),
                    flush=True,
                )


def _title(load: Measurement | Flood, key: str) -> str:
    if isinstance(load, Flood):
        return load.title if key == "health_flood" else "POST /api/v1/auth/login (8 connections)"
    return load.title


def _take(ctx: Context, load: Measurement | Flood, seconds: float) -> dict[str, LoadResult]:
    if isinstance(load, Flood):
        return _flood(ctx, seconds)
    server = ctx.servers[load.server]
    result = run_wrk(
        server.base + load.path,
        server=server,
        seconds=seconds,
        connections=load.connections,
        headers=load.headers,
        script=load.script,
        timeout=load.timeout,
    )
    return {load.key: result}


def _flood(ctx: Context, seconds: float) -> dict[str, LoadResult]:
    from bench.support import parse_wrk

    base = ctx.servers["hexapi"].base
    flood = subprocess.Popen(
        wrk_command(
            base + "/api/v1/auth/login",
            seconds=seconds + 2,
            connections=8,
            script=scripts.login_flood(ctx.folder),
            timeout=30,
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1)  # the flood is on before the latency is measured
    health = run_wrk(base + "/health", seconds=seconds, connections=4)  # CPU: the flood's too
    out, err = flood.communicate()
    if flood.returncode != 0:
        raise RuntimeError(f"wrk failed: {err.strip()}")
    return {"health_flood": health, "login": parse_wrk(out)}


# -- once per run -------------------------------------------------------------------------


def _upload_memory(ctx: Context) -> None:
    if not ctx.has("POST", "/api/v1/files"):
        ctx.report.skip("POST /api/v1/files (10 MiB)", "POST /api/v1/files is not on main yet")
        return
    server = ctx.servers["hexapi"]
    script = scripts.upload(ctx.folder, UPLOAD_BYTES)
    _, peak_before = server.memory_kib()
    result = run_wrk(
        server.base + "/api/v1/files",
        seconds=max(ctx.args.seconds, 5),
        connections=2,
        headers={"Authorization": f"Bearer {ctx.token}"},
        script=script,
        timeout=60,
    )
    _, peak = server.memory_kib()
    ctx.report.upload(result, UPLOAD_BYTES, peak_before, peak)


def _ws_fanout(ctx: Context) -> None:
    if not any(path.startswith("/api/v1/rooms/") for _, path in ctx.paths):
        ctx.report.skip("WebSocket fan-out to 100 members", "chat is not on main yet")
        return
    from bench.support import LOAD_CPU, pinned

    command = pinned(
        [
            sys.executable,
            "-m",
            "bench.fanout",
            ctx.servers["hexapi"].base,
            ctx.token,
            "--members",
            "100",
            "--seconds",
            str(max(ctx.args.seconds, 3)),
        ],
        LOAD_CPU,
    )
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        ctx.report.skip("WebSocket fan-out to 100 members", f"failed: {done.stderr[-500:]}")
        return
    ctx.report.fanout(json.loads(done.stdout.strip().splitlines()[-1]))


def _memory_growth(ctx: Context) -> None:
    """Two consecutive runs of /users/me: resident memory after each."""
    server = ctx.servers["hexapi"]
    url = server.base + "/api/v1/users/me"
    auth = {"Authorization": f"Bearer {ctx.token}"}
    after = []
    for _ in range(2):
        run_wrk(url, seconds=ctx.args.seconds, connections=ctx.args.connections, headers=auth)
        after.append(server.memory_kib()[0])
    ctx.report.growth(after[0], after[1])


if __name__ == "__main__":
    sys.exit(main())
