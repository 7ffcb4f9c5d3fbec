"""A request body over its limit is 413 `payload_too_large`: MAX_BODY_BYTES for every route,
whatever the body is labelled, except a multipart body sent to an upload route (one that
declares a multipart request body, see entrypoints.http.openapi.multipart_body), which gets
the larger upload ceiling; those routes enforce their own, tighter per-file limits while
streaming. The route decides, not the label: a JSON route given a body labelled multipart
would otherwise have its framework read up to the upload ceiling into memory.

Nothing is buffered here. A declared `Content-Length` over the limit is answered at once,
without calling the app (and the connection is closed rather than drained). A body without
one (chunked) is counted as it streams through `receive`: the first chunk that passes the
limit raises instead of reaching the app, which turns it into the contract's 413 through the
error table.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http.errors import error_response
from entrypoints.http.middleware.routes import flattened
from entrypoints.http.openapi import takes_multipart


class PayloadTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        # Closing the connection spares the server reading the rest of a body nobody wants.
        super().__init__(
            413, f"The request body is larger than {limit} bytes.", {"Connection": "close"}
        )


def _body_headers(scope: Scope) -> tuple[int | None, bool, bool, bool]:
    """(declared length, whether it is multipart, whether a length header was unreadable,
    whether the body is chunked)."""
    length: int | None = None
    multipart = unreadable = chunked = False
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                unreadable = True
        elif name == b"content-type":
            multipart = value[:10].lower() == b"multipart/"
        elif name == b"transfer-encoding":
            chunked = True
    return length, multipart, unreadable, chunked


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int, max_multipart_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_multipart_bytes = max_multipart_bytes
        # (path pattern, methods) of the routes that take multipart bodies; found once, on
        # the first multipart body, when every route has been added.
        self._upload_routes: list[tuple[re.Pattern[str], frozenset[str]]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length, multipart, unreadable, chunked = _body_headers(scope)
        if length is None and not unreadable and not chunked:
            # No Content-Length and no Transfer-Encoding: HTTP/1.1 says there is no body.
            await self.app(scope, receive, send)
            return
        upload = multipart and self._is_upload_route(scope)
        limit = self.max_multipart_bytes if upload else self.max_bytes
        if length is not None and length > limit:
            await self._refuse(scope, receive, send, limit)
            return
        if length is not None and not unreadable:
            # The server never hands over more than the declared length.
            await self.app(scope, receive, send)
            return
        await self._counted(scope, receive, send, limit)

    def _is_upload_route(self, scope: Scope) -> bool:
        if self._upload_routes is None:
            self._upload_routes = _upload_routes(getattr(scope.get("app"), "routes", ()))
        path, method = scope["path"], scope["method"]
        root = scope.get("root_path", "")
        paths = [path, path[len(root) :] or "/"] if root and path.startswith(root) else [path]
        return any(
            method in methods and pattern.match(candidate)
            for pattern, methods in self._upload_routes
            for candidate in paths
        )

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except PayloadTooLarge:
            # Only when no handler inside turned it into a response already.
            if started:
                raise
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        error = PayloadTooLarge(limit)
        response = error_response(413, error.detail, "payload_too_large", error.headers)
        await response(scope, receive, send)


def _upload_routes(routes: Any) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    return [
        (route.path_regex, frozenset(route.methods or ()))
        for route in flattened(routes)
        if getattr(route, "path_regex", None) is not None and takes_multipart(route)
    ]
