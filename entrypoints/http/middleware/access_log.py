"""One access line per request: method, route and path, status, duration, request id.

The query string is logged with secret-looking values redacted (`?token=` on the chat
handshake); headers and bodies are never logged.
"""

from __future__ import annotations

import logging

from starlette.types import Scope

from entrypoints.http.middleware.routes import route_template
from entrypoints.logging import TRUNCATED, redact, request_id_var

log = logging.getLogger("hexapi.access")

# The path and the query are each logged up to this many characters: a line's size (and the
# work of redacting it) stays bounded however long a URL the server let through.
MAX_LOGGED_PATH = 2048


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LOGGED_PATH else text[:MAX_LOGGED_PATH] + TRUNCATED


def loggable_path(scope: Scope) -> str:
    query = scope.get("query_string", b"")
    path = _cut(scope["path"])
    if query:
        path = f"{path}?{redact(_cut(query[: 4 * MAX_LOGGED_PATH].decode('latin-1')))}"
    # A decoded %0A must not start a forged line in the readable format.
    return path if path.isprintable() else path.encode("unicode_escape").decode("ascii")


def log_request(scope: Scope, status: int, seconds: float) -> None:
    """The access line of one request (when INFO is on for the access logger)."""
    if log.isEnabledFor(logging.INFO):
        _log(scope, status, seconds)


def _log(scope: Scope, status: int, seconds: float) -> None:
    path = loggable_path(scope)
    duration_ms = round(seconds * 1000, 2)
    client = scope.get("client")
    # makeRecord + handle is what log.info does, less the walk up the stack for the
    # caller's file and line, which an access line does not need.
    record = log.makeRecord(
        log.name,
        logging.INFO,
        __file__,
        0,
        "%s %s %s %.2fms",
        (scope["method"], path, status, duration_ms),
        None,
        extra={
            "method": scope["method"],
            "path": path,
            "route": route_template(scope),
            "status": status,
            "duration_ms": duration_ms,
            "client": client[0] if client else None,
            "request_id": request_id_var.get(),
        },
    )
    log.handle(record)
