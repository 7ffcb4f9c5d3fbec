"""gzip for responses of MINIMUM_SIZE bytes or more, when the client accepts gzip; never for
downloads (`Content-Disposition: attachment`), which keep their `Content-Length` and are
mostly compressed already (images, archives, documents). Every response says
`Vary: Accept-Encoding`, compressed or not, so caches keep the two apart.

Starlette's GZipResponder (pure ASGI) does the work, for the requests that accept gzip
only; the conventions layer decides which (conventions.py). Starlette's own middleware
decides "accepts gzip" by looking for the substring `gzip` in `Accept-Encoding`, which also
matches a refusal such as `gzip;q=0`; accepts_gzip reads the header's codings and weights.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MINIMUM_SIZE = 1000
# zlib's default level: most of level 9's gain at a fraction of its CPU.
COMPRESS_LEVEL = 6
VARY = b"vary"
ACCEPT_ENCODING = b"accept-encoding"


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


def varying(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """`headers` with `Vary: Accept-Encoding`, unless a Vary header names it already."""
    for name, value in headers:
        if name.lower() == VARY and ACCEPT_ENCODING in value.lower():
            return headers
    headers.append((VARY, b"Accept-Encoding"))
    return headers


class Compressor:
    """`app` with its responses gzipped: for a request whose client accepts gzip."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        responder = _Responder(self.app, MINIMUM_SIZE, compresslevel=COMPRESS_LEVEL)
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
