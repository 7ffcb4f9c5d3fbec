"""A bug becomes the contract's 500 inside the conventions layer, so that response too
carries the request id, the timing and the security headers, and is logged and counted.

Starlette answers unhandled exceptions in its outermost layer, outside every user middleware;
catching them one step earlier and rendering them with the app's own handler for `Exception`
(the error table's) keeps one body for every 500.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope

from entrypoints.http.errors import error_response

log = logging.getLogger("hexapi.errors")


async def render_unhandled(scope: Scope, receive: Receive, exc: Exception) -> Response:
    """The contract's 500 for `exc`, from the app's own handler for Exception when it has one."""
    handlers = scope["app"].exception_handlers
    handler = handlers.get(Exception) or handlers.get(500)
    if handler is None:
        log.error("unhandled error", exc_info=exc)
        return error_response(500, "Internal server error.", "internal_error")
    response: Response = await handler(Request(scope, receive), exc)
    return response
