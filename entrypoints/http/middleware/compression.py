"""gzip for responses of MINIMUM_SIZE bytes or more, when the client accepts gzip; never for
downloads (`Content-Disposition: attachment`), which keep their `Content-Length` and are
mostly compressed already (images, archives, documents).

Starlette's GZipMiddleware (pure ASGI) does the work. It decides "accepts gzip" by looking for
the substring `gzip` in `Accept-Encoding`, which also matches a refusal such as `gzip;q=0`;
this subclass reads the header's codings and weights instead.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware, GZipResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MINIMUM_SIZE = 1000
# zlib's default level: most of level 9's gain at a fraction of its CPU.
COMPRESS_LEVEL = 6
VARY = (b"vary", b"Accept-Encoding")


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether gzip is acceptable: listed (or covered by `*`) with a non-zero weight."""
    weights: dict[str, float] = {}
    for item in accept_encoding.lower().split(","):
        coding, _, params = item.partition(";")
        weights[coding.strip()] = _weight(params.strip())
    for coding in ("gzip", "x-gzip", "*"):
        if coding in weights:
            return weights[coding] > 0
    return False


def _weight(params: str) -> float:
    if not params.startswith("q="):
        return 1.0
    try:
        return float(params[2:])
    except ValueError:
        return 0.0


class CompressionMiddleware(GZipMiddleware):
    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, minimum_size=MINIMUM_SIZE, compresslevel=COMPRESS_LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accept = ""
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                accept = value.decode("latin-1")
                break
        if not accepts_gzip(accept):
            # Nothing to compress: skip the responder (and its per-request set-up) and only
            # tell caches that the answer depends on Accept-Encoding.
            await self.app(scope, receive, _varying(send))
            return
        responder = _Responder(
            self.app,
            self.minimum_size,
            compresslevel=self.compresslevel,
            thread_minimum_size=self.thread_minimum_size,
            exclude_content_types=self.exclude_content_types,
        )
        await responder(scope, receive, send)


class _Responder(GZipResponder):
    """Passes downloads through untouched; compresses the rest as Starlette does."""

    _download = False

    async def send_with_compression(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._download = any(
                name == b"content-disposition" and value[:10].lower() == b"attachment"
                for name, value in message.get("headers", ())
            )
        if self._download:
            await self.send(message)
            return
        await super().send_with_compression(message)


def _varying(send: Send) -> Send:
    async def send_with_vary(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", ()), VARY]
        await send(message)

    return send_with_vary
