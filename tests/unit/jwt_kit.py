"""Shared pieces of the token service tests: keys, lifetimes, and a forger's toolkit."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import jwt
from hypothesis import HealthCheck, settings

from adapters.security.jwt import PyJwtTokenService
from domain.tokens import TokenType
from tests.support.clock import FakeClock

KEY = "unit-test-signing-key-" + "0123456789abcdef" * 3  # 70 bytes: enough for HS512
OTHER_KEY = "another-key-" + "fedcba9876543210" * 4
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=7)
HEADER = {TokenType.ACCESS: "at+jwt", TokenType.REFRESH: "refresh+jwt"}
# Function-scoped fixtures are fine under @given here: they are stateless for these tests.
PROPERTY = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def service(clock: FakeClock, algorithm: str = "HS256", key: str = KEY) -> PyJwtTokenService:
    return PyJwtTokenService(
        secret_key=key,
        algorithm=algorithm,
        access_ttl=ACCESS_TTL,
        refresh_ttl=REFRESH_TTL,
        clock=clock,
    )


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def claims_of(token: str) -> dict[str, Any]:
    return json.loads(unb64(token.split(".")[1]))


def sign(
    claims: dict[str, Any], *, key: str = KEY, algorithm: str = "HS256", typ: str = "at+jwt"
) -> str:
    return jwt.encode(claims, key, algorithm=algorithm, headers={"typ": typ})
