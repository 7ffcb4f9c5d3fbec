"""A request body over its limit is 413 `payload_too_large`: MAX_BODY_BYTES for ordinary
bodies, and a larger ceiling for multipart uploads (whose routes enforce their own, tighter
per-file limits while streaming; the ceiling only stops a body merely labelled multipart
from being read whole).

Nothing is buffered here. A declared `Content-Length` over the limit is answered at once,
without calling the app (and the connection is closed rather than drained). A body without
one (chunked) is counted as it streams through `receive`: the first chunk that passes the
limit raises instead of reaching the app, which turns it into the contract's 413 through the
error table.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http.errors import error_response


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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length, multipart, unreadable, chunked = _body_headers(scope)
        if length is None and not unreadable and not chunked:
            # No Content-Length and no Transfer-Encoding: HTTP/1.1 says there is no body.
            await self.app(scope, receive, send)
            return
        limit = self.max_multipart_bytes if multipart else self.max_bytes
        if length is not None and length > limit:
            await self._refuse(scope, receive, send, limit)
            return
        if length is not None and not unreadable:
            # The server never hands over more than the declared length.
            await self.app(scope, receive, send)
            return
        await self._counted(scope, receive, send, limit)

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
