"""The conventions of every HTTP request as one pure-ASGI layer: layers 1-9 of stack.py.

Nine middleware classes used to do this, each wrapping `send` in turn: nine coroutine
frames on the way in and as many `send` wrappers for every message on the way out, for work
that takes a few attribute reads. Profiled under load the six outer ones cost a quarter of
`GET /health`'s CPU and the other three a few per cent more. One layer does the same work,
in the same order, with one wrapper; what it needs to do more (gzip, a body to count) it
adds only for the requests that need it. The rules stay in their own modules (request_id,
process_time, security_headers, access_log, metrics, unhandled_errors, compression).
"""

from __future__ import annotations

from time import perf_counter

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.request_budget import database_budget
from entrypoints.http.metrics import HttpMetrics
from entrypoints.http.middleware.access_log import log_request
from entrypoints.http.middleware.compression import Compressor, accepts_gzip, varying
from entrypoints.http.middleware.metrics import count_request
from entrypoints.http.middleware.process_time import process_time_header
from entrypoints.http.middleware.request_id import HEADER as REQUEST_ID
from entrypoints.http.middleware.request_id import request_id_for
from entrypoints.http.middleware.security_headers import secured
from entrypoints.http.middleware.unhandled_errors import render_unhandled
from entrypoints.logging import request_id_var


class ConventionsMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        private_prefix: str,
        metrics: HttpMetrics | None,
        database_seconds: float,
    ) -> None:
        self.app = app
        self.compressed = Compressor(app)
        self.private_prefix = private_prefix.rstrip("/") + "/"
        self.metrics = metrics
        self.database_seconds = database_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        # HEAD runs as the GET it mirrors (RFC 9110 §9.3.2: FastAPI routes answer only the
        # methods they declare) and leaves with every header of the GET, without the body.
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        request_id = request_id_for(scope)
        private = (scope["path"] + "/").startswith(self.private_prefix)
        app = self.compressed if accepts_gzip(_accept_encoding(scope)) else self.app
        status = 500  # what the client gets when the app fails before answering
        answered = False

        async def decorated_send(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                answered, status = True, message["status"]
                headers = secured(list(message.get("headers", ())), private=private)
                headers.append(process_time_header(started))
                headers.append((REQUEST_ID, request_id.encode("ascii")))
                message["headers"] = varying(headers)
            elif head and message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the body is dropped; only its end is passed on
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        token = request_id_var.set(request_id)  # every line logged below carries it
        metrics = self.metrics
        if metrics is not None:
            metrics.in_flight.inc()
        try:
            try:
                # One bound for all the database waits of the request (request_budget.py).
                with database_budget(self.database_seconds):
                    await app(scope, receive, decorated_send)
            except Exception as exc:
                if answered:  # too late for a status: let the server drop the connection
                    raise
                response = await render_unhandled(scope, receive, exc)
                await response(scope, receive, decorated_send)
        finally:
            seconds = perf_counter() - started
            if metrics is not None:
                metrics.in_flight.dec()
                count_request(metrics, scope, status, seconds)
            log_request(scope, status, seconds)
            request_id_var.reset(token)


def _accept_encoding(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            return str(value.decode("latin-1"))
    return ""
