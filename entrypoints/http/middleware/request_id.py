"""`X-Request-ID` on every response: the caller's id when it is safe to echo, else a new one."""

from __future__ import annotations

import re
import secrets

from starlette.types import Scope

HEADER = b"x-request-id"
# Echoing only short, plain ids keeps header injection and log forging out.
_SAFE_ID = re.compile(rb"[A-Za-z0-9._-]{1,128}")


def incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == HEADER:
            return value.decode("ascii") if _SAFE_ID.fullmatch(value) else None
    return None


def request_id_for(scope: Scope) -> str:
    """The id of this request: the caller's, when safe to echo, or a new random one."""
    return incoming_request_id(scope) or secrets.token_hex(16)
