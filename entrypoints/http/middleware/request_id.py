"""`X-Request-ID` on every response: the caller's id when it is safe to echo, else a new one."""

from __future__ import annotations

import re
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.logging import request_id_var

HEADER = b"x-request-id"
# Echoing only short, plain ids keeps header injection and log forging out.
_SAFE_ID = re.compile(rb"[A-Za-z0-9._-]{1,128}")


def incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == HEADER:
            return value.decode("ascii") if _SAFE_ID.fullmatch(value) else None
    return None


class RequestIdMiddleware:
    """Gives each request an id, exposes it to log lines, and returns it in `X-Request-ID`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope) or secrets.token_hex(16)
        header = (HEADER, request_id.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        token = request_id_var.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)
