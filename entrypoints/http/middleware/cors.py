"""CORS for the configured origins only (CORS_ORIGINS); none configured, no CORS at all.

Bearer tokens travel in the Authorization header, never in cookies, so credentials are not
allowed: a wildcard origin then cannot leak anything a cookie would carry.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp

from entrypoints.http.errors import error_response

ALLOWED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
ALLOWED_HEADERS = ("Authorization", "Content-Type", "X-Request-ID")
EXPOSED_HEADERS = (
    "X-Request-ID",
    "X-Process-Time",
    "Retry-After",
    "WWW-Authenticate",
    "Content-Disposition",
)


class ConfiguredCorsMiddleware(CORSMiddleware):
    def __init__(self, app: ASGIApp, *, origins: list[str]) -> None:
        super().__init__(
            app,
            allow_origins=origins,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            allow_credentials=False,
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
        )

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        # Refusals get the contract's error body (and keep the CORS headers computed above).
        detail = bytes(response.body).decode()
        kept = {
            k: v
            for k, v in response.headers.items()
            if k.startswith("access-control-") or k == "vary"
        }
        return error_response(400, f"{detail}.", "cors_not_allowed", kept)
