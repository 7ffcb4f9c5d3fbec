"""`X-Process-Time`: seconds (a float) from the request's arrival to the response's start."""

from __future__ import annotations

from time import perf_counter

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-process-time"


class ProcessTimeMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter()

        async def send_with_time(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = f"{perf_counter() - started:.6f}".encode("ascii")
                message["headers"] = [*message.get("headers", ()), (HEADER, elapsed)]
            await send(message)

        await self.app(scope, receive, send_with_time)
