"""Security headers on every response, and `Cache-Control: no-store` on the private ones.

The three security headers always have the contract's values, even where a route set one.

The caching rule: every response under the API prefix (`/api/v1`) may carry tokens or
personal data, so it gets `Cache-Control: no-store` — errors included — unless its route set
a `Cache-Control` of its own (how a deliberately public, cacheable response opts out).
Health, metrics and the docs carry neither and are left to the defaults.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
OWNED = frozenset(name for name, _ in SECURITY_HEADERS)
CACHE_CONTROL = b"cache-control"
NO_STORE = (CACHE_CONTROL, b"no-store")


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, private_prefix: str) -> None:
        self.app = app
        self.private_prefix = private_prefix.rstrip("/") + "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = (scope["path"] + "/").startswith(self.private_prefix)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Ours replace any a route set, so no route can weaken them.
                headers = [h for h in message.get("headers", ()) if h[0].lower() not in OWNED]
                headers.extend(SECURITY_HEADERS)
                if private and not any(h[0].lower() == CACHE_CONTROL for h in headers):
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
