"""A bug becomes the contract's 500 here, inside the other middleware, so that response too
carries the request id, the timing and the security headers, and is logged and counted.

Starlette answers unhandled exceptions in its outermost layer, outside every user middleware;
catching them one step earlier and rendering them with the app's own handler for `Exception`
(the error table's) keeps one body for every 500.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http.errors import error_response

log = logging.getLogger("hexapi.errors")


class UnhandledErrorMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:  # too late for a status: let the server drop the connection
                raise
            handlers = scope["app"].exception_handlers
            handler = handlers.get(Exception) or handlers.get(500)
            if handler is None:
                log.error("unhandled error", exc_info=exc)
                response = error_response(500, "Internal server error.", "internal_error")
            else:
                response = await handler(Request(scope, receive), exc)
            await response(scope, receive, send)
