"""Logging, configured in one place for the CLI and for every app (one per worker).

JSON lines in production, readable lines elsewhere. Every line carries the id of the request
it was written for. Secrets are kept out twice: the code never logs headers or bodies, and a
filter redacts what looks like a password or token in whatever is logged anyway.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from entrypoints.settings import Environment, Settings

# Set by the request-id middleware for the duration of a request; "-" outside requests.
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# Fields of an access line (see entrypoints/http/middleware/access_log.py) that JSON keeps.
ACCESS_FIELDS = ("method", "path", "route", "status", "duration_ms", "client")

# Every pattern here sees request data (paths, queries, messages quoting input), so each one
# must run in time linear in its input. The rule that keeps them so: a match may only begin
# where a word begins (the look-behinds), so a long run of letters is scanned once from its
# start rather than again from each of its letters, and no two neighbouring quantifiers can
# share characters. Which keys are secret is decided in Python on the whole key, never by a
# nested `[a-z_]*token[a-z_]*` (that one took cubic time: 2,000 characters held for seconds).
_WORD_START = r"(?<![A-Za-z0-9_])"

# Authorization header values and anything shaped like one.
_BEARER = re.compile(_WORD_START + r"(?i:(bearer|basic))[ \t]+[A-Za-z0-9._~+/=-]{8,}")
# JWTs wherever they appear (tokens in URLs, messages, exception texts).
_JWT = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
# key=value pairs in query strings, form bodies and messages.
_KEY_VALUE = re.compile(_WORD_START + r"([A-Za-z_]+)=([^&\s\"',;]+)")
# "key": "value" / 'key': 'value' in JSON or reprs.
_QUOTED_KEY_VALUE = re.compile(
    r"""(?<![A-Za-z0-9_"'])(["']?)([A-Za-z_]+)(["']?[ \t\r\n]*:[ \t\r\n]*["'])[^"']*"""
)
SECRET_KEY_WORDS = ("token", "password", "secret")

# Every pattern above needs one of these; most lines have none and skip the regexes.
_TRIGGERS = ("bearer", "basic", "eyj", *SECRET_KEY_WORDS)

# Text longer than this is cut before it is searched: no log line needs more, and it bounds
# what one line can cost whatever a request carried.
MAX_REDACTED_CHARS = 16 * 1024
TRUNCATED = "…[truncated]"


def _secret_key(key: str) -> bool:
    lowered = key.lower()
    return any(word in lowered for word in SECRET_KEY_WORDS)


def _key_value(match: re.Match[str]) -> str:
    return f"{match[1]}=[redacted]" if _secret_key(match[1]) else match[0]


def _quoted_key_value(match: re.Match[str]) -> str:
    if not _secret_key(match[2]):
        return match[0]
    return f"{match[1]}{match[2]}{match[3]}[redacted]"


def redact(text: str) -> str:
    """`text` (cut to MAX_REDACTED_CHARS) with everything that looks like a password or token
    replaced, in time linear in its length."""
    if len(text) > MAX_REDACTED_CHARS:
        text = text[:MAX_REDACTED_CHARS] + TRUNCATED
    lowered = text.lower()
    if not any(trigger in lowered for trigger in _TRIGGERS):
        return text
    text = _BEARER.sub(r"\1 [redacted]", text)
    text = _JWT.sub("[redacted]", text)
    text = _KEY_VALUE.sub(_key_value, text)
    return _QUOTED_KEY_VALUE.sub(_quoted_key_value, text)


class RedactSecrets(logging.Filter):
    """The safety net: rewrites a record's message when it contains something secret-shaped.

    Outside production a record logged with `extra={"reveal": True}` is left alone: that is
    the development mail console showing the reset link it exists to show.
    """

    def __init__(self, *, honour_reveal: bool) -> None:
        super().__init__()
        self._honour_reveal = honour_reveal

    def filter(self, record: logging.LogRecord) -> bool:
        if self._honour_reveal and getattr(record, "reveal", False):
            return True
        # Storing the formatted text also spares the formatter formatting it a second time.
        record.msg, record.args = redact(record.getMessage()), None
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


# One encoder for every line: json.dumps with options builds a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False, default=str)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, access fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for field in ACCESS_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return _JSON.encode(entry)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s")

    def formatException(self, ei: Any) -> str:
        return redact(super().formatException(ei))


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is at the time (test runners swap it), access lines in
    batches, as nginx's `access_log … buffer= flush=` does.

    An access line is kept in memory and written with the others when BUFFER_LINES have
    gathered or FLUSH_SECONDS after the first of them, by a background thread: the request
    that logged it never waits for the formatting or the write. Any other line first writes
    the lines kept before it, then itself, at once (errors are not delayed, and the output
    stays in order). Nothing is lost on a graceful stop: flush() and close() write what is
    kept, the app's shutdown flushes, and logging's exit hook closes every handler. A process
    that is killed outright loses at most FLUSH_SECONDS of access lines.
    """

    BUFFER_LINES = 256
    FLUSH_SECONDS = 1.0

    def __init__(self, buffered: frozenset[str] = frozenset({"hexapi.access"})) -> None:
        super().__init__()
        self._buffered = buffered
        self._kept: list[logging.LogRecord] = []
        self._writing = threading.Lock()
        self._wake = threading.Event()
        self._flusher: threading.Thread | None = None
        self._closed = False

    def emit(self, record: logging.LogRecord) -> None:
        # Called by handle() with self.lock held.
        if record.name in self._buffered and not self._closed:
            self._kept.append(record)
            if self._flusher is None:
                self._start_flusher()
            if len(self._kept) >= self.BUFFER_LINES:
                self._wake.set()
            return
        with self._writing:
            self._write([*self._take(), record])

    def keep(self, line: Any) -> None:
        """Buffer a line that needs no filtering (see sole_handler), as handle() would."""
        with self.lock:  # type: ignore[union-attr] # created by Handler.__init__
            self.emit(line)

    def flush(self) -> None:
        # The handler's own lock (which handle() takes around emit) guards only the taking,
        # so a request logging its access line never waits while a batch is formatted and
        # written. The write lock, taken before the handler's lock is let go, keeps the
        # output in order with the lines written at once by emit.
        self.acquire()
        try:
            records = self._take()
            self._writing.acquire()
        finally:
            self.release()
        try:
            self._write(records)
        finally:
            self._writing.release()

    def close(self) -> None:
        self._closed = True
        self.flush()
        self._wake.set()
        super().close()

    def _take(self) -> list[logging.LogRecord]:
        kept, self._kept = self._kept, []
        return kept

    def _write(self, records: list[logging.LogRecord]) -> None:
        if not records:
            return
        lines = []
        for record in records:
            try:
                lines.append(self.format(record))
            except Exception:  # one bad record must not take the others with it
                self.handleError(record)
        try:
            stream = sys.stderr
            stream.write("\n".join(lines) + "\n")
            stream.flush()
        except Exception:
            self.handleError(records[-1])

    def _start_flusher(self) -> None:
        self._flusher = threading.Thread(
            target=self._flush_periodically, name="access-log-flush", daemon=True
        )
        self._flusher.start()

    def _flush_periodically(self) -> None:
        while not self._closed:
            self._wake.wait(self.FLUSH_SECONDS)
            self._wake.clear()
            self.flush()


def sole_handler(logger: logging.Logger, level: int) -> _StderrHandler | None:
    """hexapi's handler, when it is the only handler a record of `logger` at `level` would
    reach and no filter stands on the way: a line can then go to it directly (see
    entrypoints/http/middleware/access_log.py). None when anything else would see the line."""
    found: list[logging.Handler] = []
    current: logging.Logger | None = logger
    while current is not None:  # the walk Logger.callHandlers makes
        if current.filters:
            return None
        found.extend(current.handlers)
        if not current.propagate:
            break
        current = current.parent
    if len(found) != 1:
        return None
    handler = found[0]
    # Its own filters (the request id, redaction) are what such a line does for itself.
    if type(handler) is not _StderrHandler or level < handler.level:
        return None
    return handler


def flush_logs() -> None:
    """Write every line kept in a buffer now (the app calls this when it stops)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _StderrHandler):
            handler.flush()


def configure_logging(settings: Settings) -> None:
    """Install hexapi's handler on the root logger. Idempotent: calling it again replaces the
    handler it installed before and leaves other handlers (a test runner's) alone."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _StderrHandler):
            root.removeHandler(handler)
            handler.close()
    handler = _StderrHandler()
    handler.addFilter(RequestIdFilter())
    production = settings.app_env is Environment.PRODUCTION
    handler.addFilter(RedactSecrets(honour_reveal=not production))
    handler.setFormatter(JsonFormatter() if production else TextFormatter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    # uvicorn's own lines go through the same handler; its access log is replaced by ours.
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    # Alembic announces each of its plugins at INFO on every start; its migrations stay.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
