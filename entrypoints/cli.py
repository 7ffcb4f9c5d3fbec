"""The `hexapi` command: serve, migrate, create-superuser."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import signal
import sys

from pydantic import ValidationError

from application.errors import BackendUnavailable
from entrypoints.logging import configure_logging
from entrypoints.multiprocess_metrics import share_metrics_between
from entrypoints.secrets import resolve_secret_key
from entrypoints.settings import Settings, describe_errors

GRACEFUL_SHUTDOWN_SECONDS = 25


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hexapi", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate the database, then serve HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--reload", action="store_true")

    commands.add_parser("migrate", help="bring the database schema to the latest migration")
    commands.add_parser(
        "worker", help="deliver queued e-mail and prune chat history until SIGINT or SIGTERM"
    )

    superuser = commands.add_parser("create-superuser", help="create a superuser account")
    superuser.add_argument("--email", required=True)
    superuser.add_argument("--name", required=True)

    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        for line in describe_errors(exc):
            print(f"hexapi: {line}", file=sys.stderr)
        return 2
    configure_logging(settings)
    try:
        return _run(args, settings)
    except BackendUnavailable as exc:
        reason = exc.__cause__ or exc
        print(f"hexapi: the database at DATABASE_URL does not answer: {reason}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "migrate":
        asyncio.run(_migrate(settings))
        print("database is at the latest migration")
        return 0
    if args.command == "worker":
        return asyncio.run(_worker(settings))
    if args.command == "create-superuser":
        return asyncio.run(_create_superuser(settings, args.email, args.name))
    return _serve(settings, args)


async def _migrate(settings: Settings) -> None:
    if settings.storage == "memory":
        return
    from adapters.sqlalchemy.engine import build_engine
    from adapters.sqlalchemy.migrate import upgrade_to_head

    # No statement timeout: DDL, and waiting for another host's migration, may take long.
    try:
        engine = build_engine(settings.database_url, statement_timeout=None)
    except OSError as exc:  # SQLite: the database's folder cannot be made
        raise BackendUnavailable() from exc
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


async def _worker(settings: Settings) -> int:
    import logging

    from entrypoints.containers import build_container, close_container
    from entrypoints.email_worker import run_worker

    if settings.storage == "memory":
        print("hexapi: the memory backend keeps no outbox a worker can read", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    await _migrate(settings)
    container = build_container(settings)
    housekeeping = container.housekeeping()
    housekeeping.start()
    try:
        await run_worker(container.email.email_delivery_loop())
    finally:
        await housekeeping.stop()
        await close_container(container)
    return 0


async def _create_superuser(settings: Settings, email: str, name: str) -> int:
    from application.auth.registration import NewAccount
    from domain.errors import DomainError
    from entrypoints.containers import build_container, close_container
    from entrypoints.email_addresses import parse_email

    password = _read_password()
    await _migrate(settings)
    container = build_container(settings)
    try:
        user = await container.auth.register_user()(
            NewAccount(email=parse_email(email), name=name, password=password, is_superuser=True)
        )
    except DomainError as exc:
        print(f"hexapi: {exc.detail}", file=sys.stderr)
        return 1
    finally:
        await close_container(container)
    print(f"created superuser {user.email} ({user.id})")
    return 0


def _read_password() -> str:
    if not sys.stdin.isatty():
        password = os.environ.get("HEXAPI_PASSWORD")
        if not password:
            raise SystemExit("hexapi: set HEXAPI_PASSWORD when there is no terminal")
        return password
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password (again): ") != password:
        raise SystemExit("hexapi: the passwords differ")
    return password


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from entrypoints.http_protocol import PROTOCOL_PATH

    if settings.storage == "memory" and args.workers > 1:
        print("hexapi: the memory backend cannot be shared by several workers", file=sys.stderr)
        return 2
    try:  # make (or find) the development signing key now, not at the first login
        resolve_secret_key(settings)
    except OSError as exc:
        message = f"invalid setting DATA_DIR: cannot keep the signing key there: {exc}"
        print(f"hexapi: {message}", file=sys.stderr)
        return 2
    if not _can_listen(args.host, args.port):
        print(
            f"hexapi: {args.host}:{args.port} is already in use; pick another port with"
            " --port (make run PORT=8001)",
            file=sys.stderr,
        )
        return 2
    asyncio.run(_migrate(settings))
    share_metrics_between(1 if args.reload else args.workers)
    # uvicorn re-raises the SIGTERM it stopped on once it has shut down gracefully, which
    # would end the process as killed (-15); a requested stop is a clean exit (status 0).
    signal.signal(signal.SIGTERM, lambda *_: None)
    uvicorn.run(
        "entrypoints.http.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=None if args.reload else args.workers,
        reload=args.reload,
        # Request heads bounded in size and in time (entrypoints/http_protocol.py).
        http=PROTOCOL_PATH,
        # X-Forwarded-For and -Proto are believed by the app itself, from FORWARDED_ALLOW_IPS
        # only (middleware/stack.py), under any server; uvicorn's own reading would trust
        # 127.0.0.1, so any local process could name its own client address.
        proxy_headers=False,
        log_config=None,  # logging is ours (entrypoints/logging.py), access lines included
        access_log=False,
        # On SIGTERM requests in flight get this long to finish before they are cancelled
        # (below the 30 s that orchestrators wait before SIGKILL).
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        ws="entrypoints.http.websocket_protocol:GoingAwayWebSocketProtocol",
        # A chat frame is at most ~24 KB; a larger one is cut off with 1009.
        ws_max_size=settings.max_body_bytes,
        # Each member's frame would be compressed on its own (a context per connection): CPU
        # per member of every fan-out, for frames of a few hundred bytes.
        ws_per_message_deflate=False,
    )
    return 0


def _can_listen(host: str, port: int) -> bool:
    """Whether the address is free, asked the way uvicorn binds it (SO_REUSEADDR), so a busy
    port ends with one line that says what to do instead of uvicorn's bare error."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return True  # let uvicorn report an unknown host in its own words
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            return False
    return True


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
