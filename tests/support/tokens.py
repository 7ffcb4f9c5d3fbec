"""Forging tokens: a genuine token's claims, re-signed the way an attacker would try."""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt

from tests.conftest import TEST_SECRET


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def forge(
    token: str,
    *,
    key: str = TEST_SECRET,
    algorithm: str = "HS256",
    claims: dict[str, Any] | None = None,
    header: dict[str, Any] | None = None,
) -> str:
    """`token`'s claims (updated with `claims`) and `typ` header (updated with `header`),
    signed with `key` and `algorithm`; `algorithm="none"` leaves it unsigned."""
    payload = {**claims_of(token), **(claims or {})}
    headers = {"typ": jwt.get_unverified_header(token)["typ"], **(header or {})}
    if algorithm == "none":
        head = _b64(json.dumps({**headers, "alg": "none"}).encode())
        return f"{head}.{_b64(json.dumps(payload).encode())}."
    return jwt.encode(payload, key, algorithm=algorithm, headers=headers)
