"""`HEAD` wherever `GET` works (RFC 9110 §9.3.2): the request goes through as a `GET` and its
response leaves with every header (`Content-Length` included) but without a body.

FastAPI routes answer only the methods they declare, so without this every `HEAD` was 405.
Outermost, so the headers are exactly those the `GET` would carry, compression included.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the body is dropped; only its end is passed on
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
