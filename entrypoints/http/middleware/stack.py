"""The order of the middleware, outermost first, and why.

1-9 are one layer, ConventionsMiddleware (conventions.py), doing them in this order:

1. HEAD           — a `HEAD` runs as the `GET` it mirrors; the body is dropped on the way out
2. request id     — first in, last out: everything below logs with it, every reply has it
3. process time   — stamps `X-Process-Time` on whatever comes back
4. security       — security headers and `Cache-Control: no-store` on every reply
5. access log     — one line per request, with the final status
6. metrics        — counts and times the request under its route template
7. unhandled      — a bug becomes the contract's 500 here, so 1-6 see and decorate it
8. compression    — gzip for large replies when the client accepts it, errors included;
                    `Vary: Accept-Encoding` on every reply
9. database budget — one bound for all the database waits of the request

Inside it:

10. CORS          — preflights answered here; refusals use the contract's error body
11. body limit    — 413 before the app reads a byte too many (upload routes: a larger ceiling)

Outermost, when FORWARDED_ALLOW_IPS names proxies, uvicorn's ProxyHeadersMiddleware puts the
client address X-Forwarded-For names (and the scheme of X-Forwarded-Proto) in the scope, for
requests whose peer is one of them only: the access log and the per-client login limit see
the real client, and nobody else can name one.

Starlette's own outermost error layer and FastAPI's exception layer sit around and below
these; 404, 405, 413, 422 and 500 answers all pass through 1-8.
"""

from __future__ import annotations

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from entrypoints.http.metrics import HttpMetrics
from entrypoints.http.middleware.body_limit import BodyLimitMiddleware
from entrypoints.http.middleware.conventions import ConventionsMiddleware
from entrypoints.http.middleware.cors import ConfiguredCorsMiddleware
from entrypoints.settings import Settings


def install_middleware(
    app: FastAPI, settings: Settings, *, api_prefix: str, metrics: HttpMetrics | None
) -> None:
    # add_middleware puts each new layer outside the ones before it: add innermost first.
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        max_multipart_bytes=multipart_ceiling(settings),
    )
    if settings.cors_origins:
        app.add_middleware(ConfiguredCorsMiddleware, origins=settings.cors_origins)
    app.add_middleware(
        ConventionsMiddleware,
        private_prefix=api_prefix,
        metrics=metrics,
        database_seconds=settings.db_timeout_seconds,
    )
    if settings.forwarded_allow_ips:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)


# An upload request carries at most this many files (the contract's POST /files takes 1..10).
MAX_FILES_PER_REQUEST = 10
MULTIPART_FRAMING_BYTES = 1024 * 1024


def multipart_ceiling(settings: Settings) -> int:
    """The most a multipart body may hold: every file at its limit, plus room for the parts'
    headers. Upload routes enforce their own, tighter limits while streaming."""
    return MAX_FILES_PER_REQUEST * settings.max_upload_bytes + MULTIPART_FRAMING_BYTES
