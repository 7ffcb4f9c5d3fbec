"""The order of the middleware, outermost first, and why.

1-6 are one layer, ConventionsMiddleware (conventions.py), doing them in this order:

1. request id     — first in, last out: everything below logs with it, every reply has it
2. process time   — stamps `X-Process-Time` on whatever comes back
3. security       — security headers and `Cache-Control: no-store` on every reply
4. access log     — one line per request, with the final status
5. metrics        — counts and times the request under its route template
6. unhandled      — a bug becomes the contract's 500 here, so 1-5 see and decorate it
7. CORS           — preflights answered here; refusals use the contract's error body
8. compression    — gzip for large replies, errors included
9. body limit     — 413 before the app reads a byte too many (upload routes: a larger ceiling)
10. database budget — one bound for all the database waits of the request

Around all of them, HEAD (head.py) runs a `HEAD` as the `GET` it mirrors and drops the body.
Outermost, when FORWARDED_ALLOW_IPS names proxies, uvicorn's ProxyHeadersMiddleware puts the
client address X-Forwarded-For names (and the scheme of X-Forwarded-Proto) in the scope, for
requests whose peer is one of them only: the access log and the per-client login limit see
the real client, and nobody else can name one.

Starlette's own outermost error layer and FastAPI's exception layer sit around and below
these; 404, 405, 413, 422 and 500 answers all pass through 1-5.
"""

from __future__ import annotations

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from entrypoints.http.metrics import HttpMetrics
from entrypoints.http.middleware.body_limit import BodyLimitMiddleware
from entrypoints.http.middleware.compression import CompressionMiddleware
from entrypoints.http.middleware.conventions import ConventionsMiddleware
from entrypoints.http.middleware.cors import ConfiguredCorsMiddleware
from entrypoints.http.middleware.database_budget import DatabaseBudgetMiddleware
from entrypoints.http.middleware.head import HeadMiddleware
from entrypoints.settings import Settings


def install_middleware(
    app: FastAPI, settings: Settings, *, api_prefix: str, metrics: HttpMetrics | None
) -> None:
    # add_middleware puts each new layer outside the ones before it: add innermost first.
    app.add_middleware(DatabaseBudgetMiddleware, seconds=settings.db_timeout_seconds)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        max_multipart_bytes=multipart_ceiling(settings),
    )
    app.add_middleware(CompressionMiddleware)
    if settings.cors_origins:
        app.add_middleware(ConfiguredCorsMiddleware, origins=settings.cors_origins)
    app.add_middleware(ConventionsMiddleware, private_prefix=api_prefix, metrics=metrics)
    app.add_middleware(HeadMiddleware)
    if settings.forwarded_allow_ips:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)


# An upload request carries at most this many files (the contract's POST /files takes 1..10).
MAX_FILES_PER_REQUEST = 10
MULTIPART_FRAMING_BYTES = 1024 * 1024


def multipart_ceiling(settings: Settings) -> int:
    """The most a multipart body may hold: every file at its limit, plus room for the parts'
    headers. Upload routes enforce their own, tighter limits while streaming."""
    return MAX_FILES_PER_REQUEST * settings.max_upload_bytes + MULTIPART_FRAMING_BYTES
