"""One access line per request: method, route and path, status, duration, request id.

The query string is logged with secret-looking values redacted (`?token=` on the chat
handshake); headers and bodies are never logged.

The line costs the request little. When hexapi's handler is the only one that would see it
(production, and every `hexapi serve`), the request hands the handler's buffer an
`AccessLine`, which the handler formats and writes later, off the request's path: making a
LogRecord and running the handler's filters was a fifth of `GET /health`'s CPU. Anywhere
else (a test runner's handler listening, a filter on the way) it is an ordinary record.
"""

from __future__ import annotations

import logging
import time

from starlette.types import Scope

from entrypoints.http.middleware.routes import route_template
from entrypoints.logging import TRUNCATED, redact, request_id_var, sole_handler

log = logging.getLogger("hexapi.access")

# The path and the query are each logged up to this many characters: a line's size (and the
# work of redacting it) stays bounded however long a URL the server let through.
MAX_LOGGED_PATH = 2048
MESSAGE = "%s %s %s %.2fms"


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LOGGED_PATH else text[:MAX_LOGGED_PATH] + TRUNCATED


def loggable_path(scope: Scope) -> str:
    query = scope.get("query_string", b"")
    path = _cut(scope["path"])
    if query:
        path = f"{path}?{redact(_cut(query[: 4 * MAX_LOGGED_PATH].decode('latin-1')))}"
    # A decoded %0A must not start a forged line in the readable format.
    return path if path.isprintable() else path.encode("unicode_escape").decode("ascii")


class AccessLine:
    """An access line as logging's formatters read a record: what a LogRecord of the access
    logger would carry, and what the handler's filters would have done to it (the request
    id set, the message redacted), without making one."""

    exc_info = exc_text = stack_info = None

    def __init__(self, scope: Scope, status: int, seconds: float) -> None:
        self.created = created = time.time()
        self.msecs = int((created - int(created)) * 1000) + 0.0
        self.name, self.levelname, self.levelno = log.name, "INFO", logging.INFO
        self.method = scope["method"]
        self.path = loggable_path(scope)
        self.route = route_template(scope)
        self.status = status
        self.duration_ms = round(seconds * 1000, 2)
        client = scope.get("client")
        self.client = client[0] if client else None
        self.request_id = request_id_var.get()

    def getMessage(self) -> str:  # the name logging's formatters call
        # Redacted as the handler's filter redacts every message (the path part of a URL is
        # not redacted by loggable_path, only its query).
        return redact(MESSAGE % (self.method, self.path, self.status, self.duration_ms))

    def fields(self) -> dict[str, object]:
        return {
            "method": self.method,
            "path": self.path,
            "route": self.route,
            "status": self.status,
            "duration_ms": self.duration_ms,
            "client": self.client,
            "request_id": self.request_id,
        }


def log_request(scope: Scope, status: int, seconds: float) -> None:
    """The access line of one request (when INFO is on for the access logger)."""
    if not log.isEnabledFor(logging.INFO):
        return
    line = AccessLine(scope, status, seconds)
    handler = sole_handler(log, logging.INFO)
    if handler is not None:
        handler.keep(line)
        return
    # makeRecord + handle is what log.info does, less the walk up the stack for the
    # caller's file and line, which an access line does not need.
    args = (line.method, line.path, line.status, line.duration_ms)
    record = log.makeRecord(
        log.name, logging.INFO, __file__, 0, MESSAGE, args, None, extra=line.fields()
    )
    log.handle(record)
